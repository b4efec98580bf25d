"""What the denoise lesson shows: one-step predictions, the reverse process from t, error by timestep,
and what is inside a model. Works for any model directory (U-Net or the no-time denoiser)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from diffusion_core.data import DATASETS, dataset_available, load_images
from diffusion_core.evaluation.metrics import psnr
from diffusion_core.images import make_grid, picture
from diffusion_core.models import count_parameters
from diffusion_core.pipeline import Pipeline
from diffusion_core.serving import unwrap
from lab.i18n import series, text
from lab.lessons import DISPLAY_SCALE
from lab.lessons.noise_level import add_noise, num_levels, predict, reverse_from


def percent_to_t(percent: float, num_timesteps: int) -> int:
    """Noise percentage p -> timestep round(p/100 · (T-1)): 0 % is the clean image, 100 % pure noise."""
    return int(round(min(max(percent, 0), 100) / 100 * (num_timesteps - 1)))


def model_input(photo: torch.Tensor, grey: torch.Tensor, in_channels: int, image_size: int) -> torch.Tensor:
    """The picture chosen in tab 1 as a model sees it, (C, S, S) in [-1, 1]. photo: (C', H, W) as tab 1 shows it;
    grey: its 28×28 grey version (a drawing's strokes kept). A model of grey's shape gets grey; any other gets the
    photo centre-cropped to a square, resized to S with antialiasing, grey repeated into RGB or RGB averaged."""
    if (in_channels, image_size, image_size) == tuple(grey.shape):
        return grey
    side = min(photo.shape[-2:])
    top, left = (photo.shape[-2] - side) // 2, (photo.shape[-1] - side) // 2
    square = photo[:, top:top + side, left:left + side].float()[None]
    x = torch.nn.functional.interpolate(square, size=(image_size, image_size), mode="bilinear", antialias=True,
                                        align_corners=False)[0]
    if x.shape[0] != in_channels:
        x = x.mean(0, keepdim=True) if in_channels == 1 else x[:1].expand(in_channels, -1, -1)
    return x.clamp(-1, 1).contiguous()


def channels_in_a_square(x: torch.Tensor, gap: int = 1) -> torch.Tensor:
    """(3, H, W) -> (1, 2H + gap, 2W + gap): R | G over B | blank, as grey pictures, so that each channel of a
    colour tensor shows (a square panel, drawn as large as the others)."""
    blank, spacer = torch.ones(1, *x.shape[1:]), torch.ones(1, x.shape[1], gap)
    top, bottom = torch.cat([x[0:1], spacer, x[1:2]], -1), torch.cat([x[2:3], spacer, blank], -1)
    return torch.cat([top, torch.ones(1, gap, top.shape[-1]), bottom], -2)


@dataclass
class DenoiseView:
    panels: list  # (picture, caption): ground truth, x_t, ε̂, x̂0 in one step, reverse process from t
    metrics: pd.DataFrame  # MSE and PSNR of each estimate against the ground truth
    psnr_curve: pd.DataFrame  # t, PSNR (dB), estimate


def denoise_view(pipe: Pipeline, x0: torch.Tensor, t: int, eps: torch.Tensor, reverse_steps: int = 25) -> DenoiseView:
    """x0, eps: (C, H, W); t: the noise level (noise_level.py). The reverse process runs a deterministic sampler
    (DDIM η=0, or Euler for flow matching) from x_t at t down to 0."""
    t = int(min(max(t, 0), num_levels(pipe) - 1))
    xt = add_noise(pipe, x0[None], torch.tensor([t]), eps[None])
    eps_hat, x0_hat = predict(pipe, xt, torch.tensor([t]))
    x_rev, reverse_sampler = reverse_from(pipe, xt, t, min(reverse_steps, t + 1))
    x_rev, x0_hat = x_rev.cpu().clamp(-1, 1), x0_hat.clamp(-1, 1)
    panels = [(picture(x0, DISPLAY_SCALE), text("denoise.truth")),
              (picture(xt[0], DISPLAY_SCALE), text("denoise.noisy", t=t)),
              (picture((eps_hat[0] / 3), DISPLAY_SCALE), text("denoise.eps_hat")),
              (picture(x0_hat[0], DISPLAY_SCALE), text("denoise.x0_hat")),
              (picture(x_rev[0], DISPLAY_SCALE),
               text("denoise.reverse", steps=min(reverse_steps, t + 1), sampler=reverse_sampler))]
    if x0.shape[0] == 3:  # a colour model predicts noise in each of the three channels: show them apart
        panels.insert(3, (picture(channels_in_a_square(eps_hat[0] / 3), DISPLAY_SCALE // 2),
                          text("denoise.eps_channels")))
    rows = []
    for name, est in [(text("denoise.est_noisy"), xt[0].clamp(-1, 1)), (text("denoise.est_one_step"), x0_hat[0]),
                      (text("denoise.est_reverse"), x_rev[0])]:
        mse = (est - x0).pow(2).mean().item()
        rows.append({"estimate": name, "MSE": round(mse, 4), "PSNR (dB)": round(psnr(est, x0), 2)})
    return DenoiseView(panels, pd.DataFrame(rows), psnr_curve(pipe, x0, eps))


PSNR_SERIES = ("model's x0 in one step", "noisy x_t")  # the PSNR plot's lines, in drawing order
PREDICTORS = ("model", "zero predictor", "random predictor")  # the error chart's lines, in drawing order


def psnr_curve(pipe: Pipeline, x0: torch.Tensor, eps: torch.Tensor, points: int = 20) -> pd.DataFrame:
    """PSNR of the one-step x̂0 and of x_t itself against x0, at `points` timesteps, same ε (one batch)."""
    ts = torch.linspace(0, num_levels(pipe) - 1, points).round().long()
    xt = add_noise(pipe, x0[None].expand(points, -1, -1, -1), ts, eps[None].expand(points, -1, -1, -1))
    _, x0_hat = predict(pipe, xt, ts)
    rows = [{"t": int(t), "PSNR (dB)": psnr(x0_hat[i], x0), "estimate": series(PSNR_SERIES[0])}
            for i, t in enumerate(ts)]
    rows += [{"t": int(t), "PSNR (dB)": psnr(xt[i], x0), "estimate": series(PSNR_SERIES[1])}
             for i, t in enumerate(ts)]
    return pd.DataFrame(rows)


def dli_rows(pipe: Pipeline, images: torch.Tensor, percents=(50, 75, 100), seed: int = 0) -> np.ndarray:
    """The DLI notebook's view: columns are images; rows: ground truth, then noisy / denoised per noise %."""
    eps = torch.randn(images.shape, generator=torch.Generator().manual_seed(seed))
    rows = [images]
    for p in percents:
        t = torch.full((len(images),), percent_to_t(p, num_levels(pipe)))
        xt = add_noise(pipe, images, t, eps)
        rows += [xt.clamp(-1, 1), predict(pipe, xt, t)[1].clamp(-1, 1)]
    return make_grid(torch.cat(rows), nrow=len(images), scale=3)


def error_by_timestep(pipe: Pipeline, images: torch.Tensor, bins: int = 10, seed: int = 0) -> pd.DataFrame:
    """Noise-prediction MSE per timestep bin, beside the zero predictor (ε̂=0: MSE = E[ε²] = 1) and a
    random predictor (ε̂ ~ N(0, I) independent of ε: MSE = 2), as in the DLI exercise."""
    T, n = num_levels(pipe), len(images)
    g = torch.Generator().manual_seed(seed)
    edges = np.linspace(0, T, bins + 1).astype(int)
    t = torch.cat([torch.randint(int(lo), int(hi), (n,), generator=g) for lo, hi in zip(edges[:-1], edges[1:])])
    x0 = images.repeat(bins, 1, 1, 1)
    eps = torch.randn(x0.shape, generator=g)
    xt = add_noise(pipe, x0, t, eps)
    eps_hat, _ = predict(pipe, xt, t)
    guess = torch.randn(x0.shape, generator=g)
    rows = []
    for b in range(bins):
        sl = slice(b * n, (b + 1) * n)
        label = f"{edges[b]}–{edges[b + 1] - 1}"
        for name, pred in zip(map(series, PREDICTORS), (eps_hat[sl], torch.zeros_like(eps[sl]), guess[sl])):
            rows.append({"t bin": label, "bin": b, "MSE of ε̂": min((pred - eps[sl]).pow(2).mean().item(), 5.0),
                         "predictor": name})
    return pd.DataFrame(rows)


def model_summary(model: torch.nn.Module, image_size: int, in_channels: int) -> pd.DataFrame:
    """Feature-map shape, parameters and activation memory (batch 1, float32) of each top-level stage."""
    model, rows, hooks = unwrap(model), [], []

    def hook(name):
        def fn(module, inputs, output):
            if isinstance(output, torch.Tensor):
                rows.append({"stage": name, "output (C×H×W)": "×".join(map(str, output.shape[1:])),
                             "parameters": count_parameters(module),
                             "activation KB": round(output.numel() * 4 / 1024, 1)})
        return fn

    stages = []
    for name, child in model.named_children():
        if isinstance(child, torch.nn.ModuleList):
            stages += [(f"{name}[{i}]", m) for i, m in enumerate(child)]
        else:
            stages.append((name, child))
    for name, m in stages:
        target = m[-1] if isinstance(m, torch.nn.ModuleList) else m
        hooks.append(target.register_forward_hook(hook(name)))
    try:
        with torch.no_grad():
            dev = next(model.parameters()).device
            model(torch.zeros(1, in_channels, image_size, image_size, device=dev),
                  torch.zeros(1, dtype=torch.long, device=dev))
    finally:
        for h in hooks:
            h.remove()
    rows.append({"stage": "total", "output (C×H×W)": "", "parameters": count_parameters(model),
                 "activation KB": round(sum(r["activation KB"] for r in rows), 1)})
    return pd.DataFrame(rows)


def held_out_images(dataset: str, limit: int) -> torch.Tensor | None:
    """Up to `limit` test images of a model's data set ("mnist", "fashion_mnist", or both joined by "+"), shared
    between its parts; None when one is not on this machine or is not such a set."""
    names = dataset.split("+")
    if not all(name in DATASETS and dataset_available(name, "test") for name in names):
        return None
    return torch.cat([load_images(name, "test", limit=limit // len(names))[0] for name in names])
