"""Diffusion Lab: a classroom app that makes diffusion models visible. UI only: every number and
picture comes from diffusion_core; each handler turns widgets into one core call and back."""
from __future__ import annotations

import functools
import inspect
import logging
import sys
import tempfile
import time
from pathlib import Path

import gradio as gr
import numpy as np
import torch
from PIL import Image

from app_layout import build_demo
from diffusion_core.images import drawing_to_tensor, pil_to_tensor
from diffusion_core.data import class_names, dataset_available, load_images
from lab.lessons.denoise import (denoise_view, dli_rows, error_by_timestep, model_summary, percent_to_t)
from diffusion_core.images import picture
from lab.lessons.forward import fixed_noise, forward_view
from lab.lessons.schedules import noised_by_each_schedule, schedule_curves, schedule_table
from diffusion_core.serving.onnx import backend_name
from diffusion_core.text.prior import load_bank
from diffusion_core.text.prompts import clean_prompt
from lab.lessons.text import TextStudio
from diffusion_core.samplers import PAPER_GUIDANCE_INTERVAL
from lab.streaming import latest_only
from diffusion_core.text.clip import load_clip_of
from lab.zoo import Zoo
from lab.lessons.sampling import UNCONDITIONAL, compare_samplers, export_trajectory, labels_for, record_frames

LOG = logging.getLogger("diffusion_lab")
ASSETS = Path(__file__).parent / "assets"
ZOO = Zoo.load()  # loaded once, shared by every user
MAX_PIXELS = 40_000_000  # uploads larger than this are refused with a message
IMAGE_SIZE = 28


def _load_gallery() -> list[tuple[np.ndarray, str]]:
    """Dataset test images when the data is here, and the example drawings in assets/."""
    items = []
    for name in ("fashion_mnist", "mnist"):
        if dataset_available(name, "test"):
            x, y = load_images(name, "test", limit=8)
            items += [(picture(x[i], scale=4), f"{name}: {class_names(name)[y[i]]}") for i in range(len(x))]
    for path in sorted((ASSETS / "examples").glob("*.png")):
        items.append((np.asarray(Image.open(path).convert("RGB")), f"example: {path.stem}"))
    return items


GALLERY = _load_gallery()


def _load_text_studio():
    """The CLIP tab's models: the first model directory conditioned on CLIP embeddings, and its CLIP."""
    for name, pipe in ZOO.pipelines.items():
        if pipe.info.get("clip") and pipe.config.cond_dim:
            try:
                clip = load_clip_of(pipe.info)
                refs = [load_images(d, "test", limit=500)[0] for d in ("mnist", "fashion_mnist") if dataset_available(d, "test")]
                reference = torch.cat(refs) if refs else torch.zeros(1, 1, 28, 28) - 1
                return name, TextStudio(clip, pipe, reference, load_bank(pipe.info["path"]))
            except Exception as e:  # a broken CLIP must not take the other tabs down
                ZOO.problems[pipe.info["clip"]] = f"CLIP could not be loaded: {e}"
    return None, None


TEXT_MODEL, TEXT_STUDIO = _load_text_studio()


def friendly(fn):
    """Any failure becomes a short message in the UI (gr.Error), never a stack trace."""

    def message(e: Exception) -> gr.Error:
        if isinstance(e, gr.Error):
            return e
        LOG.warning("%s failed: %s", fn.__name__, e, exc_info=not isinstance(e, (ValueError, RuntimeError)))
        return gr.Error(f"{type(e).__name__ if not isinstance(e, (ValueError, RuntimeError)) else 'Problem'}: {e}")

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except Exception as e:
                raise message(e) from None
        return gen

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            raise message(e) from None
    return wrapper


def _check_range(name: str, value, lo, hi):
    if value is None or not lo <= value <= hi:
        raise gr.Error(f"{name} must be between {lo} and {hi} (got {value}).")


def _x0(state) -> torch.Tensor:
    if state is None:
        raise gr.Error("Pick an image first: click one in the gallery, upload one, or draw one (tab 1).")
    return torch.as_tensor(state)


# ---------------------------------------------------------------- tab 1: forward noise
@friendly
def choose_from_gallery(evt: gr.SelectData):
    x0 = pil_to_tensor(Image.fromarray(GALLERY[evt.index][0]), IMAGE_SIZE)
    return x0.numpy(), picture(x0, 8)


