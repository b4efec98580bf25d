"""What the forward-noise lesson shows: x_t at the chosen t with the equation's numbers, the histogram of its pixels
against N(0, 1), and a strip of x_t over t.

Images travel as tensors (C, H, W) in [-1, 1], a 28×28 digit or a colour photo, and leave as uint8 pictures (a small
one upscaled for a projector).
Plots leave as long-form pandas tables (x, y, series) for Gradio's native line plots.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd
import torch

from diffusion_core.forward import q_chain, q_sample
from diffusion_core.images import make_grid, picture
from diffusion_core.schedules import make_schedule
from lab.i18n import series, speaking, text


def fixed_noise(shape, seed: int) -> torch.Tensor:
    """The ε that stays fixed while the t slider moves; 'new noise' means a new seed."""
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


# The equation's text, filled here and, while the slider moves, in the browser (lab/static/js/forward_live.mjs reads
# the same template and Python's .Nf / .Ng format specs), so both show the same numbers.
# The templates are the catalogue's (lab/i18n), in the request's language; EQUATION and the others: English.
def equation_template() -> str:
    return text("forward.equation") + ("  \nx_t = √ᾱ_t · x0 + √(1 − ᾱ_t) · ε = **{a:.3f} · x0 + {s:.3f} · ε**  \n"
                                       "ᾱ_t = {abar:.4f}  ·  SNR = ᾱ/(1−ᾱ) = {snr:.3g} = **{snr_db:.1f} dB**")


def xt_alt_template() -> str:
    return text("forward.xt_alt")


def visibility() -> tuple:
    """(the lowest SNR in dB, what is seen from there), highest first; -1e9: any SNR (JSON has no -inf)."""
    return tuple((bound, text(f"forward.seen_{i}")) for i, bound in enumerate((10.0, 0.0, -8.0, -16.0, -1e9)))


with speaking("en"):
    EQUATION, XT_ALT, VISIBILITY = equation_template(), xt_alt_template(), visibility()
HISTOGRAM = dict(bins=40, lo=-4.0, hi=4.0)  # bins of the pixel histogram, on the server and in the browser
# A picture's alt text: what a student sees in x_t, by its SNR in dB (the first row whose bound it reaches); the
# browser picks from the same rows (lab/static/js/forward_live.mjs) as t moves.


def seen_at(snr_db: float) -> str:
    """What is visible in x_t at this SNR (dB), in words."""
    return next(words for bound, words in visibility() if snr_db >= bound)


def xt_alt(t: int, snr_db: float) -> str:
    return xt_alt_template().format(t=t, seen=seen_at(snr_db))


def strip_alt(timesteps, snr_db) -> str:
    """The strip's alt text: its t and what each shows ("t = 0: the picture is clear … t = 999: almost pure noise")."""
    return text("forward.strip_alt") + " " + "; ".join(f"t = {t}: {seen_at(float(snr_db[t]))}" for t in timesteps)


def display_scale(x: torch.Tensor, target: int = 224) -> int:
    """Nearest-neighbour upscaling that brings a small picture's long side near `target` px (1 for a photo)."""
    return max(1, target // max(x.shape[-2:]))


@dataclass
class ForwardView:
    xt: np.ndarray  # the noisy picture
    equation: str  # markdown with the numbers at this t
    histogram: pd.DataFrame  # columns: value, density, series
    strip: np.ndarray | None = None  # x_t at evenly spaced t, same ε (None when not asked for)
    strip_timesteps: list = field(default_factory=list)


HISTOGRAM_SERIES = ("pixels of x_t", "N(0, 1)")  # the histogram's two lines, in drawing order


def _histogram(xt: torch.Tensor, bins: int, lo: float, hi: float) -> pd.DataFrame:
    counts, edges = np.histogram(xt.flatten().numpy(), bins=bins, range=(lo, hi), density=True)
    centers = (edges[:-1] + edges[1:]) / 2
    normal = np.exp(-centers**2 / 2) / np.sqrt(2 * np.pi)
    return pd.DataFrame({"value": np.concatenate([centers, centers]),
                         "density": np.concatenate([counts, normal]),
                         "series": [series(HISTOGRAM_SERIES[0])] * bins + [HISTOGRAM_SERIES[1]] * bins})


@lru_cache(maxsize=16)
def schedule_of(name: str, num_timesteps: int):
    """make_schedule(name, num_timesteps), made once: a schedule is immutable, and tab 1 asks for one at every let-go
    of the slider (the cosine one is a Python loop over T)."""
    return make_schedule(name, num_timesteps)


def equation_at(sched, t: int) -> str:
    abar = sched.alphas_cumprod[t].item()
    return equation_template().format(t=t, T=sched.num_timesteps, schedule=sched.name, a=abar**0.5, s=(1 - abar) ** 0.5,
                           abar=abar, snr=sched.snr[t].item(), snr_db=sched.snr_db[t].item())


def forward_view(x0: torch.Tensor, schedule_name: str, num_timesteps: int, t: int, eps: torch.Tensor,
                 markov: bool = False, seed: int = 0, strip_len: int = 8) -> ForwardView:
    """x0: (C, H, W), any size. Closed form x_t = √ᾱ_t x0 + √(1-ᾱ_t) ε, or the Markov chain of t+1 small steps;
    with the strip of strip_len pictures (none when 0: it does not depend on t)."""
    sched = schedule_of(schedule_name, num_timesteps)
    t = int(min(max(t, 0), num_timesteps - 1))
    x0b, epsb = x0[None], eps[None]
    if markov:
        xt = q_chain(x0b, t, sched, generator=torch.Generator().manual_seed(seed))[0]
    else:
        xt = q_sample(x0b, t, sched, eps=epsb)[0][0]
    equation = equation_at(sched, t)
    if markov:
        abar = sched.alphas_cumprod[t].item()
        a, s = abar**0.5, (1 - abar) ** 0.5
        expected_mean, expected_std = a * x0.mean().item(), (a**2 * x0.var().item() + s**2) ** 0.5
        equation += "  \n" + text("forward.markov_check", steps=t + 1, mean=f"{xt.mean().item():.3f}",
                                    std=f"{xt.std().item():.3f}", expected_mean=f"{expected_mean:.3f}",
                                    expected_std=f"{expected_std:.3f}")
    view = ForwardView(picture(xt, display_scale(x0)), equation, _histogram(xt, **HISTOGRAM))
    if strip_len:
        view.strip, view.strip_timesteps = forward_strip(x0, sched, eps, strip_len)
    return view


def forward_strip(x0: torch.Tensor, sched, eps: torch.Tensor, strip_len: int) -> tuple[np.ndarray, list]:
    """x_t at strip_len evenly spaced t with the same ε, in one row (a photo at its own size)."""
    num_timesteps = sched.num_timesteps
    strip_t = np.linspace(0, num_timesteps - 1, strip_len).round().astype(int).tolist()
    x0b, epsb = x0[None].expand(strip_len, -1, -1, -1), eps[None].expand(strip_len, -1, -1, -1)
    strip = q_sample(x0b, torch.tensor(strip_t), sched, eps=epsb)[0]
    return make_grid(strip.clamp(-1, 1), nrow=strip_len, scale=display_scale(x0, 84)), strip_t
