"""Noise schedules: the betas of DDPM (Ho et al. 2020) and everything derived from them.

A schedule is immutable data. Every quantity is a (T,) float32 tensor indexed by the
timestep t in 0..T-1, computed exactly as diffusers' DDPMScheduler does, so the two
agree to float32 rounding:

    alphas_t          = 1 - betas_t
    alphas_cumprod_t  = prod_{s<=t} alphas_s                (written ᾱ_t)
    q(x_t | x_0)      = N(sqrt(ᾱ_t) x_0, (1 - ᾱ_t) I)
    posterior var β̃_t = (1 - ᾱ_{t-1}) / (1 - ᾱ_t) * β_t      (Ho et al. eq. 7)
    SNR_t             = ᾱ_t / (1 - ᾱ_t),  in dB: 10 log10 SNR_t
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

SCHEDULE_NAMES = ("linear", "cosine", "quadratic", "sigmoid")
SNR_TABLE_TIMESTEPS = (0, 100, 250, 500, 750, 900, 999)


@dataclass(frozen=True)
class NoiseSchedule:
    """β_1..β_T and the quantities derived from them. Build one with `make_schedule`."""

    name: str
    betas: torch.Tensor = field(repr=False)  # (T,)

    @property
    def num_timesteps(self) -> int:
        return self.betas.shape[0]

    @property
    def alphas(self) -> torch.Tensor:
        return 1.0 - self.betas

    @property
    def alphas_cumprod(self) -> torch.Tensor:
        return torch.cumprod(self.alphas, dim=0)

    @property
    def alphas_cumprod_prev(self) -> torch.Tensor:
        """ᾱ_{t-1}, with ᾱ_{-1} = 1 (no noise before the first step)."""
        return torch.cat([self.betas.new_ones(1), self.alphas_cumprod[:-1]])

    @property
    def posterior_variance(self) -> torch.Tensor:
        """β̃_t = (1 - ᾱ_{t-1}) / (1 - ᾱ_t) β_t, the variance of q(x_{t-1} | x_t, x_0)."""
        return (1 - self.alphas_cumprod_prev) / (1 - self.alphas_cumprod) * self.betas

    @property
    def snr(self) -> torch.Tensor:
        abar = self.alphas_cumprod
        return abar / (1 - abar)

    @property
    def snr_db(self) -> torch.Tensor:
        return 10 * torch.log10(self.snr)

    def zero_db_crossing(self) -> int:
        """First timestep whose SNR is below 1 (0 dB): from here on, noise outweighs signal."""
        below = torch.nonzero(self.snr < 1.0)
        return int(below[0]) if len(below) else self.num_timesteps

    def to(self, device: torch.device | str) -> NoiseSchedule:
        return NoiseSchedule(self.name, self.betas.to(device))


def _linear(T: int, beta_start: float, beta_end: float) -> torch.Tensor:
    return torch.linspace(beta_start, beta_end, T, dtype=torch.float32)


def _quadratic(T: int, beta_start: float, beta_end: float) -> torch.Tensor:
    # diffusers' "scaled_linear" (Stable Diffusion): linear in sqrt(β)
    return torch.linspace(beta_start**0.5, beta_end**0.5, T, dtype=torch.float32) ** 2


def _sigmoid(T: int, beta_start: float, beta_end: float) -> torch.Tensor:
    return torch.sigmoid(torch.linspace(-6, 6, T)) * (beta_end - beta_start) + beta_start


def _cosine(T: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    # Nichol & Dhariwal 2021 eq. 17: ᾱ(t) = cos²((t/T + s)/(1 + s) · π/2), β_t = 1 - ᾱ(t+1)/ᾱ(t)
    def alpha_bar(u: float) -> float:
        return math.cos((u + s) / (1 + s) * math.pi / 2) ** 2

    betas = [min(1 - alpha_bar((i + 1) / T) / alpha_bar(i / T), max_beta) for i in range(T)]
    return torch.tensor(betas, dtype=torch.float32)


def make_schedule(
    name: str = "linear", num_timesteps: int = 1000, beta_start: float = 1e-4, beta_end: float = 0.02
) -> NoiseSchedule:
    """linear (Ho et al.), cosine (Nichol & Dhariwal), quadratic (linear in √β), sigmoid (GeoDiff)."""
    if num_timesteps < 2:
        raise ValueError(f"num_timesteps must be at least 2, got {num_timesteps}")
    if name == "cosine":
        betas = _cosine(num_timesteps)
    elif name in ("linear", "quadratic", "sigmoid"):
        make = {"linear": _linear, "quadratic": _quadratic, "sigmoid": _sigmoid}[name]
        betas = make(num_timesteps, beta_start, beta_end)
    else:
        raise ValueError(f"unknown schedule {name!r}; choose one of {', '.join(SCHEDULE_NAMES)}")
    return NoiseSchedule(name, betas)


def snr_table(names=SCHEDULE_NAMES, timesteps=SNR_TABLE_TIMESTEPS, num_timesteps: int = 1000) -> str:
    """A text table of ᾱ_t and SNR (dB) per schedule, with each schedule's 0 dB crossing."""
    timesteps = [t for t in timesteps if t < num_timesteps]
    header = f"{'schedule':<10} {'0dB at':>7} " + " ".join(f"{'t=' + str(t):>15}" for t in timesteps)
    rows = [header, " " * 19 + " ".join(f"{'ᾱ / SNR dB':>15}" for _ in timesteps)]
    for name in names:
        sched = make_schedule(name, num_timesteps)
        abar, db = sched.alphas_cumprod, sched.snr_db
        cells = " ".join(f"{abar[t]:>7.4f}/{db[t]:>7.1f}" for t in timesteps)
        rows.append(f"{name:<10} {sched.zero_db_crossing():>7} {cells}")
    return "\n".join(rows)