@friendly
def choose_upload(image: Image.Image | None):
    if image is None:
        return gr.skip(), gr.skip()
    if image.width * image.height > MAX_PIXELS:
        raise gr.Error(f"That image is {image.width}×{image.height} pixels; please use one under 40 megapixels.")
    x0 = pil_to_tensor(image, IMAGE_SIZE)
    return x0.numpy(), picture(x0, 8)


@friendly
def choose_drawing(drawing: dict | None):
    if not drawing or drawing.get("composite") is None:
        raise gr.Error("The drawing is empty: draw something on the canvas first.")
    x0 = drawing_to_tensor(drawing["composite"], IMAGE_SIZE)
    return x0.numpy(), picture(x0, 8)


@friendly
def update_forward(x0_state, schedule: str, T: int, t: int, seed: int, markov: bool):
    _check_range("T", T, 2, 5000)
    view = forward_view(_x0(x0_state), schedule, int(T), int(t), fixed_noise((1, IMAGE_SIZE, IMAGE_SIZE), int(seed)),
                        markov=markov, seed=int(seed))
    strip_caption = "x_t at t = " + ", ".join(map(str, view.strip_timesteps))
    return view.xt, view.equation, view.histogram, gr.Image(view.strip, label=strip_caption)


def new_noise(seed: int) -> int:
    return int(seed) + 1


def set_t_range(T: int, t: int):
    T = int(T) if T and 2 <= T <= 5000 else 1000
    return gr.Slider(maximum=T - 1, value=min(int(t), T - 1))


# ---------------------------------------------------------------- tab 2: schedules
@friendly
def update_schedules(names: list[str], T: int, t: int, x0_state, seed: int):
    _check_range("T", T, 2, 5000)
    names = names or []
    curves = schedule_curves(names, int(T), marker_t=int(t))
    table = schedule_table(names, int(T))
    row = noised_by_each_schedule(_x0(x0_state), int(t), fixed_noise((1, IMAGE_SIZE, IMAGE_SIZE), int(seed)), names, int(T)) \
        if x0_state is not None else []
    return curves["beta"], curves["alpha_bar"], curves["snr_db"], table, row


# ---------------------------------------------------------------- tab 3: denoise
def _denoiser_names():
    return ZOO.names()


@friendly
def update_denoise(model_name: str, x0_state, mode: str, t: int, percent: float, seed: int):
    pipe = ZOO.get(model_name)
    T = pipe.schedule.num_timesteps
    t = percent_to_t(percent, T) if mode == "noise %" else int(t)
    x0 = _x0(x0_state)
    view = denoise_view(pipe, x0, t, fixed_noise(x0.shape, int(seed)))
    return view.panels, view.metrics, view.psnr_curve


@friendly
def update_dli_rows(model_name: str):
    pipe = ZOO.get(model_name)
    dataset = pipe.info.get("dataset", "fashion_mnist")
    if not dataset_available(dataset, "test"):
        raise gr.Error(f"The {dataset} test images are not on this machine, so the row view has nothing to show.")
    images, _ = load_images(dataset, "test", limit=10)
    return dli_rows(pipe, images)


@friendly
def update_error_chart(model_name: str):
    pipe = ZOO.get(model_name)
    dataset = pipe.info.get("dataset", "fashion_mnist")
    images = load_images(dataset, "test", limit=32)[0] if dataset_available(dataset, "test") else torch.rand(32, 1, 28, 28) * 2 - 1
    return error_by_timestep(pipe, images)


@friendly
def update_model_panel(model_name: str | None):
    if not model_name:
        return "No model is loaded. " + ZOO.how_to_get_models(), None
    pipe = ZOO.get(model_name)
    cfg = pipe.config
    about = (f"**{model_name}** · {cfg.architecture} · predicts {cfg.prediction_type} · "
             f"{'sees the timestep t' if cfg.architecture == 'unet' else 'never sees t'} · trained on {pipe.info.get('dataset')} · "
             f"runs on {pipe.device.type.upper()} with {backend_name(pipe.model)}")
    return about, model_summary(pipe.model, cfg.image_size, cfg.in_channels)


# ---------------------------------------------------------------- tab 4: reverse sampling
def class_choices(model_name: str):
    if model_name not in ZOO.pipelines or not ZOO.pipelines[model_name].config.num_classes:
        return gr.Dropdown(choices=[("(unconditional model)", -1)], value=-1, label="class")
    names = ZOO.pipelines[model_name].info.get("class_names") or [str(i) for i in range(10)]
    return gr.Dropdown(choices=[("one of each class", -1), ("no class (unconditional, null token)", UNCONDITIONAL)]
                       + [(n, i) for i, n in enumerate(names)], value=-1, label="class")


