"""The targets a diffusion model's card checks, from a stored report."""
from diffusion_core.evaluation.diffusion import targets


def report(conditional=True, dataset="mnist", rows=(("ddpm", 1000, 8.0), ("dpm_solver_pp", 20, 13.0),
                                                   ("dpm_solver_pp_sde", 20, 8.4), ("ddim", 10, 12.0))):
    r = {"conditional": conditional, "dataset": dataset, "big_fid": 8.0, "floor_at_n_big": 4.0,
         "quality_vs_steps_guidance_1": [{"sampler": s, "steps": k, "fid": f} for s, k, f in rows]}
    if conditional:
        r["agreement"] = {"2.0": {"overall": 0.96}}
    return r


def test_conditional_mnist_checks_fid_agreement_and_both_solvers():
    lines = targets(report())
    assert lines[0] == "- domain-FID ≤ 4× the floor: 2.0× (met)"
    assert lines[1] == "- agreement ≥ 95 % at guidance 2: 96.0 % (met)"
    assert "13.00 vs 8.00, +62 % (missed)" in lines[2] and "8.40 vs 8.00, +5 % (met)" in lines[3]
    assert lines[4].startswith("  The deterministic (ODE) rows") and "within 8 % of each other" in lines[4]


def test_without_a_ddpm_row_the_card_says_so_or_has_nothing_to_check():
    rows = (("dpm_solver_pp", 20, 13.0),)
    last = targets(report(dataset="fashion_mnist", rows=rows))[-1]
    assert last.startswith("- DPM-Solver++ 20 vs DDPM 1000: the DDPM row was not run")
    assert targets(report(conditional=False, rows=rows)) == []
