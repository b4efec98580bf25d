"""What the forward-noise and schedule lessons show, computed from the core (the app only displays it).

Images travel as tensors in [-1, 1] and leave as uint8 pictures upscaled for a projector.
Plots leave as long-form pandas tables (x, y, series) for Gradio's native line plots.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from .forward import q_chain, q_sample
from .schedules import SCHEDULE_NAMES, SNR_TABLE_TIMESTEPS, make_schedule
from .visualize import make_grid

DISPLAY_SCALE = 8  # 28 px -> 224 px, nearest neighbour: crisp pixels on a projector


def picture(x: torch.Tensor, scale: int = DISPLAY_SCALE) -> np.ndarray:
    """(C, H, W) or (B, C, H, W) in [-1, 1] -> uint8 (H', W', 3), one row when batched."""
    x = x if x.dim() == 4 else x[None]
    return make_grid(x.clamp(-1, 1), nrow=len(x), pad=0 if len(x) == 1 else 2, scale=scale)


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
    return ForwardView(picture(xt), equation, _histogram(xt), picture(strip, scale=3), strip_t)


def schedule_curves(names=SCHEDULE_NAMES, num_timesteps: int = 1000, marker_t: int | None = None,
                    every: int = 5) -> dict[str, pd.DataFrame]:
    """Long tables (t, value, schedule) for β_t, ᾱ_t and SNR in dB; a vertical marker at marker_t."""
    curves = {"beta": [], "alpha_bar": [], "snr_db": []}
    ts = np.arange(0, num_timesteps, every)
    for name in names:
        s = make_schedule(name, num_timesteps)
        values = {"beta": s.betas, "alpha_bar": s.alphas_cumprod, "snr_db": s.snr_db.clamp(-60, 60)}
        for key, v in values.items():
            curves[key].append(pd.DataFrame({"t": ts, "value": v[ts].numpy(), "schedule": name}))
    tables = {k: pd.concat(v, ignore_index=True) for k, v in curves.items()}
    if marker_t is not None and names:
        for key, df in tables.items():
            lo, hi = float(df["value"].min()), float(df["value"].max())
            marker = pd.DataFrame({"t": [marker_t, marker_t], "value": [lo, hi], "schedule": f"t = {marker_t}"})
            tables[key] = pd.concat([df, marker], ignore_index=True)
    return tables


def schedule_table(names=SCHEDULE_NAMES, num_timesteps: int = 1000) -> pd.DataFrame:
    """ᾱ_t and SNR (dB) at t ∈ {0, 100, 250, 500, 750, 900, 999} and the 0 dB crossing of each schedule."""
    rows = []
    for name in names:
        s = make_schedule(name, num_timesteps)
        row = {"schedule": name, "0 dB at t": s.zero_db_crossing()}
        for t in SNR_TABLE_TIMESTEPS:
            if t < num_timesteps:
                row[f"ᾱ({t})"] = round(s.alphas_cumprod[t].item(), 4)
                row[f"dB({t})"] = round(s.snr_db[t].item(), 1)
        rows.append(row)
    return pd.DataFrame(rows)


def noised_by_each_schedule(x0: torch.Tensor, t: int, eps: torch.Tensor, names=SCHEDULE_NAMES,
                            num_timesteps: int = 1000) -> list[tuple[np.ndarray, str]]:
    """The same x0 and ε at the same t under each schedule: (picture, caption) pairs."""
    out = []
    for name in names:
        s = make_schedule(name, num_timesteps)
        tt = min(int(t), num_timesteps - 1)
        xt = q_sample(x0[None], tt, s, eps=eps[None])[0][0]
        out.append((picture(xt, scale=6), f"{name}: ᾱ={s.alphas_cumprod[tt].item():.3f}, {s.snr_db[tt].item():.1f} dB"))
    return out
