"""What the reverse-sampling lesson shows: a sampler step as a picture (x_t | predicted x0), the recorded
trajectory, every sampler from the same starting noise, and exports (GIF, MP4, PNG strip)."""
from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

from diffusion_core.images import make_grid, save_gif, save_mp4, save_png, tensor_to_uint8, tile_grid
from diffusion_core.pipeline import Pipeline
from diffusion_core.samplers import PAPER_GUIDANCE_INTERVAL, SamplerStep
from lab.checks import MAX_GUIDANCE, MAX_SEED, InputError, check_range, shown, whole_number
from lab.i18n import marker, text
from lab.lessons.noise_level import num_levels

SAMPLER_LABELS = {"ddpm": "DDPM (ancestral)", "ddim": "DDIM", "dpm_solver_pp": "DPM-Solver++(2M)",
                  "dpm_solver_pp_sde": "DPM-Solver++(2M) SDE", "euler": "Euler (flow)",
                  "heun": "Heun (flow, 2nd order)", "midpoint": "midpoint (flow, 2nd order)"}


def sampler_name(sampler: str) -> str:
    """A sampler's name in the request's language ("Heun (Fluss, 2. Ordnung)"); SAMPLER_LABELS is the English one."""
    return text(f"samplers.{sampler}")


def sampler_menu(samplers) -> list[tuple[str, str]]:
    """A radio's choices: each sampler's name as a key the page translates, and the sampler."""
    return [(marker(f"samplers.{sampler}"), sampler) for sampler in samplers]


EVALS_PER_STEP = {"heun": 2, "midpoint": 2}  # network evaluations per step; 1 for the others (Heun's last step: 1)
FAST_FIRST = ("mnist_fast", "mnist_cond")  # tab 4 opens on MNIST digits, the 4× cheaper model first


def sampler_kwargs(pipe: Pipeline, sampler: str, guidance: float, eta: float = 0.0, guidance_interval=None) -> dict:
    """The keyword arguments of pipe.sample for this sampler: η and the guidance interval exist only for DDPM-family
    samplers (a flow-matching model's time is not a noise level σ_t)."""
    if sampler not in pipe.sampler_names:
        raise ValueError(text("sampling.not_a_sampler", sampler=sampler_name(sampler) if sampler in SAMPLER_LABELS
                              else sampler, listed=", ".join(sampler_name(s) for s in pipe.sampler_names)))
    kwargs = dict(sampler=sampler, guidance_scale=guidance)
    if pipe.objective == "ddpm":
        kwargs.update(eta=eta, guidance_interval=guidance_interval)
    return kwargs


@dataclass(frozen=True)
class Frame:
    """One recorded step, kept small (a trajectory of 100 frames of 8 images is about 1 MB): x_t and the predicted
    x0 as uint8 tiles at the model's resolution; render_frame draws it for the page."""
    index: int  # sampler step
    t: int  # its timestep (-1: the finished sample)
    xt: np.ndarray  # (B, H, W, C) uint8
    x0: np.ndarray  # (B, H, W, C) uint8
    nrow: int  # images per row when drawn


def frame_of(step: SamplerStep, nrow: int) -> Frame:
    return Frame(step.index, step.t, tensor_to_uint8(step.xt.float().cpu()), tensor_to_uint8(step.x0.float().cpu()),
                 nrow)


def render_frame(frame: Frame, scale: int = 3) -> np.ndarray:
    """The batch's x_t grid | its predicted-x0 grid, side by side: (H, W, 3) uint8."""
    left, right = tile_grid(frame.xt, frame.nrow, scale=scale), tile_grid(frame.x0, frame.nrow, scale=scale)
    gap = np.full((left.shape[0], 12, 3), 255, dtype=np.uint8)
    return np.concatenate([left, gap, right], axis=1)


def frame_words(frame: Frame, steps: int) -> str:
    """Where a frame is in its run, for a student: 'step 5/20 · t = 749', or 'step 20/20 · finished'."""
    return text("sampling.frame_step", step=frame.index, steps=steps) + " · " + (
        text("sampling.finished") if frame.t < 0 else f"t = {frame.t}")


def frame_alt(frame: Frame, steps: int) -> str:
    """The server's picture (render_frame) in words, for a screen reader."""
    return f"{frame_words(frame, steps)}. " + text("sampling.frame_alt")


