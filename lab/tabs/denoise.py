"""Tab 3, Denoise: what a trained network predicts from a noisy version of tab 1's image: the noise ε̂, x̂0 in
one step, the reverse process from t, their errors, the DLI row view, the error by timestep, and the model inside."""
from __future__ import annotations

from types import SimpleNamespace

import gradio as gr
import torch

from diffusion_core.serving import backend_name
from lab.classroom import Classroom, emoji_references
from lab.handout.tabs import denoise_pages
from lab.i18n import sentences, text
from lab.i18n.page import L, each_language
from lab.lessons.denoise import (
    PREDICTORS,
    PSNR_SERIES,
    denoise_view,
    dli_rows,
    error_by_timestep,
    held_out_images,
    model_input,
    model_summary,
    percent_to_t,
)
from lab.lessons.forward import fixed_noise
from lab.lessons.noise_level import num_levels
from lab.lessons.sampling import picture_sizes
from lab.tabs.common import (
    HEAVY,
    INTERACTIVE,
    MAX_SEED,
    MAX_T,
    check_range,
    for_scripts,
    friendly,
    inputs,
    one_of,
    require_image,
    script_endpoint,
    whole_number,
)
from lab.tabs.handout import handout_row, wire_handout
from lab.tabs.plots import line_plot
from lab.tabs.widgets import Dropdown, PictureUpload, Radio

INTRO = "denoise.intro"

DENOISE_T_ID = "denoise-t"  # a live class's question reads the answer from it (lab/live_ui.WIDGETS)
NOISE_BY = [("t", "t"), (str(L("denoise.by_percent")), "noise %")]  # how the noise level is chosen
TRAINED_WITH = {"ddpm": "denoise.trained_ddpm", "flow_matching": "denoise.trained_flow"}