@friendly
def run_sampler(model_name, sampler, steps, eta, seed, batch, label, guidance, limit_guidance=False):
    pipe = ZOO.get(model_name)
    _check_range("steps", steps, 1, pipe.schedule.num_timesteps)
    _check_range("batch size", batch, 1, 16)
    n, steps = int(batch), int(steps)
    labels, start = labels_for(pipe, n, int(label)), time.perf_counter()
    interval = PAPER_GUIDANCE_INTERVAL if limit_guidance else None
    per_call = f"a batch of {n}"
    if labels is not None and float(guidance) != 1:
        per_call = f"a batch of {2 * n}: conditional + unconditional" + (" where {} < σ_t ≤ {}".format(*interval) if interval else "")
    trajectory = pipe.sample(n, labels=labels, seed=int(seed), sampler=sampler, num_steps=steps, eta=float(eta),
                             guidance_scale=float(guidance), guidance_interval=interval)
    # the sampler runs on in a thread; the page shows the newest recorded frame whenever it can draw one
    for step, frames in latest_only(record_frames(trajectory, steps, min(n, 4)), min_interval=0.4):
        status = (f"step {step.index}/{steps} · t = {step.t} · {step.index} model evaluations ({per_call}) · "
                  f"{time.perf_counter() - start:.2f} s with {backend_name(pipe.model)}")
        if step.index < steps:  # the recorded frames go to the user's State once: Gradio copies a State on each update
            yield frames[-1], status, gr.skip(), gr.skip()
            continue
        yield frames[-1], status, list(frames), gr.Slider(maximum=max(1, len(frames) - 1), value=len(frames) - 1)


def scrub(frames, index):
    if not frames:
        return gr.skip()
    return frames[min(int(index), len(frames) - 1)]


@friendly
def export(frames):
    if not frames:
        raise gr.Error("Generate first, then export the trajectory.")
    return [str(path) for path in export_trajectory(frames, Path(tempfile.mkdtemp(prefix="diffusion_lab_")))]


@friendly
def all_samplers(model_name, steps, seed, batch, label, guidance, limit_guidance=False):
    pipe = ZOO.get(model_name)
    _check_range("steps", steps, 1, pipe.schedule.num_timesteps)
    _check_range("batch size", batch, 1, 16)
    return compare_samplers(pipe, int(batch), int(label), int(seed), int(steps), float(guidance),
                            PAPER_GUIDANCE_INTERVAL if limit_guidance else None)


# ---------------------------------------------------------------- tab 5: text to image
@friendly
def text_to_image(prompt, guidance, steps, sampler, seed, n, use_prior=True):
    if TEXT_STUDIO is None:
        raise gr.Error("No CLIP-conditioned model is installed yet. " + ZOO.how_to_get_models())
    _check_range("steps", steps, 1, 1000)
    _check_range("images", n, 1, 16)
    text, notice = clean_prompt(prompt)
    start = time.perf_counter()
    for step in TEXT_STUDIO.generate(text, n=int(n), seed=int(seed), use_prior=bool(use_prior), sampler=sampler,
                                     num_steps=int(steps), guidance_scale=float(guidance)):
        if step.t == -1 or step.index % max(1, int(steps) // 10) == 0:
            status = f"step {step.index}/{int(steps)} · {time.perf_counter() - start:.1f} s" + (f" · note: {notice}" if notice else "")
            yield [picture(x, scale=4) for x in step.x0.cpu()], status


@friendly
def inspect_prompt(prompt):
    if TEXT_STUDIO is None:
        raise gr.Error("No CLIP is installed yet. " + ZOO.how_to_get_models())
    report = TEXT_STUDIO.inspect(prompt)
    import pandas as pd

    table = pd.DataFrame(report.similarities[:12], columns=["kind", "concept", "similarity"])
    neighbours = [(picture(x, scale=3), f"similarity {s:.2f}") for x, s in zip(report.nearest, report.nearest_scores)]
    verdict = ("⚠️ " + report.warning) if report.warning else "The prompt is close to things the model knows."
    if report.prior_classes:
        k = sum(n for _, n in report.prior_classes)
        verdict += (f"\n\n**Retrieval prior:** the {k} training images closest to the prompt are "
                    + ", ".join(f"{name} ×{n}" for name, n in report.prior_classes[:4])
                    + "; their mean image embedding is what the U-Net is asked for.")
    return table, neighbours, verdict


demo = build_demo(sys.modules[__name__])  # the layout calls this module's handlers

if __name__ == "__main__":
    demo.launch(max_file_size="20mb", show_error=False)