def record_frames(steps: Iterator[SamplerStep], num_steps: int, nrow: int, max_frames: int = 100):
    """Each sampler step with the list of frames recorded so far: about max_frames evenly spaced, always the first
    and the final one. The list grows in place (one list for the whole run)."""
    every, frames = max(1, num_steps // max_frames), []
    for step in steps:
        if step.index % every == 0 or step.index == num_steps:
            frames.append(frame_of(step, nrow))
        yield step, frames


UNCONDITIONAL = -2  # label value meaning "use the learned null class" (the model's unconditional half)


def picture_sizes(pipelines: dict[str, Pipeline]) -> str:
    """What the served models draw, from their configs: "**28×28 grey** (mnist_fast, text_cond), **32×32 colour**
    (emoji_text)": a model makes pictures the size and colour of what it learnt from."""
    kinds: dict[str, list[str]] = {}
    for name, pipe in pipelines.items():
        size, channels = pipe.config.image_size, pipe.config.in_channels
        kinds.setdefault(f"**{size}×{size} {text('text.colour' if channels == 3 else 'text.grey')}**", []).append(name)
    return ", ".join(f"{kind} ({', '.join(names)})" for kind, names in kinds.items()) or text("sampling.no_model")


def labels_for(pipe: Pipeline, n: int, label: int | None):
    """A class for each of n images: the chosen one, or cycling through all classes (label -1);
    None (the null class: unconditional) for label -2 or an unconditional model."""
    if not pipe.config.num_classes or label == UNCONDITIONAL:
        return None
    if label is None or label < 0:
        return torch.arange(n) % pipe.config.num_classes
    return torch.full((n,), int(label))


def class_options(pipe: Pipeline | None) -> list[tuple[str, int]]:
    """(label, value) of the class menu: -1 one of each class, UNCONDITIONAL the null token, 0.. a class."""
    if pipe is None or not pipe.config.num_classes:
        return [(marker("sampling.unconditional"), -1)]
    names = pipe.info.get("class_names") or [str(i) for i in range(10)]
    return ([(marker("sampling.each_class"), -1), (marker("sampling.no_class"), UNCONDITIONAL)]
            + [(name, i) for i, name in enumerate(names)])


def checked_class(pipe: Pipeline, label) -> int:
    """The class box's value, one of class_options(pipe); a number the model has no class for is refused in words
    that say which numbers it takes (the menu's own labels read badly in "pick one of …")."""
    if not pipe.config.num_classes:
        if not _same_number(label, -1):
            raise InputError(text("sampling.no_classes"))
        return -1
    options = class_options(pipe)
    if not any(_same_number(label, value) for _, value in options):
        raise InputError(text("sampling.no_such_class", label=shown(label), last=len(options) - 3))
    return label


def _same_number(value, number: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float)) and value == number


def sampling_request(zoo, model, sampler, steps, eta, seed, n, label, guidance, limit_guidance) -> SimpleNamespace:
    """Tab 4's values (its widgets', the handout's, a script's) checked and turned into pipe.sample's arguments;
    an InputError with a sentence for a student if one is refused."""
    pipe = zoo.get(model)
    steps = whole_number("steps", steps, 1, num_levels(pipe))
    n = whole_number("number of images", n, 1, 16)
    label = checked_class(pipe, label)
    eta, guidance = check_range("η", eta, 0, 1), check_range("guidance scale w", guidance, 1, MAX_GUIDANCE)
    seed = whole_number("seed", seed, 0, MAX_SEED)
    interval = PAPER_GUIDANCE_INTERVAL if limit_guidance and pipe.objective == "ddpm" else None
    kwargs = sampler_kwargs(pipe, sampler, guidance, eta if sampler == "ddim" else 0.0, interval) if sampler else {}
    return SimpleNamespace(pipe=pipe, n=n, steps=steps, label=label, seed=seed, labels=labels_for(pipe, n, label),
                           kwargs=kwargs, interval=interval, guidance=guidance)


def batched_trajectory(batcher, pipe: Pipeline, n: int, labels, seed: int, steps: int, **kwargs):
    """Each step of one run with the frames recorded so far (record_frames), its network calls batched with every
    other user's by `batcher` (lab/server/batcher.py)."""
    with batcher.join(pipe.model) as shared_model:
        steps_iter = replace(pipe, model=shared_model).sample(n, labels=labels, seed=seed, num_steps=steps, **kwargs)
        yield from record_frames(steps_iter, steps, min(n, 4))


def compare_samplers(pipe: Pipeline, n: int, label, seed: int, num_steps: int, guidance: float,
                     guidance_interval: tuple[float, float] | None = None):
    """Each sampler from the identical x_T: [(picture, caption)] with wall time and model evaluations."""
    cfg = pipe.config
    xT = torch.randn((n, cfg.in_channels, cfg.image_size, cfg.image_size),
                     generator=torch.Generator().manual_seed(seed))
    out = []
    for sampler in pipe.sampler_names:
        start = time.perf_counter()
        images = pipe.generate(n, labels=labels_for(pipe, n, label), seed=seed, xT=xT, num_steps=num_steps,
                               **sampler_kwargs(pipe, sampler, guidance, guidance_interval=guidance_interval))
        seconds = time.perf_counter() - start
        out.append((make_grid(images.cpu(), nrow=min(n, 4), scale=3),  # 2 rows of 4 for 8 images: readable at 4 columns
                    text("samplers.compared", sampler=sampler_name(sampler), steps=num_steps,
                         seconds=f"{seconds:.2f}")))
    return out


def export_trajectory(recorded: list[Frame], directory: Path, stem: str = "trajectory",
                      gif_frames: int = 30) -> list[Path]:
    """An MP4 of every frame (when PyAV is installed), an animated GIF of up to gif_frames evenly spaced frames at
    2× (noise does not compress: a GIF of 100 frames at 3× is ~2.5 MB), and a PNG strip of 8 evenly spaced frames."""
    directory.mkdir(parents=True, exist_ok=True)
    frames = [render_frame(frame) for frame in recorded]
    picks = np.linspace(0, len(recorded) - 1, min(gif_frames, len(recorded))).round().astype(int)
    small = [render_frame(recorded[i], scale=2) for i in picks]
    gif = save_gif(small, directory / f"{stem}.gif", duration_ms=max(40, 3000 // max(1, len(small))))
    picks = np.linspace(0, len(frames) - 1, min(8, len(frames))).round().astype(int)
    strip = np.concatenate([frames[i] for i in picks], axis=0 if frames[0].shape[1] > 400 else 1)
    mp4 = save_mp4(frames, directory / f"{stem}.mp4", fps=max(10, min(50, len(frames) // 3)))
    return [gif] + ([mp4] if mp4 else []) + [save_png(strip, directory / f"{stem}_strip.png")]
