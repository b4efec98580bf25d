"""A U-Net trained on a folder of pictures (`train --dataset <folder>`, the course's car-photo workflow), measured in
its folder and described by its card.

A folder has no classifier of its own, so the judge is one the caller names (`--classifier`, e.g.
pretrained/classifier_emoji for colour pictures); its penultimate features give

    judge-FID = Fréchet distance(features(samples), features(real pictures))          (metrics.frechet_distance)

with the samples and pictures resized to the judge's input size. The folder is split in two fixed halves (even and
odd files, sorted by path): the odd half is the reference, and n pictures of the even half (a random subset, seed 0:
files sorted by name come in runs of a kind) against it are the real-vs-real floor at the same n as the samples. A
judge trained on other pictures measures only "looks like these pictures to that judge": read the figure next to
its floor.

  quality vs steps   judge-FID of n samples per (sampler, steps) row, unconditional
  samples.png        64 samples, DPM-Solver++ 20 steps, seed 0
"""
from __future__ import annotations

import time
from pathlib import Path

import torch
import torch.nn.functional as F

from ..data import ImageFolder
from ..model_folder import ModelLoadError
from .metrics import Reference, features, frechet_distance, load_classifier, quality_vs_steps

TEMPLATE = "folder_model.md"
SAMPLES_NAME = "samples.png"
GRID = [("ddim", 20), ("dpm_solver_pp", 10), ("dpm_solver_pp", 20)]
N = 200  # samples per row: more than the judge's 128 feature dimensions, so their covariance has full rank
JUDGE_NEEDED = ("A model trained on a folder of pictures is measured with a judge you name: add --classifier <folder "
                "of a classifier>, e.g. --classifier pretrained/classifier_emoji for colour pictures.")


class ResizedJudge(torch.nn.Module):
    """The judge seeing every picture at its own input size: (B, C, H, W) -> features of (B, C, s, s) (area
    averaging when shrinking, bilinear when enlarging)."""

    def __init__(self, judge):
        super().__init__()
        self.judge, self.size = judge, judge.config.image_size

    def resize(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] == self.size:
            return x
        return F.interpolate(x, size=self.size, mode="area" if x.shape[-1] > self.size else "bilinear")

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.judge.features(self.resize(x))


def folder_reference(judge, dataset: str, image_size: int, n: int) -> tuple[Reference, int]:
    """(the odd half of the folder's pictures as the reference, with its floor: n of the even half against it;
    how many pictures the folder holds)."""
    folder = ImageFolder(dataset, image_size)
    pictures = torch.stack([folder[i][0] for i in range(len(folder))])  # (N, 3, size, size)
    seen = ResizedJudge(judge)
    ref = Reference(seen, features(seen, pictures[1::2]), float("nan"))
    even = pictures[0::2]
    subset = torch.randperm(len(even), generator=torch.Generator().manual_seed(0))[:n]
    ref.floor = frechet_distance(features(seen, even[subset]), ref.test_features)
    return ref, len(folder)


def save_samples(pipe, path: Path) -> Path:
    from ..images import make_grid, save_png

    return save_png(make_grid(pipe.generate(64, seed=0, sampler="dpm_solver_pp", num_steps=20), nrow=8, scale=2), path)


def evaluate(folder: Path, options) -> dict:
    """Every figure of the card; writes samples.png. options: folder.Options (n, classifier, quick)."""
    from ..models import count_parameters
    from ..pipeline import load_pipeline

    if not options.classifier:
        raise ModelLoadError(JUDGE_NEEDED)
    pipe, start = load_pipeline(folder, device="cpu"), time.perf_counter()
    judge, n = load_classifier(options.classifier), options.n or (20 if options.quick else N)
    ref, pictures = folder_reference(judge, pipe.info["dataset"], pipe.config.image_size, n)
    rows = quality_vs_steps(pipe, ref, n, guidance=1.0, grid=GRID[:1] if options.quick else GRID)
    save_samples(pipe, folder / SAMPLES_NAME)
    summary = pipe.info["training"]["summary"]
    return {"model": folder.name, "dataset": pipe.info["dataset"], "pictures": pictures,
            "parameters": count_parameters(pipe.model), "judge": Path(options.classifier).name,
            "judge_size": judge.config.image_size, "n_per_row": n, "floor": ref.floor,
            "quality_vs_steps": rows, "train_steps": summary["steps"], "train_minutes": summary["train_seconds"] / 60,
            "eval_minutes": (time.perf_counter() - start) / 60, "threads": torch.get_num_threads()}


def card_fields(folder: Path, config: dict, r: dict) -> dict:
    from .diffusion import unet_words

    m, train = config["model"], config["training"]
    best = min(r["quality_vs_steps"], key=lambda q: q["fid"])
    return {**r, "name": folder.name, **unet_words(m), "image_size": m["image_size"],
            "in_channels": m["in_channels"], "batch_size": train["batch_size"],
            "epochs": r["train_steps"] * train["batch_size"] / r["pictures"],
            "quality_rows": "\n".join(f"| {q['sampler']} | {q['steps']} | {q['fid']:.1f} | "
                                      f"{q['fid'] / r['floor']:.1f}× | {q['sec_per_image'] * 1000:.0f} |"
                                      for q in r["quality_vs_steps"]),
            "best": f"{best['sampler']} {best['steps']} steps: {best['fid']:.1f} "
                    f"({best['fid'] / r['floor']:.1f}× the floor)",
            "samples_name": SAMPLES_NAME}
