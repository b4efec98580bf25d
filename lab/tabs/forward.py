"""Tab 1, Forward noise: pick an image, move t, watch x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε with its numbers, histogram and
strip. The chosen image, the noise seed and t are shared with tabs 2 and 3 (see `shared`)."""
from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from diffusion_core import SCHEDULE_NAMES
from diffusion_core.images import drawing_to_tensor, photo_tensor, picture, pil_to_tensor
from diffusion_core.uploads import open_image
from lab.checks import flag
from lab.classroom import IMAGE_SIZE, PHOTO_SIZE, Classroom
from lab.forward_live import (
    ASK_SERVER_AT_T,
    LIVE_COLUMN,
    SERVER_VIEW,
    SLIDER_ID,
    forward_live,
    live_payload,
    png_data_url,
    server_xt,
)
from lab.handout.tabs import forward_pages
from lab.i18n import text
from lab.i18n.page import L, each_language
from lab.lessons.forward import HISTOGRAM_SERIES, display_scale, fixed_noise, forward_view, schedule_of, strip_alt
from lab.tabs.common import (
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
    selected_index,
    whole_number,
)
from lab.tabs.handout import handout_row, wire_handout
from lab.tabs.plots import line_plot
from lab.tabs.widgets import UPLOAD_WORDS, Dropdown, PictureUpload

INTRO = L("forward.intro")
FIRST = {"schedule": "linear", "T": 1000, "t": 250, "seed": 0}  # the widgets' values when the page opens


def forward_values(x0, schedule: str, T: int, t: int, seed: int, markov: bool) -> tuple:
    """(x_t, equation, histogram, the strip with its caption and alt text, the browser's payload) for a checked x0
    (C, H, W)."""
    eps = fixed_noise(x0.shape, seed)
    view = forward_view(x0, schedule, T, t, eps, markov=markov, seed=seed)
    caption = text("forward.strip_caption") + " " + ", ".join(map(str, view.strip_timesteps))
    strip = gr.update(value=view.strip, label=caption,  # a new gr.Image(strip) would encode the picture twice
                      alt_text=strip_alt(view.strip_timesteps, schedule_of(schedule, T).snr_db))
    return view.xt, view.equation, view.histogram, strip, live_payload(x0, eps, schedule, T, markov)


X0_ALT = L("forward.x0_alt")


