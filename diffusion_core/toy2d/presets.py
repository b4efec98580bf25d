"""The playground's presets: one small network per (dataset, objective), trained by one command and kept in one
model folder (model_folder.py: config.json + model.safetensors + README.md), keys "<dataset>.<objective>.<param>".

    python -m diffusion_core.toy2d train-presets --out <folder>     # every dataset × {ddpm, flow_matching}
    bank = load_presets(<folder>)                                   # {(dataset, objective): ToyModel}
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path

import torch

from ..flow import FlowPath
from ..model_folder import ModelLoadError, read_config, read_weights, save_model_folder
from ..training.config import OBJECTIVES
from .datasets import DATASETS, sample_dataset
from .model import Toy2DConfig, Toy2DNet
from .toy import DDPM_SCHEDULE, FIT_STEPS, PREDICTION, ToyModel, Training, fit_report, process_for, train_config

KIND = "toy2d_presets"  # config.json's "kind"; not a diffusion model folder of the zoo (no top-level schedule)
TRAIN_POINTS = 20_000  # the fixed training set of each preset, drawn with seed 0
PRESET_STEPS = 4000


def train_preset(dataset: str, objective: str, steps: int = PRESET_STEPS, seed: int = 0,
                 config: Toy2DConfig | None = None, measure: bool = True) -> tuple[ToyModel, dict]:
    """Train one preset; returns the EMA model and {steps, seconds, threads} with, if `measure`, its fit
    {mmd, floor, n, num_steps} (toy.fit_report)."""
    toy = ToyModel.new(objective, config, seed)
    run = Training(toy, sample_dataset(dataset, TRAIN_POINTS, 0), train_config(objective, steps, seed=seed))
    start = time.perf_counter()
    for _ in run.steps():
        pass
    seconds = time.perf_counter() - start
    model = run.model()
    fit = fit_report(model, lambda n, s: sample_dataset(dataset, n, s)) if measure else {}
    return model, {"steps": steps, "seconds": round(seconds, 1), "threads": torch.get_num_threads(),
                   **{k: round(v, 6) if isinstance(v, float) else v for k, v in fit.items()}}


def train_presets(out: str | Path, steps: int = PRESET_STEPS, datasets=DATASETS, objectives=OBJECTIVES,
                  log: Callable[[str], None] = print) -> Path:
    """Train every preset and write the folder, its card listing each preset's fit."""
    models, reports = {}, {}
    for dataset in datasets:
        for objective in objectives:
            models[dataset, objective], reports[f"{dataset}.{objective}"] = train_preset(dataset, objective, steps)
            r = reports[f"{dataset}.{objective}"]
            log(f"{dataset:<11} {objective:<14} {r['seconds']:6.1f} s  MMD {r['mmd']:.5f} (floor {r['floor']:.5f})")
    return save_presets(out, models, reports)


def save_presets(out: str | Path, models: dict, reports: dict) -> Path:
    network = replace(next(iter(models.values())).net.config, prediction_type="eps").to_dict()
    network.pop("prediction_type")  # each preset's follows from its objective
    config = {"kind": KIND, "network": network, "ddpm_schedule": dict(zip(("name", "num_timesteps"), DDPM_SCHEDULE)),
              "flow_path": FlowPath().to_dict(), "training": {**asdict(train_config("ddpm")), "objective": None,
                                                              "train_points": TRAIN_POINTS}, "presets": reports}
    weights = {f"{ds}.{obj}.{k}": v.detach().clone() for (ds, obj), toy in models.items()
               for k, v in toy.net.state_dict().items()}
    return save_model_folder(out, config, weights, card(config))


def load_presets(directory: str | Path) -> dict[tuple[str, str], ToyModel]:
    """{(dataset, objective): ToyModel} from a presets folder; ModelLoadError says what is wrong."""
    config = read_config(directory)
    if config.get("kind") != KIND:
        raise ModelLoadError(f"{directory} does not hold 2-D playground presets (config.json kind != {KIND!r}).")
    weights, bank = read_weights(directory), {}
    for key in config["presets"]:
        dataset, objective = key.split(".")
        net = Toy2DNet(Toy2DConfig.from_dict({**config["network"], "prediction_type": PREDICTION[objective]}))
        prefix = f"{key}."
        try:
            net.load_state_dict({k[len(prefix):]: v.float() for k, v in weights.items() if k.startswith(prefix)})
        except RuntimeError as e:
            raise ModelLoadError(f"the weights of preset {key} do not match config.json ({e}); retrain with "
                                 f"`python -m diffusion_core.toy2d train-presets --out {directory}`.") from e
        bank[dataset, objective] = ToyModel(net.eval(), process_for(objective, *DDPM_SCHEDULE))
    return bank


def card(config: dict) -> str:
    rows = "\n".join(f"| {key.split('.')[0]} | {key.split('.')[1]} | {r['steps']} | {r['seconds']} s "
                     f"({r['threads']} thread{'s' if r['threads'] > 1 else ''}) | {r['mmd']:.5f} | {r['floor']:.5f} | "
                     f"{r['mmd'] / r['floor']:.2f} |" for key, r in config["presets"].items())
    net, first = config["network"], next(iter(config["presets"].values()))
    steps = {key.split(".")[1]: r["num_steps"] for key, r in config["presets"].items()}
    steps = {objective: steps.get(objective, FIT_STEPS[objective]) for objective in FIT_STEPS}
    total = sum(r["seconds"] for r in config["presets"].values())
    return f"""# 2-D playground presets

Small networks for the playground tab: for each 2-D dataset, one trained with the DDPM loss (predicting ε,
linear schedule, T = {config['ddpm_schedule']['num_timesteps']}) and one with flow matching (predicting the
velocity ε − x0 on x_t = (1 − t) x0 + t ε). Each is an MLP of {net['layers']} hidden layers of {net['hidden']}
units (SiLU) fed x, sinusoidal features of x ({net['x_features']} per coordinate) and an embedding of t; the
weights are the EMA.

## Fit

MMD² (Gaussian kernel, σ = 0.1) between {first['n']} generated points (DDPM: {steps['ddpm']} ancestral steps;
flow matching: {steps['flow_matching']} Euler steps) and as many data points; the floor is the same figure for
fresh data points. A ratio near 1 means the samples cannot be told from data at this scale; a Gaussian blur of
0.1 on real points gives about 1.7.

| dataset | objective | steps | training time | MMD² | floor | ratio |
|---|---|---|---|---|---|---|
{rows}

## Reproduce

`python -m diffusion_core.toy2d train-presets --out <this folder> --steps {first['steps']}` ({total:.0f} s in
all here, one torch thread). Training: AdamW, lr {config['training']['lr']}, batch
{config['training']['batch_size']}, on {config['training']['train_points']} points of each dataset drawn with
seed 0.
"""
