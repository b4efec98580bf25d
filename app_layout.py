"""The layout of Diffusion Lab's five tabs and the wiring of widgets to handlers (app.py holds the handlers).

    demo = build_demo(app)      # app: the module with the handlers, ZOO, GALLERY and TEXT_STUDIO
"""
from __future__ import annotations

import gradio as gr
import torch
from PIL import Image

from diffusion_core import SAMPLERS, SCHEDULE_NAMES
from diffusion_core.images import pil_to_tensor
from diffusion_core.images import picture
from diffusion_core.samplers import PAPER_GUIDANCE_INTERVAL
from lab.lessons.sampling import SAMPLER_LABELS

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


def build_demo(app) -> gr.Blocks:
    """The Blocks layout and its wiring; `app` is the module holding the handlers and the shared models."""
    diffusion_models = app.ZOO.names(with_time=True)
    all_models = app.ZOO.names()
    default_x0 = pil_to_tensor(Image.fromarray(app.GALLERY[0][0]), app.IMAGE_SIZE).numpy() if app.GALLERY else None
    with gr.Blocks(title="Diffusion Lab") as demo:
        x0_state = gr.State(default_x0)  # per user: the chosen image, (1, 28, 28) in [-1, 1]
        seed_state = gr.State(0)  # per user: which ε the slider keeps
        gr.Markdown(INTRO)
        if app.ZOO.problems or not diffusion_models:
            gr.Markdown("⚠️ **Some models could not be loaded**: " + "; ".join(f"{k}: {v}" for k, v in app.ZOO.problems.items())
                        + ("" if diffusion_models else " No trained model is here: tabs 1–2 work; " + app.ZOO.how_to_get_models()))
        with gr.Tab("1 · Forward noise"):
            gr.Markdown("The **forward process** mixes the image with Gaussian noise ε. At step t the mix is "
                        "√ᾱ_t parts image and √(1−ᾱ_t) parts noise. Move **t**: the picture fades and its pixels turn "
                        "into the bell curve N(0, 1).")
            with gr.Row():
                with gr.Column(scale=2):
                    gallery = gr.Gallery(app.GALLERY, label="Pick an image", columns=8, height=260, allow_preview=False)
                    with gr.Row():
                        upload = gr.Image(type="pil", label="…or upload any image", sources=["upload", "clipboard"], height=200)
                        sketch = gr.Sketchpad(type="pil", image_mode="RGBA", label="…or draw", canvas_size=(280, 280), height=280)
                    use_drawing = gr.Button("Use my drawing")
                with gr.Column(scale=1):
                    chosen = gr.Image(picture(torch.as_tensor(default_x0), 8) if default_x0 is not None else None,
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
                label = app.class_choices(first or "")
            sampler, steps, guidance, seed, batch = _sampling_controls("ddim", 50, 1000, 2.0)
            with gr.Row():
                eta = gr.Slider(0, 1, value=0, step=0.1, label="η (DDIM only: 0 deterministic, 1 like DDPM)")
                limit_guidance = gr.Checkbox(True, label="guide only at middle noise levels ({} < σ_t ≤ {})".format(
                                                 *PAPER_GUIDANCE_INTERVAL),
                                             info="At nearly pure noise guidance mostly narrows variety; near the end the "
                                                  "image is already decided (Kynkäänniemi et al. 2024). Measured here: "
                                                  "samples closer to the data, fewer network evaluations.")
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
            if app.TEXT_STUDIO is None:
                gr.Markdown(TEXT_TAB)
            else:
                clip_info = app.TEXT_STUDIO.clip.info
                zero_shot = " · ".join(f"{ds} {acc * 100:.0f} %" for ds, acc in clip_info.get("zero_shot_accuracy", {}).items())
                gr.Markdown(f"Model **{app.TEXT_MODEL}**, conditioned on CLIP **{app.TEXT_STUDIO.clip.name}** "
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
                use_prior = gr.Checkbox(value=app.TEXT_STUDIO.bank is not None, interactive=app.TEXT_STUDIO.bank is not None,
                                        label="retrieval prior: text embedding → mean image embedding of the nearest "
                                              "training images" + ("" if app.TEXT_STUDIO.bank is not None else
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
                go_t.click(app.text_to_image, [prompt, guidance_t, steps_t, sampler_t, seed_t, n_t, use_prior], [images_t, status_t])
                inspect_t.click(app.inspect_prompt, prompt, [concepts_t, nearest_t, warning_t])

        # wiring
        pick = dict(outputs=[x0_state, chosen])
        fwd_inputs = [x0_state, schedule, T, t, seed_state, markov]
        fwd_outputs = [xt_image, equation, histogram, strip]
        gallery.select(app.choose_from_gallery, None, **pick).then(app.update_forward, fwd_inputs, fwd_outputs)
        upload.change(app.choose_upload, upload, **pick).then(app.update_forward, fwd_inputs, fwd_outputs)
        use_drawing.click(app.choose_drawing, sketch, **pick).then(app.update_forward, fwd_inputs, fwd_outputs)
        t.change(app.update_forward, fwd_inputs, fwd_outputs, show_progress="hidden", trigger_mode="always_last")
        for comp in (schedule, markov):
            comp.change(app.update_forward, fwd_inputs, fwd_outputs)
        T.submit(app.set_t_range, [T, t], t).then(app.update_forward, fwd_inputs, fwd_outputs)
        noise_btn.click(app.new_noise, seed_state, seed_state).then(app.update_forward, fwd_inputs, fwd_outputs)
        sched_inputs = [names, T, t, x0_state, seed_state]
        sched_outputs = [beta_plot, abar_plot, snr_plot, table, by_schedule]
        names.change(app.update_schedules, sched_inputs, sched_outputs)
        schedules_tab.select(app.update_schedules, sched_inputs, sched_outputs)
        t.release(app.update_schedules, sched_inputs, sched_outputs)
        den_inputs = [model_d, x0_state, mode, t_d, percent, seed_state]
        go_d.click(app.update_denoise, den_inputs, [panels, metrics, psnr_plot])
        rows_btn.click(app.update_dli_rows, model_d, rows_img)
        err_btn.click(app.update_error_chart, model_d, err_plot)
        model_d.change(app.update_model_panel, model_d, [about, summary])
        model_s.change(app.class_choices, model_s, label)
        go_s.click(app.run_sampler, [model_s, sampler, steps, eta, seed, batch, label, guidance, limit_guidance],
                   [frame, status, frames_state, scrubber])
        scrubber.change(app.scrub, [frames_state, scrubber], frame, show_progress="hidden")
        export_btn.click(app.export, frames_state, files)
        compare_btn.click(app.all_samplers, [model_s, steps, seed, batch, label, guidance, limit_guidance], compared)
        demo.load(app.update_forward, fwd_inputs, fwd_outputs).then(app.update_schedules, sched_inputs, sched_outputs) \
            .then(app.update_model_panel, model_d, [about, summary])
    demo.queue(default_concurrency_limit=2, max_size=32)  # 2 vCPUs: two jobs at a time, the rest wait in line
    return demo
