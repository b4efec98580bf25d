"""A class-conditional or unconditional U-Net, measured in its folder and described by its card.

  quality vs steps   domain-FID of n samples per (sampler, steps) row at guidance 1, next to the real-vs-real floor
  guided FID         DPM-Solver++ 20 steps on n_big samples at w = 2 (conditional) or 1, with its own floor
  class agreement    the domain classifier's accuracy on samples asked for each class, at w = 1, 2, 3
  samples.png        one column per class (8 each, w = 2, seed 0), or 80 unconditional samples

The model issue's targets are checked against these figures on the card (targets)."""
from __future__ import annotations

import json
import time
from pathlib import Path

import torch

from ..model_folder import read_config
from .metrics import SAMPLER_GRID, Reference, class_agreement, load_classifier, quality_vs_steps, timed_generate

TEMPLATE = "diffusion_model.md"
SAMPLES_NAME = "samples.png"
# He et al. 2016, its ADM form (Dhariwal & Nichol 2021), Liu et al. 2022
BLOCK_NAMES = {"resnet": "ResNet", "resnet_scale_shift": "ResNet (scale-shift)", "convnext": "ConvNeXt"}
SOLVERS = (("dpm_solver_pp", "DPM-Solver++(2M) 20 (ODE)"), ("dpm_solver_pp_sde", "DPM-Solver++(2M) SDE 20"))


def classifier_dir(folder: Path, dataset: str, given=None) -> Path:
    """The domain classifier to measure with: `given`, else the sibling folder classifier_<dataset>."""
    return Path(given) if given else folder.resolve().parent / f"classifier_{dataset}"


def save_samples(pipe, path: Path) -> Path:
    """samples.png: for a conditional model one column per class (8 rows, w = 2), else 80 samples; seed 0."""
    from ..images import make_grid, save_png

    if pipe.config.num_classes:
        grid = pipe.generate(80, labels=torch.arange(10).repeat_interleave(8), seed=0, sampler="dpm_solver_pp",
                             num_steps=20, guidance_scale=2.0)
        grid = grid.view(10, 8, *grid.shape[1:]).transpose(0, 1).reshape(80, *grid.shape[1:])  # one column per class
    else:
        grid = pipe.generate(80, seed=0, sampler="dpm_solver_pp", num_steps=20)
    return save_png(make_grid(grid, nrow=10, scale=2), path)


def evaluate(folder: Path, options) -> dict:
    """Every figure of the card; writes samples.png. options: folder.Options (n, n_big, per_class, skip_ddpm, quick)."""
    from ..models import count_parameters
    from ..pipeline import load_pipeline

    if options.add_rows:
        return add_rows(folder, options)
    pipe = load_pipeline(folder, device="cpu")
    conditional, dataset = pipe.config.num_classes > 0, pipe.info["dataset"]
    judge = classifier_dir(folder, dataset, options.classifier)
    classifier, start, n = load_classifier(judge), time.perf_counter(), options.n or 200
    ref = Reference.build(classifier, dataset, n_floor=n, data_root=options.data_root,
                          limit=1000 if options.quick else None)
    n_big = 50 if options.quick else options.n_big
    floor_big = ref.floor_at(dataset, n_big, options.data_root)
    grid = [("ddim", 5)] if options.quick else [r for r in SAMPLER_GRID if not (options.skip_ddpm and r[0] == "ddpm")]
    rows = quality_vs_steps(pipe, ref, n, guidance=1.0, grid=grid, n_slow=options.n_slow)
    guidance, per_class = (2.0 if conditional else 1.0), options.per_class or 50
    big, spi = timed_generate(pipe, n_big, labels=torch.arange(n_big) % 10 if conditional else None,
                              sampler="dpm_solver_pp", num_steps=20, guidance_scale=guidance)
    report = {"model": folder.name, "dataset": dataset, "conditional": conditional,
              "parameters": count_parameters(pipe.model), "n_per_row": n, "floor_at_n": ref.floor,
              "floor_at_n_big": floor_big, "quality_vs_steps_guidance_1": rows, "n_big": n_big,
              "big_guidance": guidance, "big_fid": ref.fid(big), "sec_per_image_big": spi, "per_class": per_class,
              "classifier_test_accuracy": read_config(judge)["test_accuracy"]}
    if conditional:
        uncond, _ = timed_generate(pipe, n, labels=None, sampler="dpm_solver_pp", num_steps=20)
        report["unconditional_null_class_fid_at_n"] = ref.fid(uncond)
        agreement = class_agreement(pipe, classifier, per_class, guidance_scales=(1.0, 2.0, 3.0),
                                    sampler="dpm_solver_pp", num_steps=20)
        report["agreement"] = {str(w): v for w, v in agreement.items()}
    save_samples(pipe, folder / SAMPLES_NAME)
    summary = pipe.info["training"]["summary"]
    report.update({"train_steps": summary["steps"], "train_minutes": summary["train_seconds"] / 60,
                   "eval_minutes": (time.perf_counter() - start) / 60, "threads": torch.get_num_threads()})
    return report


