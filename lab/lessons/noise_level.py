"""One noise level for both kinds of model in the lessons: an integer t in 0 … T−1 (the slider). A DDPM model uses it
as its timestep; a flow-matching model as the continuous time t/(T−1) ∈ [0, 1] of x_t = (1 − t)·x0 + t·ε."""
from __future__ import annotations

import torch

from diffusion_core import flow_samplers, samplers
from diffusion_core.flow import path_sample
from diffusion_core.forward import q_sample

FLOW_LEVELS = 1000  # the slider's resolution for a flow-matching model


def num_levels(pipe) -> int:
    return pipe.schedule.num_timesteps if pipe.objective == "ddpm" else FLOW_LEVELS


def model_time(pipe, t: torch.Tensor) -> torch.Tensor:
    """(B,) integer levels -> what the pipeline's predict_eps_and_x0 takes: timesteps, or times in [0, 1]."""
    return t.long() if pipe.objective == "ddpm" else t.float() / (FLOW_LEVELS - 1)


def add_noise(pipe, x0: torch.Tensor, t: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """x0, eps: (B, C, H, W); t: (B,) levels -> x_t of the model's own forward process."""
    if pipe.objective == "ddpm":
        return q_sample(x0, t, pipe.schedule.to("cpu"), eps=eps)[0]
    return path_sample(x0, model_time(pipe, t), eps)[0]


def predict(pipe, xt: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(ε̂, x̂0) from one model evaluation at levels t (B,)."""
    return pipe.predict_eps_and_x0(xt, model_time(pipe, t))


def reverse_from(pipe, xt: torch.Tensor, t: int, num_steps: int) -> tuple[torch.Tensor, str]:
    """x_t at level t back to t = 0 in num_steps deterministic steps (DDIM η=0, or Euler for flow matching);
    returns the images and the sampler's name."""
    if pipe.objective == "ddpm":
        images = samplers.generate(pipe.model, pipe.schedule, xt.shape, sampler="ddim", num_steps=num_steps,
                                   xT=xt, t_start=t)
        return images, "DDIM"
    images = flow_samplers.generate(pipe.model, pipe.flow, xt.shape, sampler="euler", num_steps=num_steps, xT=xt,
                                    t_start=float(model_time(pipe, torch.tensor(t))))
    return images, "Euler"
