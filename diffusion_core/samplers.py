"""Reverse-process samplers as generators: each yields every step so a UI can animate it.

    for step in sample(model, schedule, (16, 1, 28, 28), sampler="ddim", num_steps=20): ...
    *_, last = sample(...); images = last.xt

All samplers share one loop: the model's output becomes (ε̂, x̂0) (forward.to_eps_and_x0), then the
sampler's step (REVERSE_STEPS, the registry by name) moves x_t to x_{t_prev} with t_prev the next timestep
of the chosen spacing (-1 after the last, where ᾱ_{-1} = 1):

  DDPM (Ho et al. 2020, eq. 6-7, generalised to skipped steps as in diffusers):
      x_prev = μ̃(x_t, x̂0) + σ z,  μ̃ = sqrt(ᾱ_prev) β'/(1-ᾱ_t) x̂0 + sqrt(α') (1-ᾱ_prev)/(1-ᾱ_t) x_t,
      β' = 1 - ᾱ_t/ᾱ_prev, α' = 1 - β',  σ² = β̃ = (1-ᾱ_prev)/(1-ᾱ_t) β' ("posterior") or β' ("beta")
  DDIM (Song et al. 2021, eq. 12):
      x_prev = sqrt(ᾱ_prev) x̂0 + sqrt(1-ᾱ_prev-σ²) ε̂ + σ z,  σ = η sqrt((1-ᾱ_prev)/(1-ᾱ_t)) sqrt(β')
      η=0 is deterministic; η=1 has DDPM's posterior variance.
  DPM-Solver++(2M) (Lu et al. 2022, alg. 2), with α=sqrt(ᾱ), σ=sqrt(1-ᾱ), λ=log(α/σ), h=λ_prev-λ_t:
      x_prev = (σ_prev/σ_t) x_t - α_prev (e^{-h} - 1) D,  D = x̂0 + (x̂0 - x̂0_last)/(2r), r = h_last/h
      (first order, i.e. D = x̂0, on the first step and on the last step to t=-1).
  SDE-DPM-Solver++(2M) (Lu et al. 2022, appendix; diffusers' "sde-dpmsolver++"): the same D, with fresh noise z:
      x_prev = (σ_prev/σ_t) e^{-h} x_t + α_prev (1 - e^{-2h}) D + σ_prev sqrt(1 - e^{-2h}) z

Classifier-free guidance (Ho & Salimans 2022): ε̂ = ε̂_uncond + w (ε̂_cond - ε̂_uncond), with the
conditional and unconditional rows evaluated in one batch. A guidance interval (Kynkäänniemi et al. 2024)
applies it only where the noise level σ_t = sqrt((1-ᾱ_t)/ᾱ_t) lies in (σ_lo, σ_hi]; elsewhere the step uses
ε̂_cond alone, at half the cost. The paper's interval for EDM2, (0.28, 5.42], is t = 167..881 of the cosine
schedule (T=1000); its effect on this project's models is measured by bench/guidance_interval.py (docs/benchmarks.md).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import torch

from .forward import to_eps_and_x0
from .schedules import NoiseSchedule

SPACINGS = ("trailing", "leading", "linspace")
PAPER_GUIDANCE_INTERVAL = (0.28, 5.42)  # (σ_lo, σ_hi] of Kynkäänniemi et al. 2024 for EDM2


@dataclass
class SamplerStep:
    index: int  # 0 .. num_steps
    t: int | float  # the timestep of xt; -1 for the finished sample (flow_samplers: the time in [0, 1], 0.0 at the end)
    xt: torch.Tensor  # (B, C, H, W)
    x0: torch.Tensor  # (B, C, H, W): the model's prediction of the clean image at this step


def timesteps(num_steps: int, num_train_timesteps: int, spacing: str = "trailing") -> list[int]:
    """Which of the T training timesteps to visit, from noisiest to cleanest (Lin et al. 2023, table 2).

    trailing: T-1, ..., evenly down (always starts at pure noise; the default)
    leading:  multiples of T//n from 0 up, reversed (diffusers' DDIM default; starts below T-1)
    linspace: round(linspace(0, T-1, n+1))[1:], reversed (diffusers' DPM-Solver default)"""
    T, n = num_train_timesteps, num_steps
    if not 1 <= n <= T:
        raise ValueError(f"num_steps must be between 1 and {T}, got {n}")
    if spacing == "trailing":
        ts = [round(T - i * T / n) - 1 for i in range(n)]
    elif spacing == "leading":
        ts = [i * (T // n) for i in range(n)][::-1]
    elif spacing == "linspace":
        ts = [round(i * (T - 1) / n) for i in range(1, n + 1)][::-1]
    else:
        raise ValueError(f"unknown spacing {spacing!r}; choose one of {SPACINGS}")
    return ts


def ddpm_step(xt, x0, abar_t, abar_prev, noise=None, variance: str = "posterior"):
    beta = 1 - abar_t / abar_prev
    mean_x0 = abar_prev**0.5 * beta / (1 - abar_t)
    mean_xt = (1 - beta) ** 0.5 * (1 - abar_prev) / (1 - abar_t)
    mean = mean_x0 * x0 + mean_xt * xt
    if noise is None:
        return mean
    var = max((1 - abar_prev) / (1 - abar_t) * beta, 1e-20) if variance == "posterior" else beta
    return mean + var**0.5 * noise


def ddim_step(xt, x0, eps, abar_t, abar_prev, eta: float = 0.0, noise=None):
    sigma = eta * ((1 - abar_prev) / (1 - abar_t) * (1 - abar_t / abar_prev)) ** 0.5
    x_prev = abar_prev**0.5 * x0 + (1 - abar_prev - sigma**2) ** 0.5 * eps
    if eta > 0 and noise is not None:
        x_prev = x_prev + sigma * noise
    return x_prev


def _alpha_sigma_lambda(abar: float):
    alpha, sigma = abar**0.5, (1 - abar) ** 0.5
    lam = math.log(alpha) - math.log(sigma) if sigma > 0 else math.inf
    return alpha, sigma, lam


def dpm_solver_pp_step(xt, x0, abar_t, abar_prev, x0_last=None, abar_last=None, noise=None):
    """DPM-Solver++ step t -> t_prev; second order (multistep midpoint) when x0_last from the previous
    step (at ᾱ_last) is given and t_prev is not the end, first order otherwise. With noise: the SDE variant."""
    _, sigma_t, lam_t = _alpha_sigma_lambda(abar_t)
    alpha_p, sigma_p, lam_p = _alpha_sigma_lambda(abar_prev)
    if sigma_p == 0:  # last step to ᾱ = 1: e^{-h} = 0, the first-order update returns x̂0
        return x0
    h = lam_p - lam_t
    d = x0
    if x0_last is not None:
        r = (lam_t - _alpha_sigma_lambda(abar_last)[2]) / h
        d = x0 + (x0 - x0_last) / (2 * r)
    if noise is not None:
        return ((sigma_p / sigma_t) * math.exp(-h) * xt - alpha_p * math.expm1(-2 * h) * d
                + sigma_p * (-math.expm1(-2 * h)) ** 0.5 * noise)
    return (sigma_p / sigma_t) * xt - alpha_p * math.expm1(-h) * d


class StepInputs(NamedTuple):
    """What a reverse step may use: x_t, x̂0 and ε̂ at t, ᾱ at t and t_prev, the previous step's x̂0 and ᾱ (None
    on the first step)."""
    xt: torch.Tensor
    x0: torch.Tensor
    eps: torch.Tensor
    abar_t: float
    abar_prev: float
    x0_last: torch.Tensor | None
    abar_last: float | None


@dataclass(frozen=True)
class ReverseStep:
    """A sampler as sample() and plans.compile_ddpm_plan run it: update(inputs, z, eta, ddpm_variance) -> x_{t_prev},
    where z ~ N(0, I) is drawn only when draws_noise(eta) and t_prev is not the end (None otherwise)."""
    update: Callable[[StepInputs, torch.Tensor | None, float, str], torch.Tensor]
    draws_noise: Callable[[float], bool]


def _dpm_solver_pp(s: StepInputs, z, eta, ddpm_variance):
    return dpm_solver_pp_step(s.xt, s.x0, s.abar_t, s.abar_prev, s.x0_last, s.abar_last, z)


REVERSE_STEPS = {  # the one registry of the reverse process's samplers (plans.py compiles these same updates)
    "ddpm": ReverseStep(lambda s, z, eta, variance: ddpm_step(s.xt, s.x0, s.abar_t, s.abar_prev, z, variance),
                        draws_noise=lambda eta: True),
    "ddim": ReverseStep(lambda s, z, eta, variance: ddim_step(s.xt, s.x0, s.eps, s.abar_t, s.abar_prev, eta, z),
                        draws_noise=lambda eta: eta > 0),
    "dpm_solver_pp": ReverseStep(_dpm_solver_pp, draws_noise=lambda eta: False),
    "dpm_solver_pp_sde": ReverseStep(_dpm_solver_pp, draws_noise=lambda eta: True),
}
SAMPLERS = tuple(REVERSE_STEPS)


def lookup(registry: dict, name: str, what: str = "sampler"):
    """registry[name], or a ValueError naming the known ones (an unknown name never falls through to another)."""
    if name not in registry:
        raise ValueError(f"unknown {what} {name!r}; choose one of {tuple(registry)}")
    return registry[name]


def standard_normal(shape: tuple, generator: torch.Generator | None, device) -> torch.Tensor:
    """N(0, I) drawn on the generator's device (so a seed gives the same numbers everywhere), then moved."""
    gen_device = generator.device if generator is not None else "cpu"
    return torch.randn(shape, generator=generator, device=gen_device).to(device)


def guided_output(model, xt, t, cond=None, guidance_scale: float = 1.0):
    """model(xt, t, cond), or with classifier-free guidance out_uncond + w (out_cond - out_uncond) when a cond
    and w != 1 are given: the conditional and unconditional rows in one batch of 2B. t: (B,) as the model takes it."""
    if cond is None or guidance_scale == 1.0:
        return model(xt, t, cond)
    b = xt.shape[0]
    drop = torch.cat([torch.zeros(b, dtype=torch.bool), torch.ones(b, dtype=torch.bool)]).to(xt.device)
    out = model(torch.cat([xt, xt]), torch.cat([t, t]), torch.cat([cond, cond]), drop)
    out_cond, out_uncond = out.chunk(2)
    return out_uncond + guidance_scale * (out_cond - out_uncond)


def guided_model_fn(model, cond=None, guidance_scale: float = 1.0,
                    guided: Callable[[int], bool] = lambda t: True) -> Callable:
    """(xt, t) -> model output, with classifier-free guidance when a cond and w != 1 are given and guided(t)."""

    def fn(xt, t):
        tt = torch.full((xt.shape[0],), t, device=xt.device, dtype=torch.long)
        return guided_output(model, xt, tt, cond, guidance_scale if guided(t) else 1.0)

    return fn


def in_guidance_interval(abar_t: float, interval: tuple[float, float] | None) -> bool:
    """σ_t = sqrt((1-ᾱ_t)/ᾱ_t) in (σ_lo, σ_hi]; always True without an interval."""
    if interval is None:
        return True
    sigma = ((1 - abar_t) / max(abar_t, 1e-12)) ** 0.5
    return interval[0] < sigma <= interval[1]


@torch.no_grad()
def sample(
    model,
    schedule: NoiseSchedule,
    shape: tuple,
    sampler: str = "ddim",
    num_steps: int = 50,
    eta: float = 0.0,
    ddpm_variance: str = "posterior",
    cond: torch.Tensor | None = None,
    guidance_scale: float = 1.0,
    guidance_interval: tuple[float, float] | None = None,
    generator: torch.Generator | None = None,
    xT: torch.Tensor | None = None,
    spacing: str = "trailing",
    clip_x0: bool = True,
    prediction_type: str | None = None,
    device: torch.device | str | None = None,
    t_start: int | None = None,
) -> Iterator[SamplerStep]:
    """Run the reverse process from x_T ~ N(0, I) (or the given xT) and yield every step.

    One model evaluation per step (guidance doubles the batch, not the calls); with guidance_interval=(σ_lo, σ_hi)
    only the steps whose σ_t = sqrt((1-ᾱ_t)/ᾱ_t) lies in (σ_lo, σ_hi] are guided. A seeded
    `generator` makes the whole trajectory reproducible. clip_x0 clamps x̂0 to [-1, 1].
    t_start: begin at this timestep instead of T-1 (xT is then a sample of q(x_t | x0) at t_start)."""
    reverse_step = lookup(REVERSE_STEPS, sampler)
    device = torch.device(device or next(model.parameters()).device)
    prediction_type = prediction_type or model.config.prediction_type
    abar = schedule.alphas_cumprod.double().tolist()

    def randn():
        return standard_normal(shape, generator, device)

    xt = randn() if xT is None else xT.to(device)
    if cond is not None:
        cond = cond.to(device)
    model_fn = guided_model_fn(model, cond, guidance_scale, lambda t: in_guidance_interval(abar[t], guidance_interval))
    steps = timesteps(num_steps, schedule.num_timesteps if t_start is None else t_start + 1, spacing)
    x0_last = abar_last = None
    for i, t in enumerate(steps):
        t_prev = steps[i + 1] if i + 1 < len(steps) else -1
        abar_t, abar_prev = abar[t], abar[t_prev] if t_prev >= 0 else 1.0
        eps, x0 = to_eps_and_x0(model_fn(xt, t).float(), xt, t, schedule, prediction_type)
        if clip_x0:
            x0 = x0.clamp(-1, 1)
            eps = (xt - abar_t**0.5 * x0) / (1 - abar_t) ** 0.5  # ε consistent with the clipped x̂0
        yield SamplerStep(i, t, xt, x0)
        z = randn() if t_prev >= 0 and reverse_step.draws_noise(eta) else None
        inputs = StepInputs(xt, x0, eps, abar_t, abar_prev, x0_last, abar_last)
        xt, x0_last, abar_last = reverse_step.update(inputs, z, eta, ddpm_variance), x0, abar_t
    yield SamplerStep(len(steps), -1, xt, xt)


def generate(model, schedule, shape, **kwargs) -> torch.Tensor:
    """The final images only: (B, C, H, W) in [-1, 1] (approximately; clamp before display)."""
    *_, last = sample(model, schedule, shape, **kwargs)
    return last.xt
