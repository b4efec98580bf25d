"""Diffusion Lab: a classroom app that makes diffusion models visible. UI only: every number and
picture comes from diffusion_core; each handler turns widgets into one core call and back."""
from __future__ import annotations

import functools
import inspect
import logging
import tempfile
import time
from pathlib import Path

import gradio as gr
import numpy as np
import torch
from PIL import Image

from diffusion_core import SCHEDULE_NAMES, SAMPLERS
from diffusion_core.data import class_names, dataset_available, drawing_to_tensor, load_images, pil_to_tensor
from diffusion_core.denoise import (denoise_view, dli_rows, error_by_timestep, model_summary, percent_to_t)
from diffusion_core.lessons import fixed_noise, forward_view, noised_by_each_schedule, picture, schedule_curves, schedule_table
from diffusion_core.prior import load_bank
from diffusion_core.prompts import TextStudio, clean_prompt
from diffusion_core.text import load_clip
from diffusion_core.zoo import SAMPLER_LABELS, UNCONDITIONAL, Zoo, compare_samplers, export_trajectory, labels_for, render_step

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
                clip = load_clip(pipe.info["clip"], pipe.info.get("clip_pretrained"))
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
    return x0.numpy(), picture(x0)


@friendly
def choose_upload(image: Image.Image | None):
    if image is None:
        return gr.skip(), gr.skip()
    if image.width * image.height > MAX_PIXELS:
        raise gr.Error(f"That image is {image.width}×{image.height} pixels; please use one under 40 megapixels.")
    x0 = pil_to_tensor(image, IMAGE_SIZE)
    return x0.numpy(), picture(x0)


@friendly
def choose_drawing(drawing: dict | None):
    if not drawing or drawing.get("composite") is None:
        raise gr.Error("The drawing is empty: draw something on the canvas first.")
    x0 = drawing_to_tensor(drawing["composite"], IMAGE_SIZE)
    return x0.numpy(), picture(x0)


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
             f"{'sees the timestep t' if cfg.architecture == 'unet' else 'never sees t'} · trained on {pipe.info.get('dataset')}")
    return about, model_summary(pipe.model, cfg.image_size, cfg.in_channels)


# ---------------------------------------------------------------- tab 4: reverse sampling
def _class_choices(model_name: str):
    if model_name not in ZOO.pipelines or not ZOO.pipelines[model_name].config.num_classes:
        return gr.Dropdown(choices=[("(unconditional model)", -1)], value=-1, label="class")
    names = ZOO.pipelines[model_name].info.get("class_names") or [str(i) for i in range(10)]
    return gr.Dropdown(choices=[("one of each class", -1), ("no class (unconditional, null token)", UNCONDITIONAL)]
                       + [(n, i) for i, n in enumerate(names)], value=-1, label="class")


