"""The models an app serves: every model directory under pretrained/, loaded once and shared.

Also the pieces of the reverse-sampling lesson: rendering a sampler step, comparing samplers
from the same starting noise, exporting a trajectory as GIF and PNG strip."""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import torch

from .data import PROJECT_ROOT
from .pipeline import ModelLoadError, Pipeline, load_pipeline, read_config
from .onnx_serving import serving_model
from .samplers import SAMPLERS, SamplerStep
from .visualize import make_grid, save_gif, save_mp4, save_png

PRETRAINED = PROJECT_ROOT / "pretrained"
SAMPLER_LABELS = {"ddpm": "DDPM (ancestral)", "ddim": "DDIM", "dpm_solver_pp": "DPM-Solver++(2M)",
                  "dpm_solver_pp_sde": "DPM-Solver++(2M) SDE"}


@dataclass
class Zoo:
    pipelines: dict[str, Pipeline] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # folder -> what went wrong

    @classmethod
    def load(cls, root: str | Path | None = None, device: str | None = None) -> "Zoo":
        """Every folder whose config.json describes a diffusion model (has a schedule), under root,
        $DIFFUSION_LAB_MODELS, or the project's pretrained/. U-Nets on the CPU are served by
        ONNX Runtime when the folder has a fresh model.onnx, else through TorchScript (onnx_serving.py)."""
        root = root or os.environ.get("DIFFUSION_LAB_MODELS") or PRETRAINED
        zoo = cls()
        for folder in sorted(Path(root).glob("*/")) if Path(root).is_dir() else []:
            try:
                if "schedule" not in read_config(folder):
                    continue  # a classifier or a CLIP: not a diffusion model
                pipe = load_pipeline(folder, device)
                if pipe.config.architecture == "unet" and pipe.device.type == "cpu":
                    pipe.model = serving_model(pipe.model, folder)  # same outputs, less per-step overhead
                zoo.pipelines[folder.name] = pipe
            except ModelLoadError as e:
                zoo.problems[folder.name] = str(e)
        return zoo

    def names(self, with_time: bool | None = None) -> list[str]:
        return [n for n, p in self.pipelines.items()
                if with_time is None or (p.config.architecture == "unet") == with_time]

    def get(self, name: str) -> Pipeline:
        if name not in self.pipelines:
            hint = f" ({self.problems[name]})" if name in self.problems else ""
            raise ModelLoadError(f"model {name!r} is not loaded{hint}. {self.how_to_get_models()}")
        return self.pipelines[name]

    def how_to_get_models(self) -> str:
        return ("Model weights live in pretrained/<name>/ (config.json + model.safetensors). Restore them with "
                "`git checkout -- pretrained` (or `git lfs pull` on a Space), or train one: see each model card, e.g. "
                "`python -m diffusion_core train --dataset mnist --conditioning class --out pretrained/mnist_cond`.")


def render_step(step: SamplerStep, nrow: int, scale: int = 3) -> np.ndarray:
    """One frame: the batch's x_t grid | its predicted-x0 grid, side by side."""
    left = make_grid(step.xt.float().cpu().clamp(-1, 1), nrow=nrow, scale=scale)
    right = make_grid(step.x0.float().cpu().clamp(-1, 1), nrow=nrow, scale=scale)
    gap = np.full((left.shape[0], 12, 3), 255, dtype=np.uint8)
    return np.concatenate([left, gap, right], axis=1)


def record_frames(steps: Iterator[SamplerStep], num_steps: int, nrow: int, max_frames: int = 100):
    """Each sampler step with the list of frames recorded so far: about max_frames evenly spaced, always the first
    and the final one. The list grows in place (one list for the whole run)."""
    every, frames = max(1, num_steps // max_frames), []
    for step in steps:
        if step.index % every == 0 or step.index == num_steps:
            frames.append(render_step(step, nrow))
        yield step, frames


UNCONDITIONAL = -2  # label value meaning "use the learned null class" (the model's unconditional half)


def labels_for(pipe: Pipeline, n: int, label: int | None):
    """A class for each of n images: the chosen one, or cycling through all classes (label -1);
    None (the null class: unconditional) for label -2 or an unconditional model."""
    if not pipe.config.num_classes or label == UNCONDITIONAL:
        return None
    if label is None or label < 0:
        return torch.arange(n) % pipe.config.num_classes
    return torch.full((n,), int(label))


def compare_samplers(pipe: Pipeline, n: int, label, seed: int, num_steps: int, guidance: float,
                     guidance_interval: tuple[float, float] | None = None):
    """Each sampler from the identical x_T: [(picture, caption)] with wall time and model evaluations."""
    cfg = pipe.config
    xT = torch.randn((n, cfg.in_channels, cfg.image_size, cfg.image_size), generator=torch.Generator().manual_seed(seed))
    out = []
    for sampler in SAMPLERS:
        start = time.perf_counter()
        images = pipe.generate(n, labels=labels_for(pipe, n, label), seed=seed, xT=xT, sampler=sampler,
                               num_steps=num_steps, guidance_scale=guidance, guidance_interval=guidance_interval)
        seconds = time.perf_counter() - start
        out.append((make_grid(images.cpu(), nrow=min(n, 4), scale=3),  # 2 rows of 4 for 8 images: readable at 4 columns
                    f"{SAMPLER_LABELS[sampler]}: {num_steps} model evaluations, {seconds:.2f} s"))
    return out


def export_trajectory(frames: list[np.ndarray], directory: Path, stem: str = "trajectory") -> list[Path]:
    """An animated GIF of all frames, an MP4 when PyAV is installed, and a PNG strip of 8 evenly spaced frames."""
    directory.mkdir(parents=True, exist_ok=True)
    gif = save_gif(frames, directory / f"{stem}.gif", duration_ms=max(20, 3000 // max(1, len(frames))))
    picks = np.linspace(0, len(frames) - 1, min(8, len(frames))).round().astype(int)
    strip = np.concatenate([frames[i] for i in picks], axis=0 if frames[0].shape[1] > 400 else 1)
    mp4 = save_mp4(frames, directory / f"{stem}.mp4", fps=max(10, min(50, len(frames) // 3)))
    return [gif] + ([mp4] if mp4 else []) + [save_png(strip, directory / f"{stem}_strip.png")]
