"""A diffusion model: its network, its noise schedule and what it was trained on, loaded from a model folder
(model_folder.py: config.json + model.safetensors + README.md).

    pipe = load_pipeline("pretrained/mnist_cond")
    images = pipe.generate(8, labels=[3] * 8, sampler="dpm_solver_pp", num_steps=20, seed=0)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch

from .forward import to_eps_and_x0
from .model_folder import ModelLoadError, load_state, read_config, save_model_folder
from .models import build_model, config_from_dict, config_to_dict
from .samplers import generate, sample
from .schedules import NoiseSchedule, make_schedule

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

    @torch.no_grad()
    def predict_eps_and_x0(self, xt: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(ε̂, x̂0) from one model evaluation, on the CPU; xt: (B, C, H, W), t: (B,)."""
        out = self.model(xt.to(self.device), t.to(self.device)).float().cpu()
        return to_eps_and_x0(out, xt, t, self.schedule.to("cpu"), self.config.prediction_type)

    def generate(self, n: int = 1, labels=None, seed: int | None = 0, cond=None, **kwargs) -> torch.Tensor:
        """(n, C, H, W) images in [-1, 1]."""
        shape, generator, cond = self._sampling_args(n, labels, seed, cond)
        return generate(self.model, self.schedule, shape, cond=cond, generator=generator, **kwargs).clamp(-1, 1)


def save_pipeline(directory, model, schedule: NoiseSchedule, info: dict | None = None, card: str | None = None):
    config = {"model": config_to_dict(model.config),
              "schedule": {"name": schedule.name, "num_timesteps": schedule.num_timesteps}, **(info or {})}
    return save_model_folder(directory, config, model.state_dict(), card)


def load_pipeline(directory, device: str | None = None) -> Pipeline:
    directory = Path(directory)
    config = read_config(directory)
    try:
        model = build_model(config_from_dict(config["model"]))
    except (KeyError, TypeError, ValueError) as e:
        raise ModelLoadError(f"{directory}/config.json does not describe a model this version knows ({e}).") from e
    load_state(model, directory)
    schedule = make_schedule(config["schedule"]["name"], config["schedule"]["num_timesteps"])
    info = {k: v for k, v in config.items() if k not in ("model", "schedule")}
    info["path"] = str(directory)
    device = pick_device(device)
    return Pipeline(model.to(device).eval(), schedule.to(device), info)
