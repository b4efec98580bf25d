"""A model directory = config.json + model.safetensors + README.md (model card). No pickle.

    pipe = load_pipeline("pretrained/mnist_cond")
    images = pipe.generate(8, labels=[3] * 8, sampler="dpm_solver_pp", num_steps=20, seed=0)
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from .models import build_model, config_from_dict, config_to_dict
from .samplers import generate, sample
from .schedules import NoiseSchedule, make_schedule

CONFIG_NAME, WEIGHTS_NAME, CARD_NAME = "config.json", "model.safetensors", "README.md"


class ModelLoadError(RuntimeError):
    """A model directory is missing, incomplete or corrupt; the message says which and what to do."""


def pick_device(device: str | None = None) -> torch.device:
    """CUDA when present, else the CPU; the same code runs on both."""
    return torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))


@dataclass
class Pipeline:
    model: torch.nn.Module
    schedule: NoiseSchedule
    info: dict = field(default_factory=dict)  # dataset, class_names, training facts, path

    @property
    def config(self):
        return self.model.config

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def _sampling_args(self, n, labels, seed, cond):
        shape = (n, self.config.in_channels, self.config.image_size, self.config.image_size)
        generator = torch.Generator().manual_seed(seed) if seed is not None else None
        if labels is not None:
            cond = torch.as_tensor(labels, dtype=torch.long).reshape(n)
        return shape, generator, cond

    def sample(self, n: int = 1, labels=None, seed: int | None = 0, cond=None, **kwargs):
        """Iterate over the sampler's steps (see samplers.sample for the keyword arguments)."""
        shape, generator, cond = self._sampling_args(n, labels, seed, cond)
        return sample(self.model, self.schedule, shape, cond=cond, generator=generator, **kwargs)

    def generate(self, n: int = 1, labels=None, seed: int | None = 0, cond=None, **kwargs) -> torch.Tensor:
        """(n, C, H, W) images in [-1, 1]."""
        shape, generator, cond = self._sampling_args(n, labels, seed, cond)
        return generate(self.model, self.schedule, shape, cond=cond, generator=generator, **kwargs).clamp(-1, 1)


def save_pipeline(directory, model, schedule: NoiseSchedule, info: dict | None = None, card: str | None = None):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    config = {"model": config_to_dict(model.config),
              "schedule": {"name": schedule.name, "num_timesteps": schedule.num_timesteps}, **(info or {})}
    (directory / CONFIG_NAME).write_text(json.dumps(config, indent=2) + "\n")
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(directory / WEIGHTS_NAME))
    if card is not None:
        (directory / CARD_NAME).write_text(card)


def read_config(directory) -> dict:
    path = Path(directory) / CONFIG_NAME
    if not path.is_file():
        raise ModelLoadError(f"no {CONFIG_NAME} in {directory}. Train a model with "
                             f"`python -m diffusion_core train --out {directory}` or restore the folder from git.")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ModelLoadError(f"{path} is not valid JSON ({e}).") from e


def load_pipeline(directory, device: str | None = None) -> Pipeline:
    directory = Path(directory)
    config = read_config(directory)
    weights = directory / WEIGHTS_NAME
    if not weights.is_file():
        raise ModelLoadError(f"no {WEIGHTS_NAME} in {directory}. Train it with `python -m diffusion_core train` "
                             f"(see the model card) or fetch it with `git lfs pull`.")
    try:
        model = build_model(config_from_dict(config["model"]))
        model.load_state_dict(load_file(str(weights)))
    except Exception as e:  # safetensors raises several types for truncated or foreign files
        raise ModelLoadError(f"could not load {weights}: {type(e).__name__}: {e}. The file is corrupt or "
                             f"does not match config.json; retrain or restore it.") from e
    schedule = make_schedule(config["schedule"]["name"], config["schedule"]["num_timesteps"])
    info = {k: v for k, v in config.items() if k not in ("model", "schedule")}
    info["path"] = str(directory)
    device = pick_device(device)
    return Pipeline(model.to(device).eval(), schedule.to(device), info)
