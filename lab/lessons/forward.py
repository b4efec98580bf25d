"""What the forward-noise lesson shows: x_t at the chosen t with the equation's numbers, the histogram of its pixels
against N(0, 1), and a strip of x_t over t.

Images travel as tensors in [-1, 1] and leave as uint8 pictures upscaled for a projector.
Plots leave as long-form pandas tables (x, y, series) for Gradio's native line plots.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from diffusion_core.forward import q_chain, q_sample
from diffusion_core.images import picture
from diffusion_core.schedules import make_schedule
from lab.lessons import DISPLAY_SCALE



def fixed_noise(shape, seed: int) -> torch.Tensor:
    """The ε that stays fixed while the t slider moves; 'new noise' means a new seed."""
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


@dataclass
class ForwardView:
    xt: np.ndarray  # the noisy picture
    equation: str  # markdown with the numbers at this t
    histogram: pd.DataFrame  # columns: value, density, series
    strip: np.ndarray  # x_t at evenly spaced t, same ε
    strip_timesteps: list


def _histogram(xt: torch.Tensor, bins: int = 40, lo: float = -4.0, hi: float = 4.0) -> pd.DataFrame:
    counts, edges = np.histogram(xt.flatten().numpy(), bins=bins, range=(lo, hi), density=True)
    centers = (edges[:-1] + edges[1:]) / 2
    normal = np.exp(-centers**2 / 2) / np.sqrt(2 * np.pi)
    return pd.DataFrame({"value": np.concatenate([centers, centers]),
                         "density": np.concatenate([counts, normal]),
                         "series": ["pixels of x_t"] * bins + ["N(0, 1)"] * bins})


def forward_view(x0: torch.Tensor, schedule_name: str, num_timesteps: int, t: int, eps: torch.Tensor,
                 markov: bool = False, seed: int = 0, strip_len: int = 8) -> ForwardView:
    """x0: (C, H, W). Closed form x_t = √ᾱ_t x0 + √(1-ᾱ_t) ε, or the Markov chain of t+1 small steps."""
    sched = make_schedule(schedule_name, num_timesteps)
    t = int(min(max(t, 0), num_timesteps - 1))
    abar = sched.alphas_cumprod[t].item()
    a, s = abar**0.5, (1 - abar) ** 0.5
    x0b, epsb = x0[None], eps[None]
    if markov:
        xt = q_chain(x0b, t, sched, generator=torch.Generator().manual_seed(seed))[0]
    else:
        xt = q_sample(x0b, t, sched, eps=epsb)[0][0]
    equation = (f"**t = {t}** of {num_timesteps} ({schedule_name})  \n"
                f"x_t = √ᾱ_t · x0 + √(1 − ᾱ_t) · ε = **{a:.3f} · x0 + {s:.3f} · ε**  \n"
                f"ᾱ_t = {abar:.4f}  ·  SNR = ᾱ/(1−ᾱ) = {sched.snr[t].item():.3g} = **{sched.snr_db[t].item():.1f} dB**")
    if markov:
        expected_mean, expected_std = a * x0.mean().item(), (a**2 * x0.var().item() + s**2) ** 0.5
        equation += (f"  \nMarkov chain ({t + 1} steps of x_t = √(1−β_t)·x_(t−1) + √β_t·ε): pixel mean "
                     f"{xt.mean().item():.3f}, std {xt.std().item():.3f}; the closed form predicts "
                     f"{expected_mean:.3f} and {expected_std:.3f}")
    strip_t = np.linspace(0, num_timesteps - 1, strip_len).round().astype(int).tolist()
    strip = q_sample(x0b.expand(strip_len, -1, -1, -1), torch.tensor(strip_t), sched,
                     eps=epsb.expand(strip_len, -1, -1, -1))[0]
    return ForwardView(picture(xt, DISPLAY_SCALE), equation, _histogram(xt), picture(strip, 3), strip_t)
