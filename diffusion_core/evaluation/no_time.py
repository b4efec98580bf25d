"""The no-time denoiser (models/teaching.py), measured against a U-Net that knows t, and described by its card.

One-step denoising at several t, same test images and same noise for both models:

    x_t  = √ᾱ_t x0 + √(1−ᾱ_t) ε                          (forward.q_sample)
    x̂0  = the model's one-step estimate, clipped to [-1, 1] (Pipeline.predict_eps_and_x0)
    PSNR = 10 log10(2² / MSE(x̂0, x0)) per image, averaged  (dB, images in [-1, 1])

The U-Net with t is the sibling <dataset>_cond by default, asked without a class (its null class)."""
from __future__ import annotations

from pathlib import Path

import torch

TEMPLATE = "no_time_denoiser.md"
TIMESTEPS = (50, 100, 250, 500, 750, 999)
NO_TIME_ROW = "no-time denoiser"


@torch.no_grad()
def psnr_per_t(pipe, x0: torch.Tensor, eps: torch.Tensor, timesteps=TIMESTEPS, batch: int = 250) -> dict[int, float]:
    """{t: mean PSNR (dB) of the one-step x̂0}; x0, eps: (N, C, H, W)."""
    from ..forward import q_sample

    out = {}
    for t in timesteps:
        tt = torch.full((len(x0),), t)
        xt, _ = q_sample(x0, tt, pipe.schedule.to("cpu"), eps=eps)
        x0_hat = torch.cat([pipe.predict_eps_and_x0(xt[i:i + batch], tt[i:i + batch])[1]
                            for i in range(0, len(x0), batch)]).clamp(-1, 1)
        mse = (x0_hat - x0).pow(2).mean(dim=(1, 2, 3))  # (N,)
        out[t] = (10 * torch.log10(4 / mse)).mean().item()
    return out


def reference_dir(folder: Path, dataset: str, given=None) -> Path:
    """The U-Net with t to compare with: `given`, else the sibling folder <dataset>_cond."""
    return Path(given) if given else folder.resolve().parent / f"{dataset}_cond"


def evaluate(folder: Path, options) -> dict:
    """{n, psnr_db: {row: {t: dB}}} on the first options.n (1000) test images; seed 0 for the noise."""
    from ..data import load_images
    from ..pipeline import load_pipeline

    notime = load_pipeline(folder, "cpu")
    reference = reference_dir(folder, notime.info["dataset"], options.reference)
    unet = load_pipeline(reference, "cpu")
    x0, _ = load_images(notime.info["dataset"], "test", options.data_root, limit=options.n or 1000)
    eps = torch.randn(x0.shape, generator=torch.Generator().manual_seed(0))
    rows = {NO_TIME_ROW: psnr_per_t(notime, x0, eps),
            f"U-Net with t ({reference.name}, null class)": psnr_per_t(unet, x0, eps)}
    return {"n": len(x0), "psnr_db": rows}


def card_fields(folder: Path, config: dict, r: dict) -> dict:
    """What no_time_denoiser.md is filled with: the PSNR table and the training summary."""
    rows, summary = r["psnr_db"], config["training"]["summary"]
    timesteps = list(next(iter(rows.values())))
    return {"name": folder.name, "n": r["n"], "parameters": summary["parameters"], "train_steps": summary["steps"],
            "train_minutes": summary["train_seconds"] / 60,
            "header": " | ".join(f"t={t}" for t in timesteps), "rule": "---|" * len(timesteps),
            "psnr_rows": "\n".join(f"| {row} | " + " | ".join(f"{v:.2f}" for v in values.values()) + " |"
                                   for row, values in rows.items())}