@friendly
def run_sampler(model_name, sampler, steps, eta, seed, batch, label, guidance):
    pipe = ZOO.get(model_name)
    _check_range("steps", steps, 1, pipe.schedule.num_timesteps)
    _check_range("batch size", batch, 1, 16)
    n, steps = int(batch), int(steps)
    nrow = min(n, 4)
    record_every, show_every = max(1, steps // 100), max(1, steps // 25)
    frames, start = [], time.perf_counter()
    for step in pipe.sample(n, labels=labels_for(pipe, n, int(label)), seed=int(seed), sampler=sampler,
                            num_steps=steps, eta=float(eta), guidance_scale=float(guidance)):
        last = step.index == steps
        if step.index % record_every == 0 or last:
            frames.append(render_step(step, nrow))
        if step.index % show_every == 0 or last:
            status = (f"step {step.index}/{steps} · t = {step.t} · {step.index} model evaluations · "
                      f"{time.perf_counter() - start:.2f} s")
            yield frames[-1], status, frames, gr.Slider(maximum=max(1, len(frames) - 1), value=len(frames) - 1)


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
def all_samplers(model_name, steps, seed, batch, label, guidance):
    pipe = ZOO.get(model_name)
    _check_range("steps", steps, 1, pipe.schedule.num_timesteps)
    _check_range("batch size", batch, 1, 16)
    return compare_samplers(pipe, int(batch), int(label), int(seed), int(steps), float(guidance))


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


# ---------------------------------------------------------------- layout
INTRO = """# Diffusion Lab
A diffusion model learns to **remove noise**. Add noise to an image step by step (forward process),
train a network to predict that noise, then start from pure noise and denoise step by step (reverse process).
Pick an image below, then walk through the tabs from left to right."""

TEXT_TAB = """### Text to image with CLIP (no text model installed here)
This tab turns an English prompt such as *"a bold seven"* or *"dark ankle boots"* into images:
a small CLIP trained by this project encodes the prompt, and a U-Net conditioned on CLIP embeddings
denoises pure noise towards it, with classifier-free guidance. It also shows how close your prompt is
to the concepts the model knows, and warns you when it is far from all of them ("a cat" on a model of
clothes and digits). It needs `pretrained/text_cond` and `pretrained/tiny_clip` (shipped with the project;
the README says how to train them again). Meanwhile, try the class-conditional models in **Reverse sampling**."""


FAST_FIRST = ("mnist_fast", "mnist_cond")  # tab 4 opens on MNIST digits, the 4× cheaper model first


def _sampling_controls(sampler: str, steps: int, max_steps: int, guidance: float):
    """The sampler row shared by tabs 4 and 5: sampler, steps, guidance w, seed, number of images."""
    with gr.Row():
        radio = gr.Radio([(SAMPLER_LABELS[s], s) for s in SAMPLERS], value=sampler, label="sampler")
        steps = gr.Slider(1, max_steps, value=steps, step=1, label="steps (model evaluations)")
        guidance = gr.Slider(1, 5, value=guidance, step=0.5, label="guidance scale w (1 = none)")
        seed = gr.Number(0, label="seed", precision=0)
        n = gr.Slider(1, 16, value=8, step=1, label="images")
    return radio, steps, guidance, seed, n


def build_demo() -> gr.Blocks:
    diffusion_models = ZOO.names(with_time=True)
    all_models = ZOO.names()
    default_x0 = pil_to_tensor(Image.fromarray(GALLERY[0][0]), IMAGE_SIZE).numpy() if GALLERY else None
    with gr.Blocks(title="Diffusion Lab") as demo:
        x0_state = gr.State(default_x0)  # per user: the chosen image, (1, 28, 28) in [-1, 1]
        seed_state = gr.State(0)  # per user: which ε the slider keeps
        gr.Markdown(INTRO)
        if ZOO.problems or not diffusion_models:
            gr.Markdown("⚠️ **Some models could not be loaded**: " + "; ".join(f"{k}: {v}" for k, v in ZOO.problems.items())
                        + ("" if diffusion_models else " No trained model is here: tabs 1–2 work; " + ZOO.how_to_get_models()))
        with gr.Tab("1 · Forward noise"):
            gr.Markdown("The **forward process** mixes the image with Gaussian noise ε. At step t the mix is "
                        "√ᾱ_t parts image and √(1−ᾱ_t) parts noise. Move **t**: the picture fades and its pixels turn "
                        "into the bell curve N(0, 1).")
            with gr.Row():
                with gr.Column(scale=2):
                    gallery = gr.Gallery(GALLERY, label="Pick an image", columns=8, height=260, allow_preview=False)
                    with gr.Row():
                        upload = gr.Image(type="pil", label="…or upload any image", sources=["upload", "clipboard"], height=200)
                        sketch = gr.Sketchpad(type="pil", image_mode="RGBA", label="…or draw", canvas_size=(280, 280), height=280)
                    use_drawing = gr.Button("Use my drawing")
                with gr.Column(scale=1):
                    chosen = gr.Image(picture(torch.as_tensor(default_x0)) if default_x0 is not None else None,
                                      label="x0 (the clean image)", interactive=False, height=240)
            with gr.Row():
                schedule = gr.Dropdown(list(SCHEDULE_NAMES), value="linear", label="noise schedule")
                T = gr.Number(1000, label="T (number of steps)", precision=0, minimum=2, maximum=5000)
                markov = gr.Checkbox(False, label="run the Markov chain step by step instead of the closed form")
                noise_btn = gr.Button("New noise ε")
            t = gr.Slider(0, 999, value=250, step=1, label="t (how much noise)")
            with gr.Row():
                xt_image = gr.Image(label="x_t", interactive=False, height=260)
                with gr.Column():
                    equation = gr.Markdown()
                    histogram = gr.LinePlot(x="value", y="density", color="series", title="pixels of x_t vs N(0, 1)",
                                            height=220)
            strip = gr.Image(label="x_t at evenly spaced t", interactive=False)
        with gr.Tab("2 · Schedules") as schedules_tab:
            gr.Markdown("A **schedule** decides how fast the image fades. SNR (signal-to-noise ratio) compares the "
                        "image's share with the noise's; at **0 dB** they are equal. Cosine keeps more signal for longer.")
            names = gr.CheckboxGroup(list(SCHEDULE_NAMES), value=list(SCHEDULE_NAMES), label="schedules")
            with gr.Row():
                beta_plot = gr.LinePlot(x="t", y="value", color="schedule", title="β_t (noise added at step t)", height=260)
                abar_plot = gr.LinePlot(x="t", y="value", color="schedule", title="ᾱ_t (signal left)", height=260)
                snr_plot = gr.LinePlot(x="t", y="value", color="schedule", title="SNR in dB = 10·log10(ᾱ/(1−ᾱ))", height=260)
            table = gr.Dataframe(label="ᾱ_t and SNR (dB) at chosen t; the step where noise starts to outweigh signal (0 dB)")
            by_schedule = gr.Gallery(label="your image at the t of tab 1, under each schedule", columns=4, height=220)
        with gr.Tab("3 · Denoise"):
            gr.Markdown("A trained network looks at a noisy image x_t (and, if it can, at t) and **predicts the noise**. "
                        "Removing it gives a guess of the clean image in one step; repeating small steps from t down "
                        "to 0 (the reverse process) usually does better. The image is the one chosen in tab 1.")
            with gr.Row():
                model_d = gr.Dropdown(all_models, value=all_models[0] if all_models else None, label="model")
                mode = gr.Radio(["t", "noise %"], value="t", label="choose noise by")
                t_d = gr.Slider(0, 999, value=500, step=1, label="t")
                percent = gr.Slider(0, 100, value=50, step=1, label="noise % (t = p/100 · (T−1))")
                go_d = gr.Button("Denoise", variant="primary")
            panels = gr.Gallery(label="ground truth | noisy | predicted noise | predicted x0 | reverse process", columns=5, height=240)
            with gr.Row():
                metrics = gr.Dataframe(label="error against the ground truth")
                psnr_plot = gr.LinePlot(x="t", y="PSNR (dB)", color="estimate", title="PSNR vs t for this image", height=240)
            with gr.Accordion("Ten images at 50 / 75 / 100 % noise (DLI view)", open=False):
                rows_btn = gr.Button("Show rows")
                rows_img = gr.Image(label="rows: ground truth, then noisy / denoised at 50, 75, 100 %", interactive=False)
            with gr.Accordion("How good is the noise prediction at each t?", open=False):
                err_btn = gr.Button("Measure")
                err_plot = gr.LinePlot(x="bin", y="MSE of ε̂", color="predictor", title="MSE of ε̂ by timestep bin (0 = t 0–99 … 9 = t 900–999)", height=260)
            with gr.Accordion("Inside the model", open=False):
                about = gr.Markdown()
                summary = gr.Dataframe(label="feature maps and memory per stage (batch 1, float32)")
        with gr.Tab("4 · Reverse sampling"):
            gr.Markdown("**Generation** runs the process backwards: start from pure noise and remove a little predicted "
                        "noise at each step. Left: the current x_t. Right: the network's current guess of the final "
                        "image. Guidance w > 1 pushes harder towards the chosen class.")
            with gr.Row():
                first = next((n for n in FAST_FIRST if n in diffusion_models), diffusion_models[0] if diffusion_models else None)
                model_s = gr.Dropdown(diffusion_models, value=first, label="model")
                label = _class_choices(first or "")
            sampler, steps, guidance, seed, batch = _sampling_controls("ddim", 50, 1000, 2.0)
            eta = gr.Slider(0, 1, value=0, step=0.1, label="η (DDIM only: 0 deterministic, 1 like DDPM)")
            with gr.Row():
                go_s = gr.Button("Generate", variant="primary")
                compare_btn = gr.Button("Same seed, all samplers")
                export_btn = gr.Button("Export GIF, MP4 + PNG strip")
            status = gr.Markdown()
            frame = gr.Image(label="left: x_t · right: predicted x0", interactive=False)
            frames_state = gr.State([])  # per user: the recorded trajectory
            scrubber = gr.Slider(0, 1, value=0, step=1, label="scrub the recorded trajectory")
            compared = gr.Gallery(label="identical starting noise, every sampler", columns=4, height=360,
                                  object_fit="contain")
            files = gr.File(label="exports", file_count="multiple", height=120)
        with gr.Tab("5 · Text to image (CLIP)"):
            if TEXT_STUDIO is None:
                gr.Markdown(TEXT_TAB)
            else:
                clip_info = TEXT_STUDIO.clip.info
                zero_shot = " · ".join(f"{ds} {acc * 100:.0f} %" for ds, acc in clip_info.get("zero_shot_accuracy", {}).items())
                gr.Markdown(f"Model **{TEXT_MODEL}**, conditioned on CLIP **{TEXT_STUDIO.clip.name}** "
                            f"({clip_info.get('trained_on', 'pretrained open_clip weights')}"
                            + (f"; zero-shot accuracy from prompts alone: {zero_shot}" if zero_shot else "") + "). "
                            "The U-Net was trained on CLIP *image* embeddings; the prompt gives a CLIP *text* embedding. "
                            "The **retrieval prior** bridges the two: it averages the image embeddings of the training "
                            "images closest to the prompt (DALL·E 2 learns this step). Untick it to condition on the "
                            "raw text embedding and see the difference.")
                prompt = gr.Textbox(label="prompt", value="a bold seven", max_lines=2)
                gr.Examples(["a bold seven", "a thin slanted two", "dark ankle boots", "a light t-shirt", "large handbag"],
                            inputs=prompt)
                sampler_t, steps_t, guidance_t, seed_t, n_t = _sampling_controls("dpm_solver_pp", 20, 100, 3.0)
                use_prior = gr.Checkbox(value=TEXT_STUDIO.bank is not None, interactive=TEXT_STUDIO.bank is not None,
                                        label="retrieval prior: text embedding → mean image embedding of the nearest "
                                              "training images" + ("" if TEXT_STUDIO.bank is not None else
                                                                   " (no prior_bank.safetensors for this model)"))
                with gr.Row():
                    go_t = gr.Button("Generate", variant="primary")
                    inspect_t = gr.Button("Inspect prompt")
                status_t = gr.Markdown()
                images_t = gr.Gallery(label="images", columns=8, height=260)
                warning_t = gr.Markdown()
                with gr.Row():
                    concepts_t = gr.Dataframe(label="closest concepts")
                    nearest_t = gr.Gallery(label="nearest test images", columns=4, height=260)
                go_t.click(text_to_image, [prompt, guidance_t, steps_t, sampler_t, seed_t, n_t, use_prior], [images_t, status_t])
                inspect_t.click(inspect_prompt, prompt, [concepts_t, nearest_t, warning_t])

        # wiring
        pick = dict(outputs=[x0_state, chosen])
        fwd_inputs = [x0_state, schedule, T, t, seed_state, markov]
        fwd_outputs = [xt_image, equation, histogram, strip]
        gallery.select(choose_from_gallery, None, **pick).then(update_forward, fwd_inputs, fwd_outputs)
        upload.change(choose_upload, upload, **pick).then(update_forward, fwd_inputs, fwd_outputs)
        use_drawing.click(choose_drawing, sketch, **pick).then(update_forward, fwd_inputs, fwd_outputs)
        t.change(update_forward, fwd_inputs, fwd_outputs, show_progress="hidden", trigger_mode="always_last")
        for comp in (schedule, markov):
            comp.change(update_forward, fwd_inputs, fwd_outputs)
        T.submit(set_t_range, [T, t], t).then(update_forward, fwd_inputs, fwd_outputs)
        noise_btn.click(new_noise, seed_state, seed_state).then(update_forward, fwd_inputs, fwd_outputs)
        sched_inputs = [names, T, t, x0_state, seed_state]
        sched_outputs = [beta_plot, abar_plot, snr_plot, table, by_schedule]
        names.change(update_schedules, sched_inputs, sched_outputs)
        schedules_tab.select(update_schedules, sched_inputs, sched_outputs)
        t.release(update_schedules, sched_inputs, sched_outputs)
        den_inputs = [model_d, x0_state, mode, t_d, percent, seed_state]
        go_d.click(update_denoise, den_inputs, [panels, metrics, psnr_plot])
        rows_btn.click(update_dli_rows, model_d, rows_img)
        err_btn.click(update_error_chart, model_d, err_plot)
        model_d.change(update_model_panel, model_d, [about, summary])
        model_s.change(_class_choices, model_s, label)
        go_s.click(run_sampler, [model_s, sampler, steps, eta, seed, batch, label, guidance],
                   [frame, status, frames_state, scrubber])
        scrubber.change(scrub, [frames_state, scrubber], frame, show_progress="hidden")
        export_btn.click(export, frames_state, files)
        compare_btn.click(all_samplers, [model_s, steps, seed, batch, label, guidance], compared)
        demo.load(update_forward, fwd_inputs, fwd_outputs).then(update_schedules, sched_inputs, sched_outputs) \
            .then(update_model_panel, model_d, [about, summary])
    demo.queue(default_concurrency_limit=2, max_size=32)  # 2 vCPUs: two jobs at a time, the rest wait in line
    return demo


demo = build_demo()

if __name__ == "__main__":
    demo.launch(max_file_size="20mb", show_error=False)
