"""Quality at a budget of network evaluations: the NFE of each sampler against its closed form and against counted
network calls, the steps each budget allows, the plan, the best row per budget and the side-by-side table."""
import pytest
import torch

from diffusion_core import flow_samplers, samplers
from diffusion_core.evaluation.nfe import (
    BUDGETS,
    FAMILIES,
    all_rows_lines,
    best_at,
    compare,
    nfe,
    plan,
    steps_within,
    table_lines,
    verdict,
    words_list,
)
from diffusion_core.flow import FlowPath
from diffusion_core.pipeline import load_pipeline
from diffusion_core.schedules import make_schedule
from tests.fixtures import VelocityField, make_tiny_flow_model, make_tiny_models, tiny_reference

CLOSED_FORM = {"ddpm": lambda k: k, "ddim": lambda k: k, "dpm_solver_pp": lambda k: k, "euler": lambda k: k,
               "heun": lambda k: 2 * k - 1, "midpoint": lambda k: 2 * k}


class CountingEps(torch.nn.Module):
    """A stand-in ε-network that predicts zeros and counts its calls."""

    def __init__(self):
        super().__init__()
        self.calls, self.anchor = 0, torch.nn.Parameter(torch.zeros(()))

    def forward(self, xt, t, cond=None, drop_cond=None):
        self.calls += 1
        return torch.zeros_like(xt)


@pytest.mark.parametrize("sampler", list(CLOSED_FORM))
def test_nfe_is_the_closed_form_and_steps_within_the_largest_fitting_k(sampler):
    for k in range(1, 13):
        assert nfe(sampler, k) == CLOSED_FORM[sampler](k)
    for budget in range(1, 31):
        fits = [k for k in range(1, 31) if CLOSED_FORM[sampler](k) <= budget]
        assert steps_within(sampler, budget) == (max(fits) if fits else None)


def test_steps_within_examples():
    assert (steps_within("heun", 8), nfe("heun", 4)) == (4, 7)
    assert steps_within("heun", 1) == 1 and steps_within("heun", 20) == 10
    assert steps_within("midpoint", 1) is None and steps_within("midpoint", 8) == 4
    assert steps_within("euler", 20) == 20 and steps_within("ddpm", 4) == 4


@pytest.mark.parametrize("sampler", FAMILIES["flow_matching"])
@pytest.mark.parametrize("k", [1, 2, 5])
def test_flow_samplers_call_the_network_nfe_times(sampler, k):
    net = VelocityField(lambda x, t, c, d: -x)
    flow_samplers.generate(net, FlowPath(), (2, 1, 4, 4), sampler=sampler, num_steps=k)
    assert net.calls == nfe(sampler, k)


@pytest.mark.parametrize("sampler", FAMILIES["ddpm"])
@pytest.mark.parametrize("k", [1, 2, 5])
def test_ddpm_samplers_call_the_network_nfe_times(sampler, k):
    net = CountingEps()
    samplers.generate(net, make_schedule("cosine", 1000), (2, 1, 4, 4), sampler=sampler, num_steps=k,
                      prediction_type="eps", generator=torch.Generator().manual_seed(0))
    assert net.calls == nfe(sampler, k)


def test_plan_measures_each_sampler_once_per_distinct_step_count():
    assert plan("flow_matching") == [("euler", 1), ("euler", 2), ("euler", 4), ("euler", 8), ("euler", 20),
                                     ("heun", 1), ("heun", 2), ("heun", 4), ("heun", 10),
                                     ("midpoint", 1), ("midpoint", 2), ("midpoint", 4), ("midpoint", 10)]
    assert plan("ddpm", (1, 4)) == [("ddim", 1), ("ddim", 4), ("dpm_solver_pp", 1), ("dpm_solver_pp", 4),
                                    ("ddpm", 1), ("ddpm", 4)]


def test_best_at_takes_each_samplers_largest_k_within_the_budget():
    rows = [{"sampler": s, "steps": k, "fid": f} for s, k, f in
            (("euler", 8, 5.0), ("heun", 4, 4.0), ("heun", 2, 1.0), ("midpoint", 4, 6.0), ("euler", 4, 9.0))]
    assert (best_at(rows, 8)["sampler"], best_at(rows, 8)["steps"]) == ("heun", 4)  # heun 2 (3 NFE) is not k=4
    assert best_at(rows, 3)["steps"] == 2 and best_at(rows, 1) is None


def test_same_seed_same_starting_noise_for_both_objectives(tmp_path):
    make_tiny_models(make_tiny_flow_model(tmp_path))
    firsts = [next(load_pipeline(tmp_path / name, "cpu").sample(3, labels=[0, 1, 2], seed=0, sampler=s, num_steps=2))
              for name, s in (("tiny_cond", "ddim"), ("tiny_flow", "euler"))]
    torch.testing.assert_close(firsts[0].xt, firsts[1].xt)


def test_compare_stores_every_row_and_the_best_side_by_side(tmp_path):
    make_tiny_models(make_tiny_flow_model(tmp_path))
    pipes = {name: load_pipeline(tmp_path / name, "cpu") for name in ("tiny_cond", "tiny_flow")}
    result = compare(pipes, tiny_reference(), n=12, budgets=(1, 2))
    assert (result["n"], result["guidance"], result["budgets"], result["floor_at_n"]) == (12, 1.0, [1, 2], 1.0)
    assert {name: m["objective"] for name, m in result["models"].items()} == {"tiny_cond": "ddpm",
                                                                             "tiny_flow": "flow_matching"}
    for name, pipe in pipes.items():
        assert [(r["sampler"], r["steps"]) for r in result["rows"][name]] == plan(pipe.objective, (1, 2))
        assert all(0 <= r["agreement"] <= 1 and r["fid"] >= 0 and r["sec_per_image"] > 0 for r in result["rows"][name])
    assert [b["budget"] for b in result["best"]] == [1, 2]
    assert result["best"][1]["tiny_flow"] == min((r for r in result["rows"]["tiny_flow"] if r["nfe"] == 2 or
                                                  (r["sampler"], r["steps"]) == ("heun", 1)), key=lambda r: r["fid"])
    table = table_lines(result)
    assert len(table) == 2 + 2 and all(line.count("|") == 10 for line in table)
    assert table[2].startswith("| 1 | ") and "(1 NFE)" in table[2]
    assert len(all_rows_lines(result)) == 2 + len(plan("ddpm", (1, 2))) + len(plan("flow_matching", (1, 2)))
    assert verdict(result).startswith("Lower domain-FID: `tiny_")


def test_words_list():
    assert [words_list(x) for x in ([], [1], [1, 2], BUDGETS)] == ["", "1", "1 and 2", "1, 2, 4, 8 and 20"]
