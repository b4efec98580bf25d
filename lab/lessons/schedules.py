"""What the schedules lesson shows: β_t, ᾱ_t and SNR (dB) curves as long tables for Gradio's line plots, a table
at a few t with each schedule's 0 dB crossing, and one image noised to the same t under each schedule."""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from diffusion_core.forward import q_sample
from diffusion_core.images import picture
from diffusion_core.schedules import SCHEDULE_NAMES, SNR_TABLE_TIMESTEPS, make_schedule
from lab.lessons.forward import display_scale


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
            # Gradio's line plot sums the y of rows with the same x and series, so a marker drawn as two rows at
            # one x would collapse into one point: the top row sits half a step to the right (a vertical line)
            marker = pd.DataFrame({"t": [marker_t, marker_t + 0.5], "value": [lo, hi], "schedule": f"t = {marker_t}"})
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
    """The same x0 (C, H, W) and ε at the same t under each schedule: (picture, caption) pairs, a photo at its size."""
    out = []
    for name in names:
        s = make_schedule(name, num_timesteps)
        tt = min(int(t), num_timesteps - 1)
        xt = q_sample(x0[None], tt, s, eps=eps[None])[0][0]
        caption = f"{name}: ᾱ={s.alphas_cumprod[tt].item():.3f}, {s.snr_db[tt].item():.1f} dB"
        out.append((picture(xt, display_scale(x0, 168)), caption))
    return out