class DenoiseTab:
    def __init__(self, classroom: Classroom):
        self.classroom, self.zoo = classroom, classroom.zoo

    @friendly
    def update_denoise(self, model: str, photo, x0, mode: str, t: int, percent: float, seed: int):
        pipe = self.zoo.get(model)
        levels = num_levels(pipe)
        if one_of("choose noise by", mode, NOISE_BY) == "noise %":
            t = percent_to_t(check_range("noise %", percent, 0, 100), levels)
        else:
            t = int(check_range("t", t, 0, levels - 1))
        x0 = model_input(require_image(photo), require_image(x0), pipe.config.in_channels, pipe.config.image_size)
        view = denoise_view(pipe, x0, t, fixed_noise(x0.shape, int(seed)))
        return view.panels, view.metrics, view.psnr_curve

    @friendly
    @for_scripts
    def denoise(self, image: str | None = None, model: str | None = None, t: int = 500, seed: int = 0):
        """What a trained network makes of a noisy picture at step t: its guess of the noise ε̂, of the clean picture
        in one step, and the reverse process from t to 0, with their errors.

        Args:
            image: a picture file (gradio_client.handle_file), shown to the model as it sees pictures (28×28 grey
                for the digit and clothes models, 32×32 colour for the emoji model); none: the gallery's first
            model: the model's name (the menu of tab 3 lists them)
            t: the noise level, 0 to 999 (the model's number of steps − 1)
            seed: the seed of the noise ε
        Returns:
            the pictures (ground truth, noisy x_t, predicted noise, predicted x0, reverse process), each a PNG with
            its caption; and a table of each estimate's MSE and PSNR (dB) against the ground truth
        """
        pipe = self.zoo.get(one_of("model", model, self.zoo.names()))
        t, seed = int(check_range("t", t, 0, num_levels(pipe) - 1)), whole_number("seed", seed, 0, MAX_SEED)
        photo, x0 = self.classroom.chosen_picture(image)
        x0 = model_input(photo, x0, pipe.config.in_channels, pipe.config.image_size)
        view = denoise_view(pipe, x0, t, fixed_noise(x0.shape, seed))
        return view.panels, view.metrics

    def script_api(self, w: SimpleNamespace):
        """/denoise for a script: a picture file rather than tab 1's chosen picture (a per-user State)."""
        with gr.Column(visible=False):
            a = SimpleNamespace(image=PictureUpload(label="picture"),
                                model=Dropdown(self.zoo.names(), value=w.model.value, label="model"),
                                t=gr.Number(500, label="t", step=1, minimum=0, maximum=MAX_T - 1),
                                seed=gr.Number(0, label="seed", step=1, minimum=0, maximum=MAX_SEED))
            outputs = [gr.Gallery(label="ground truth, noisy, predicted noise, predicted x0, reverse process",
                                  format="png"), gr.Dataframe(label="error against the ground truth")]
        script_endpoint(self.denoise, inputs(self.denoise, a), outputs, "denoise", **INTERACTIVE)

    @staticmethod
    def lesson_images(pipe, limit: int) -> torch.Tensor | None:
        """The digits' and clothes' test images for their models; for a colour model, emoji of the google style at
        its size (it learnt from every emoji: none is held out); None when neither is on this machine."""
        images = held_out_images(pipe.info.get("dataset", "fashion_mnist"), limit)
        if images is None and pipe.config.in_channels == 3:
            images = emoji_references(pipe.config.image_size, every=60)[:limit]
        return images if images is not None and len(images) else None

    @friendly
    def update_dli_rows(self, model: str):
        pipe = self.zoo.get(model)
        images = self.lesson_images(pipe, 10)
        if images is None:
            raise gr.Error(text("denoise.no_pictures"))
        return dli_rows(pipe, images)

    @friendly
    def update_error_chart(self, model: str):
        pipe = self.zoo.get(model)
        images = self.lesson_images(pipe, 32)
        if images is None:  # random pictures of the model's own shape (a colour model: 3×32×32)
            cfg = pipe.config
            images = torch.rand(32, cfg.in_channels, cfg.image_size, cfg.image_size) * 2 - 1
        return error_by_timestep(pipe, images)

    @friendly
    def update_model_panel(self, model: str | None):
        if not model:
            return sentences(text("denoise.no_model"), self.zoo.how_to_get_models()), None
        pipe = self.zoo.get(model)
        cfg = pipe.config
        about = text("denoise.about", model=model, architecture=cfg.architecture, prediction=cfg.prediction_type,
                     trained=text(TRAINED_WITH[pipe.objective]),
                     sees=text("denoise.sees_t" if cfg.architecture == "unet" else "denoise.never_sees_t"),
                     dataset=pipe.info.get("dataset"), device=pipe.device.type.upper(),
                     backend=backend_name(pipe.model))
        return about, model_summary(pipe.model, cfg.image_size, cfg.in_channels)

    def layout(self, shared: SimpleNamespace) -> SimpleNamespace:
        # tab 1's picture as it is and as the grey 28×28 models see it; a colour model sees the first (model_input)
        w = SimpleNamespace(photo=shared.x0, x0=shared.model_x0, seed=shared.seed)
        models = self.zoo.names()
        grey = [m for m in models if self.zoo.pipelines[m].config.in_channels == 1]  # the lesson opens on a grey one
        pipelines = {m: self.zoo.pipelines[m] for m in models}
        gr.Markdown(each_language(lambda: text(INTRO, sizes=picture_sizes(pipelines))))
        with gr.Row():
            w.model = Dropdown(models, value=(grey or models or [None])[0], label=L("common.model"))
            w.mode = Radio(NOISE_BY, value="t", label=L("denoise.mode"))
            w.t = gr.Slider(0, 999, value=500, step=1, label="t", elem_id=DENOISE_T_ID)
            w.percent = gr.Slider(0, 100, value=50, step=1, label=L("denoise.percent"))
            w.go = gr.Button(L("denoise.go"), variant="primary")
        # six columns: a colour model adds ε̂ channel by channel, and its six panels stay in one row
        w.panels = gr.Gallery(label=L("denoise.panels"), columns=6, object_fit="contain",
                              elem_classes=["dl-main", "dl-result"])
        with gr.Row():
            w.metrics = gr.Dataframe(label=L("denoise.metrics"))
            w.psnr_plot = line_plot(x="t", y="PSNR (dB)", color="estimate", title=L("denoise.psnr"),
                                    height=240, names=PSNR_SERIES)
        handout_row(w)
        with gr.Accordion(L("denoise.rows_box"), open=False):
            w.rows_button = gr.Button(L("denoise.rows_button"))
            w.rows = gr.Image(label=L("denoise.rows"), interactive=False)
        with gr.Accordion(L("denoise.error_box"), open=False):
            w.error_button = gr.Button(L("denoise.error_button"))
            w.error_plot = line_plot(x="bin", y="MSE of ε̂", color="predictor", height=260, names=PREDICTORS,
                                     x_title=L("denoise.bin"), y_title=L("denoise.mse_axis"),
                                     title=L("denoise.error_plot"))
        about, summary = self.update_model_panel(w.model.value)  # once here, not for every student on page load
        with gr.Accordion(L("denoise.inside"), open=False):
            w.about = gr.Markdown(each_language(lambda: self.update_model_panel(w.model.value)[0]))
            w.summary = gr.Dataframe(summary, label=L("denoise.summary"))
        return w

    def wire(self, w: SimpleNamespace, demo: gr.Blocks):
        w.go.click(self.update_denoise, inputs(self.update_denoise, w), [w.panels, w.metrics, w.psnr_plot],
                   **INTERACTIVE)
        w.rows_button.click(self.update_dli_rows, inputs(self.update_dli_rows, w), w.rows, **HEAVY)
        w.error_button.click(self.update_error_chart, inputs(self.update_error_chart, w), w.error_plot, **HEAVY)
        panel = dict(fn=self.update_model_panel, inputs=inputs(self.update_model_panel, w),
                     outputs=[w.about, w.summary], **INTERACTIVE)
        w.model.change(**panel)
        wire_handout(w, denoise_pages, self.zoo)


def render(classroom: Classroom, shared: SimpleNamespace, demo: gr.Blocks) -> SimpleNamespace:
    tab = DenoiseTab(classroom)
    widgets = tab.layout(shared)
    tab.wire(widgets, demo)
    tab.script_api(widgets)
    widgets.handlers = tab
    return widgets
