"""The forward (noising) process q and conversions between what a model may predict.

    closed form:  x_t = sqrt(ᾱ_t) x_0 + sqrt(1 - ᾱ_t) ε,        ε ~ N(0, I)   (Ho et al. eq. 4)
    one step:     x_t = sqrt(1 - β_t) x_{t-1} + sqrt(β_t) ε                   (Ho et al. eq. 2)
    v-target:     v   = sqrt(ᾱ_t) ε - sqrt(1 - ᾱ_t) x_0                       (Salimans & Ho 2022)
"""
from __future__ import annotations

import torch

from .schedules import NoiseSchedule

PREDICTION_TYPES = ("eps", "x0", "v")


def _per_sample(values: torch.Tensor, t: torch.Tensor | int, like: torch.Tensor) -> torch.Tensor:
    """Gather values[t] and shape it (B, 1, 1, 1) to broadcast over an image batch `like`."""
    t = torch.as_tensor(t, device=values.device).long().reshape(-1)
    out = values.to(like.device)[t.to(like.device)].to(like.dtype)
    return out.reshape(-1, *([1] * (like.dim() - 1)))


def _noise_like(x: torch.Tensor, eps: torch.Tensor | None, generator: torch.Generator | None):
    if eps is not None:
        return eps
    return torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)


def q_sample(x0, t, schedule: NoiseSchedule, eps=None, generator=None):
    """Sample x_t ~ q(x_t | x_0) in one shot. x0: (B, C, H, W), t: int or (B,). Returns (xt, eps).

    Pass a fixed `eps` to keep the same noise while t changes (as the app's slider does)."""
    eps = _noise_like(x0, eps, generator)
    abar = _per_sample(schedule.alphas_cumprod, t, x0)
    return abar.sqrt() * x0 + (1 - abar).sqrt() * eps, eps


def q_step(x_prev, t, schedule: NoiseSchedule, eps=None, generator=None):
    """One Markov step x_{t-1} -> x_t of q(x_t | x_{t-1}) (t is 0-based: t=0 noises x0 into x_0+)."""
    eps = _noise_like(x_prev, eps, generator)
    beta = _per_sample(schedule.betas, t, x_prev)
    return (1 - beta).sqrt() * x_prev + beta.sqrt() * eps


def q_chain(x0, t: int, schedule: NoiseSchedule, generator=None):
    """Apply q_step for timesteps 0..t, i.e. t+1 small steps; equal in distribution to q_sample(x0, t)."""
    xt = x0
    for s in range(t + 1):
        xt = q_step(xt, s, schedule, generator=generator)
    return xt


def prediction_target(x0, eps, t, schedule: NoiseSchedule, prediction_type: str) -> torch.Tensor:
    """What a network trained with `prediction_type` should output for this (x0, eps, t)."""
    if prediction_type == "eps":
        return eps
    if prediction_type == "x0":
        return x0
    if prediction_type == "v":
        abar = _per_sample(schedule.alphas_cumprod, t, x0)
        return abar.sqrt() * eps - (1 - abar).sqrt() * x0
    raise ValueError(f"unknown prediction_type {prediction_type!r}; choose one of {PREDICTION_TYPES}")


def to_eps_and_x0(model_output, xt, t, schedule: NoiseSchedule, prediction_type: str):
    """Convert any model output to both (ε̂, x̂_0), using x_t = sqrt(ᾱ) x_0 + sqrt(1-ᾱ) ε."""
    abar = _per_sample(schedule.alphas_cumprod, t, xt)
    a, s = abar.sqrt(), (1 - abar).sqrt()
    if prediction_type == "eps":
        eps = model_output
        return eps, (xt - s * eps) / a
    if prediction_type == "x0":
        x0 = model_output
        return (xt - a * x0) / s, x0
    if prediction_type == "v":
        v = model_output
        return a * v + s * xt, a * xt - s * v
    raise ValueError(f"unknown prediction_type {prediction_type!r}; choose one of {PREDICTION_TYPES}")