def add_rows(folder: Path, options) -> dict:
    """Measure only options.add_rows, e.g. [("ddpm", 1000)], into the stored evaluation.json (in SAMPLER_GRID order)."""
    from ..model_folder import EVALUATION_NAME
    from ..pipeline import load_pipeline

    r = json.loads((folder / EVALUATION_NAME).read_text())
    pipe = load_pipeline(folder, device="cpu")
    ref = Reference.build(load_classifier(classifier_dir(folder, r["dataset"], options.classifier)), r["dataset"],
                          n_floor=r["n_per_row"], data_root=options.data_root)
    start, grid = time.perf_counter(), [tuple(row) for row in options.add_rows]
    new = quality_vs_steps(pipe, ref, r["n_per_row"], guidance=1.0, grid=grid)
    rows = [q for q in r["quality_vs_steps_guidance_1"] if (q["sampler"], q["steps"]) not in grid] + new
    order = {row: i for i, row in enumerate(SAMPLER_GRID)}
    r["quality_vs_steps_guidance_1"] = sorted(rows, key=lambda q: order.get((q["sampler"], q["steps"]), len(order)))
    r["eval_minutes"] += (time.perf_counter() - start) / 60
    return r


def targets(r: dict) -> list[str]:
    """The model issue's targets, checked against the measured figures (none for an unconditional model without
    a DDPM row: nothing to check)."""
    rows = {(q["sampler"], q["steps"]): q["fid"] for q in r["quality_vs_steps_guidance_1"]}
    lines = []
    ratio = r["big_fid"] / r["floor_at_n_big"]
    if r["conditional"] and r["dataset"] == "mnist":
        lines.append(f"- domain-FID ≤ 4× the floor: {ratio:.1f}× ({'met' if ratio <= 4 else 'missed'})")
    if r["conditional"]:
        need, got = (0.95 if r["dataset"] == "mnist" else 0.85), r["agreement"]["2.0"]["overall"]
        lines.append(f"- agreement ≥ {need * 100:.0f} % at guidance 2: {got * 100:.1f} % "
                     f"({'met' if got >= need else 'missed'})")
    if ("ddpm", 1000) not in rows:
        return lines + ["- DPM-Solver++ 20 vs DDPM 1000: the DDPM row was not run for this model (--skip-ddpm, "
                        "for time)."] if lines else []
    ddpm = rows[("ddpm", 1000)]
    for sampler, label in SOLVERS:
        if (sampler, 20) in rows:
            gap = rows[(sampler, 20)] / ddpm - 1
            lines.append(f"- {label} within 10 % of DDPM 1000: {rows[(sampler, 20)]:.2f} vs {ddpm:.2f}, "
                         f"{gap * 100:+.0f} % ({'met' if gap <= 0.10 else 'missed'})")
    ode = [v for (sampler, _), v in rows.items() if sampler in ("ddim", "dpm_solver_pp")]
    if rows.get(("dpm_solver_pp", 20), 0) / ddpm - 1 > 0.10:
        lines.append(f"  The deterministic (ODE) rows, DDIM 10-50 and DPM-Solver++ 10-20, lie within "
                     f"{(max(ode) / min(ode) - 1) * 100:.0f} % of each other, so more ODE steps do not close the gap "
                     "to DDPM: it is the probability-flow ODE versus a stochastic chain, whose fresh noise at every "
                     "step corrects part of an imperfect ε-model's error. The SDE form of the same solver (fresh "
                     "noise, Lu et al. 2022) keeps DPM-Solver++'s 20 steps and that correction.")
    return lines