class ForwardTab:
    def __init__(self, classroom: Classroom):
        self.classroom = classroom

    @staticmethod
    def chosen(photo, model_x0) -> tuple:
        """(x0 of tabs 1-2: the picture as it is, x0 of the models: 28×28 grey, the picture shown as x0)."""
        return photo.numpy(), model_x0.numpy(), picture(photo, display_scale(photo))

    def picked(self, index: int) -> tuple:
        """`chosen` for the gallery's picture at a checked index."""
        item = self.classroom.gallery[index]
        return self.chosen(item.photo, item.x0)

    @friendly
    def choose_from_gallery(self, evt: gr.EventData):
        return self.picked(selected_index(evt, len(self.classroom.gallery)))

    @friendly
    def choose_upload(self, upload: str | bytes | None):
        """upload: the file as it came (lab/tabs/widgets.PictureUpload); open_image refuses what is not a picture."""
        if upload is None:
            return gr.skip(), gr.skip(), gr.skip()
        upload = open_image(upload)
        return self.chosen(photo_tensor(upload, PHOTO_SIZE), pil_to_tensor(upload, IMAGE_SIZE))

    @friendly
    def choose_drawing(self, sketch: dict | None):
        if not sketch or sketch.get("composite") is None:
            raise gr.Error(text("forward.empty_drawing"))
        x0 = drawing_to_tensor(sketch["composite"], IMAGE_SIZE)
        return self.chosen(x0, x0)

    @friendly
    def update_forward(self, x0, schedule: str, T: int, t: int, seed: int, markov: bool):
        """Everything tab 1 shows: x_t, the equation, the histogram, the strip, and what the browser needs to
        redraw the first three as t moves (lab/forward_live.py)."""
        T = whole_number("T", T, 2, MAX_T)
        t = check_range("t", t, 0, MAX_T - 1)  # forward_view clamps it to T − 1
        xt, equation, histogram, strip, payload = forward_values(require_image(x0), schedule, int(T), int(t),
                                                                 int(seed), markov)
        return png_data_url(xt), equation, histogram, strip, payload

    @friendly
    def update_at_t(self, x0, schedule: str, T: int, t: int, seed: int, markov: bool):
        """The server's x_t, equation and histogram when the slider is let go (the Markov chain; a page whose
        module could not load); while it moves, the browser draws them."""
        T = whole_number("T", T, 2, MAX_T)
        t = check_range("t", t, 0, MAX_T - 1)  # forward_view clamps it to T − 1
        x0 = require_image(x0)
        view = forward_view(x0, schedule, int(T), int(t), fixed_noise(x0.shape, int(seed)), markov=markov,
                            seed=int(seed), strip_len=0)
        return png_data_url(view.xt), view.equation, view.histogram

    @friendly
    @for_scripts
    def forward(self, image: str | None = None, schedule: str = "linear", T: int = 1000, t: int = 250, seed: int = 0,
                markov: bool = False):
        """The forward process at step t: the picture mixed with Gaussian noise ε, x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε.

        Args:
            image: a picture file (gradio_client.handle_file); none: the gallery's first picture
            schedule: the noise schedule: linear, cosine, sigmoid or quadratic
            T: the number of noise steps, 2 to 5000
            t: the step, 0 to T − 1 (0: the picture as it is; T − 1: nearly pure noise)
            seed: the seed of ε (the same seed, the same noise)
            markov: run the Markov chain of t + 1 small steps instead of the closed form
        Returns:
            x_t as a PNG (a small picture enlarged to about 224 px, a photo at its size) and the equation with its
            numbers at t (ᾱ_t, SNR in dB), as Markdown
        """
        T = whole_number("T", T, 2, MAX_T)
        t, seed = int(check_range("t", t, 0, T - 1)), whole_number("seed", seed, 0, MAX_SEED)
        photo, _ = self.classroom.chosen_picture(image)
        view = forward_view(photo, one_of("noise schedule", schedule, SCHEDULE_NAMES), T, t,
                            fixed_noise(photo.shape, seed), markov=flag("markov", markov), seed=seed, strip_len=0)
        return view.xt, view.equation

    def script_api(self):
        """/forward for a script: a picture file rather than the page's chosen picture (a per-user State)."""
        with gr.Column(visible=False):
            a = SimpleNamespace(image=PictureUpload(label="picture"), markov=gr.Checkbox(False, label="Markov chain"),
                                schedule=Dropdown(list(SCHEDULE_NAMES), value=FIRST["schedule"],
                                                  label="noise schedule"),
                                T=gr.Number(FIRST["T"], label="T (number of steps)", step=1, minimum=2, maximum=MAX_T),
                                t=gr.Number(FIRST["t"], label="t (the step)", step=1, minimum=0, maximum=MAX_T - 1),
                                seed=gr.Number(FIRST["seed"], label="seed", step=1, minimum=0, maximum=MAX_SEED))
            outputs = [gr.Image(label="x_t", format="png"), gr.Markdown(label="equation")]
        script_endpoint(self.forward, inputs(self.forward, a), outputs, "forward", **INTERACTIVE)

    def new_noise(self, seed: int) -> int:
        return int(seed) + 1

    def set_t_range(self, T: int, t: int):
        """The t slider's range follows T; a T that update_forward will refuse leaves the slider as it is."""
        try:
            T = whole_number("T", T, 2, MAX_T)
        except ValueError:
            return gr.skip()
        return gr.Slider(maximum=T - 1, value=min(int(t), T - 1))

    def first_view(self) -> tuple:
        """What the page opens with (the first gallery picture at the widgets' defaults), computed once here rather
        than for every student on page load: x_t, equation, histogram, strip, the browser's payload."""
        if not self.classroom.gallery:
            return None, None, None, gr.update(value=None, label=L("forward.strip_empty")), None
        return forward_values(self.classroom.gallery[0].photo, FIRST["schedule"], FIRST["T"], FIRST["t"],
                              FIRST["seed"], False)

    def layout(self) -> SimpleNamespace:
        w = SimpleNamespace()
        gallery = self.classroom.gallery
        xt, equation, histogram, strip, payload = self.first_view()
        w.x0 = gr.State(gallery[0].photo.numpy() if gallery else None)  # per user: the picture, (C, H, W) in [-1, 1]
        w.model_x0 = gr.State(gallery[0].x0.numpy() if gallery else None)  # the same as the models see it: (1, 28, 28)
        w.seed = gr.State(FIRST["seed"])  # per user: which ε the slider keeps
        # pictures go as PNG: exact pixels, and 2-4× less server CPU to encode than Gradio's default (lossy WebP)
        gr.Markdown(INTRO)
        w.t = gr.Slider(0, 999, value=FIRST["t"], step=1, label=L("forward.t"), elem_id=SLIDER_ID)
        w.server_t = gr.Textbox(visible="hidden")  # changed in the browser when the server must redraw at t
        with gr.Row(equal_height=False):  # x0 | x_t | its numbers; on a phone x_t comes first (lab/static/css)
            w.chosen = gr.Image(self.chosen(gallery[0].photo, gallery[0].x0)[2] if gallery else None,
                                label=L("forward.x0"), alt_text=X0_ALT, interactive=False,
                                elem_classes="dl-main", min_width=140, format="png")
            with gr.Column(scale=3, min_width=300, elem_classes=[LIVE_COLUMN, "dl-first"]):  # x_t first on a phone
                w.live = forward_live(payload)  # x_t, equation and histogram drawn in the browser as t moves
            w.xt = server_xt(xt, elem_classes=["dl-main", "dl-first", SERVER_VIEW], min_width=140)
            with gr.Column(scale=2, min_width=300, elem_classes=SERVER_VIEW):
                w.equation = gr.Markdown(each_language(lambda: self.first_view()[1]))
                w.histogram = line_plot(histogram, x="value", y="density", color="series", names=HISTOGRAM_SERIES,
                                        x_title=L("handout.pixel_value"), y_title=L("handout.density"),
                                        title=L("forward.histogram"), height=220)
        w.strip = gr.Image(strip["value"], label=each_language(lambda: self.first_view()[3]["label"]),
                           alt_text=each_language(lambda: self.first_view()[3].get("alt_text")), interactive=False,
                           elem_classes=["dl-strip", "dl-wide"], format="png")
        handout_row(w)
        with gr.Row():
            w.schedule = Dropdown(list(SCHEDULE_NAMES), value=FIRST["schedule"], label=L("forward.schedule"))
            w.T = gr.Number(FIRST["T"], label=L("forward.T"), step=1, minimum=2, maximum=MAX_T)
            w.markov = gr.Checkbox(False, label=L("forward.markov"))
            w.noise_button = gr.Button(L("forward.new_noise"))
        with gr.Row():
            w.gallery = gr.Gallery([(item.picture, item.caption) for item in gallery], label=L("forward.pick"),
                                   columns=6, height=260, allow_preview=False, scale=2)  # 8 overflow a laptop
            with gr.Column(scale=1, min_width=280):
                w.upload = PictureUpload(label=L("forward.upload"), sources=["upload", "clipboard"], height=200,
                                         placeholder=UPLOAD_WORDS)
                w.sketch = gr.Sketchpad(type="pil", image_mode="RGBA", label=L("forward.draw"), canvas_size=(280, 280),
                                        height=280, layers=False)  # one layer: no layer menu to explain
                w.use_drawing = gr.Button(L("forward.use_drawing"))
        return w

    def wire(self, w: SimpleNamespace, demo: gr.Blocks):
        update = dict(fn=self.update_forward, inputs=inputs(self.update_forward, w),
                      outputs=[w.xt, w.equation, w.histogram, w.strip, w.live], **INTERACTIVE)
        w.chosen_outputs = chosen = [w.x0, w.model_x0, w.chosen]
        w.gallery.select(self.choose_from_gallery, None, chosen, **INTERACTIVE).then(**update)
        w.upload.change(self.choose_upload, inputs(self.choose_upload, w), chosen, **INTERACTIVE).then(**update)
        w.use_drawing.click(self.choose_drawing, inputs(self.choose_drawing, w), chosen, **INTERACTIVE).then(**update)
        w.t.release(None, w.server_t, w.server_t, js=ASK_SERVER_AT_T, show_progress="hidden")
        w.server_t.change(self.update_at_t, inputs(self.update_at_t, w), [w.xt, w.equation, w.histogram],
                          show_progress="hidden", trigger_mode="always_last", **INTERACTIVE)
        w.schedule.change(**update)
        w.markov.change(**update)
        w.T.submit(self.set_t_range, inputs(self.set_t_range, w), w.t, **INTERACTIVE).then(**update)
        w.noise_button.click(self.new_noise, inputs(self.new_noise, w), w.seed, **INTERACTIVE).then(**update)
        w.redraw = update  # run on page load after a link's values are set (lab/view_link_ui.py)
        wire_handout(w, forward_pages)


def render(classroom: Classroom, demo: gr.Blocks) -> SimpleNamespace:
    """Lay out and wire tab 1 inside the current gr.Tab; returns its widgets (x0, seed, T, t are shared)."""
    tab = ForwardTab(classroom)
    widgets = tab.layout()
    tab.wire(widgets, demo)
    tab.script_api()
    widgets.handlers = tab
    return widgets
