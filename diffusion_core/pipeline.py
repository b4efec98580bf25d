"""A diffusion model: its network, its noise process and what it was trained on, loaded from a model folder
(model_folder.py: config.json + model.safetensors + README.md).

    pipe = load_pipeline("pretrained/mnist_cond")
    images = pipe.generate(8, labels=[3] * 8, sampler="dpm_solver_pp", num_steps=20, seed=0)

Two kinds with the same methods: a Pipeline (DDPM: a NoiseSchedule, config.json "schedule", integer t) and a
FlowPipeline (flow matching: a FlowPath, config.json "flow", continuous t in [0, 1], samplers euler/heun/midpoint).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import torch

from . import flow_samplers, samplers
from .flow import FlowPath, velocity_eps_x0
from .forward import to_eps_and_x0
from .model_folder import ModelLoadError, load_state, read_config, save_model_folder
from .models import build_model, config_from_dict, config_to_dict
from .schedules import NoiseSchedule, make_schedule


def pick_device(device: str | None = None) -> torch.device:
    """CUDA when present, else the CPU; the same code runs on both."""
    return torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))


class _Methods:
    """What both kinds share: the config, the device, the sampling arguments and generate()."""

    model: torch.nn.Module

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

    def generate(self, n: int = 1, labels=None, seed: int | None = 0, cond=None, **kwargs) -> torch.Tensor:
        """(n, C, H, W) images in [-1, 1]."""
        *_, last = self.sample(n, labels, seed, cond, **kwargs)
        return last.xt.clamp(-1, 1)


@dataclass
class Pipeline(_Methods):
    model: torch.nn.Module
    schedule: NoiseSchedule
    info: dict = field(default_factory=dict)  # dataset, class_names, training facts, path
    objective = "ddpm"
    sampler_names = samplers.SAMPLERS

    def sample(self, n: int = 1, labels=None, seed: int | None = 0, cond=None, **kwargs):
        """Iterate over the sampler's steps (see samplers.sample for the keyword arguments)."""
        shape, generator, cond = self._sampling_args(n, labels, seed, cond)
        return samplers.sample(self.model, self.schedule, shape, cond=cond, generator=generator, **kwargs)

    @torch.no_grad()
    def predict_eps_and_x0(self, xt: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(ε̂, x̂0) from one model evaluation, on the CPU; xt: (B, C, H, W), t: (B,) integer timesteps."""
        out = self.model(xt.to(self.device), t.to(self.device)).float().cpu()
        return to_eps_and_x0(out, xt, t, self.schedule.to("cpu"), self.config.prediction_type)


@dataclass
class FlowPipeline(_Methods):
    model: torch.nn.Module  # predicts the velocity v = ε − x0 from (x_t, t·time_scale)
    flow: FlowPath
    info: dict = field(default_factory=dict)
    objective = "flow_matching"
    sampler_names = flow_samplers.SAMPLERS

    def sample(self, n: int = 1, labels=None, seed: int | None = 0, cond=None, **kwargs):
        """Iterate over the sampler's steps (see flow_samplers.sample: sampler euler/heun/midpoint, shift ...)."""
        shape, generator, cond = self._sampling_args(n, labels, seed, cond)
        return flow_samplers.sample(self.model, self.flow, shape, cond=cond, generator=generator, **kwargs)

    @torch.no_grad()
    def predict_eps_and_x0(self, xt: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(ε̂, x̂0) from one model evaluation, on the CPU; xt: (B, C, H, W), t: (B,) continuous times in [0, 1]."""
        t = torch.as_tensor(t, dtype=torch.float32)
        out = self.model(xt.to(self.device), self.flow.network_time(t).to(self.device)).float().cpu()
        _, eps, x0 = velocity_eps_x0(out, xt, t)
        return eps, x0


def save_pipeline(directory, model, process: NoiseSchedule | FlowPath, info: dict | None = None,
                  card: str | None = None):
    """config.json records the model, then "schedule" (DDPM) or "flow" (flow matching), then `info`."""
    if isinstance(process, FlowPath):
        kind = {"flow": process.to_dict()}
    else:
        kind = {"schedule": {"name": process.name, "num_timesteps": process.num_timesteps}}
    config = {"model": config_to_dict(model.config), **kind, **(info or {})}
    return save_model_folder(directory, config, model.state_dict(), card)


def load_pipeline(directory, device: str | None = None) -> Pipeline | FlowPipeline:
    directory = Path(directory)
    config = read_config(directory)
    try:
        model = build_model(config_from_dict(config["model"]))
        flow = FlowPath.from_dict(config["flow"]) if "flow" in config else None
    except (KeyError, TypeError, ValueError) as e:
        raise ModelLoadError(f"{directory}/config.json does not describe a model this version knows ({e}).") from e
    load_state(model, directory)
    info = {k: v for k, v in config.items() if k not in ("model", "schedule", "flow")}
    info["path"] = str(directory)
    device = pick_device(device)
    if flow is not None:
        return FlowPipeline(model.to(device).eval(), flow, info)
    schedule = make_schedule(config["schedule"]["name"], config["schedule"]["num_timesteps"])
    return Pipeline(model.to(device).eval(), schedule.to(device), info)