def conditional_section(r: dict, class_names: list[str]) -> str:
    """The null-class FID and the class-agreement table (conditional models only)."""
    if not r["conditional"]:
        return ""
    agree = "\n".join(f"| {w} | {a['overall'] * 100:.1f} % | "
                      + " · ".join(f"{n}: {p * 100:.0f}" for n, p in zip(class_names, a["per_class"])) + " |"
                      for w, a in r["agreement"].items())
    return (f"- Unconditional (null class), DPM-Solver++ 20 steps, {r['n_per_row']} samples: domain-FID "
            f"{r['unconditional_null_class_fid_at_n']:.2f}.\n\nClass agreement (the classifier's accuracy on samples "
            f"asked for each class; DPM-Solver++ 20 steps, {r['per_class']} per class):\n\n"
            f"| guidance w | overall | per class (%) |\n|---|---|---|\n{agree}\n")


def unet_words(m: dict) -> dict:
    """A U-Net's card words from config.json "model": block type, channels and sizes per level, attention."""
    levels = range(len(m["channel_mults"]))
    return {"block": BLOCK_NAMES.get(m["block_type"], m["block_type"]),
            "channels": "-".join(str(m["base_channels"] * k) for k in m["channel_mults"]),
            "sizes": "-".join(str(m["image_size"] // 2 ** i) for i in levels),
            "attention": " and ".join(f"{m['image_size'] // 2 ** i}×{m['image_size'] // 2 ** i}"
                                      for i in m["attention_levels"]) or "no level"}


def card_fields(folder: Path, config: dict, r: dict) -> dict:
    """What diffusion_model.md is filled with: the stored report, plus architecture words and tables."""
    m, names, train = config["model"], config["class_names"], config["training"]
    lines = targets(r)
    about = ("conditioned on the class with a learned null class (10 % of labels dropped during training), so one "
             "network is both the conditional and the unconditional model that classifier-free guidance needs"
             if r["conditional"] else "with no condition at all")
    samples = (f"one column per class ({', '.join(names)}), 8 samples each, DPM-Solver++ 20 steps, guidance 2, seed 0"
               if r["conditional"] else "80 unconditional samples, DPM-Solver++ 20 steps, seed 0")
    return {**r, "name": folder.name, "kind": "class-conditional DDPM" if r["conditional"] else "unconditional DDPM",
            "about": about, **unet_words(m), "batch_size": train["batch_size"],
            "epochs": r["train_steps"] * train["batch_size"] / 60000,
            "classifier_percent": r["classifier_test_accuracy"] * 100,
            "quality_rows": "\n".join(f"| {q['sampler']} | {q['steps']} | {q['fid']:.2f} | "
                                      f"{q['fid'] / r['floor_at_n']:.1f}× | {q['sec_per_image'] * 1000:.1f} |"
                                      for q in r["quality_vs_steps_guidance_1"]),
            "classes_cycling": " (classes cycling 0-9)" if r["conditional"] else "",
            "big_ratio": r["big_fid"] / r["floor_at_n_big"], "big_ms": r["sec_per_image_big"] * 1000,
            "conditional_section": conditional_section(r, names),
            "targets": ("Targets of the model issue, checked against these figures:\n" + "\n".join(lines) + "\n\n"
                        if lines else ""),
            "samples": samples, "samples_name": SAMPLES_NAME}
