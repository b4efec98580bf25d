"""Tab 1, Forward noise: pick an image, move t, watch x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε with its numbers, histogram and
strip. The chosen image, the noise seed and t are shared with tabs 2 and 3 (see `shared`)."""
from __future__ import annotations

from types import SimpleNamespace

import gradio as gr
from PIL import Image

from diffusion_core import SCHEDULE_NAMES
from diffusion_core.images import drawing_to_tensor, picture, pil_to_tensor
from lab.classroom import IMAGE_SIZE, Classroom
from lab.lessons import DISPLAY_SCALE
from lab.lessons.forward import fixed_noise, forward_view
from lab.tabs.common import INTERACTIVE, check_range, friendly, inputs, require_image

INTRO = ("The **forward process** mixes the image with Gaussian noise ε. At step t the mix is √ᾱ_t parts image and "
         "√(1−ᾱ_t) parts noise. Move **t**: the picture fades and its pixels turn into the bell curve N(0, 1).")
MAX_PIXELS = 40_000_000  # uploads larger than this are refused with a message


class ForwardTab:
    def __init__(self, classroom: Classroom):
        self.classroom = classroom

    @friendly
    def choose_from_gallery(self, evt: gr.SelectData):
        x0 = self.classroom.gallery[evt.index].x0
        return x0.numpy(), picture(x0, DISPLAY_SCALE)

    @friendly
    def choose_upload(self, upload: Image.Image | None):
        if upload is None:
            return gr.skip(), gr.skip()
        if upload.width * upload.height > MAX_PIXELS:
            raise gr.Error(f"That image is {upload.width}×{upload.height} pixels; please use one under 40 megapixels.")
        x0 = pil_to_tensor(upload, IMAGE_SIZE)
        return x0.numpy(), picture(x0, DISPLAY_SCALE)

    @friendly
    def choose_drawing(self, sketch: dict | None):
        if not sketch or sketch.get("composite") is None:
            raise gr.Error("The drawing is empty: draw something on the canvas first.")
        x0 = drawing_to_tensor(sketch["composite"], IMAGE_SIZE)
        return x0.numpy(), picture(x0, DISPLAY_SCALE)

    @friendly
    def update_forward(self, x0, schedule: str, T: int, t: int, seed: int, markov: bool):
        check_range("T", T, 2, 5000)
        view = forward_view(require_image(x0), schedule, int(T), int(t),
                            fixed_noise((1, IMAGE_SIZE, IMAGE_SIZE), int(seed)), markov=markov, seed=int(seed))
        strip_caption = "x_t at t = " + ", ".join(map(str, view.strip_timesteps))
        return view.xt, view.equation, view.histogram, gr.Image(view.strip, label=strip_caption)

    def new_noise(self, seed: int) -> int:
        return int(seed) + 1

    def set_t_range(self, T: int, t: int):
        T = int(T) if T and 2 <= T <= 5000 else 1000
        return gr.Slider(maximum=T - 1, value=min(int(t), T - 1))

    def layout(self) -> SimpleNamespace:
        w = SimpleNamespace()
        gallery = self.classroom.gallery
        default_x0 = gallery[0].x0.numpy() if gallery else None
        w.x0 = gr.State(default_x0)  # per user: the chosen image, (1, 28, 28) in [-1, 1]
        w.seed = gr.State(0)  # per user: which ε the slider keeps
        gr.Markdown(INTRO)
        with gr.Row():
            with gr.Column(scale=2):
                w.gallery = gr.Gallery([(item.picture, item.caption) for item in gallery], label="Pick an image",
                                       columns=8, height=260, allow_preview=False)
                with gr.Row():
                    w.upload = gr.Image(type="pil", label="…or upload any image", sources=["upload", "clipboard"], height=200)
                    w.sketch = gr.Sketchpad(type="pil", image_mode="RGBA", label="…or draw", canvas_size=(280, 280), height=280)
                w.use_drawing = gr.Button("Use my drawing")
            with gr.Column(scale=1):
                w.chosen = gr.Image(picture(gallery[0].x0, DISPLAY_SCALE) if gallery else None,
                                    label="x0 (the clean image)", interactive=False, height=240)
        with gr.Row():
            w.schedule = gr.Dropdown(list(SCHEDULE_NAMES), value="linear", label="noise schedule")
            w.T = gr.Number(1000, label="T (number of steps)", precision=0, minimum=2, maximum=5000)
            w.markov = gr.Checkbox(False, label="run the Markov chain step by step instead of the closed form")
            w.noise_button = gr.Button("New noise ε")
        w.t = gr.Slider(0, 999, value=250, step=1, label="t (how much noise)")
        with gr.Row():
            w.xt = gr.Image(label="x_t", interactive=False, height=260)
            with gr.Column():
                w.equation = gr.Markdown()
                w.histogram = gr.LinePlot(x="value", y="density", color="series", title="pixels of x_t vs N(0, 1)", height=220)
        w.strip = gr.Image(label="x_t at evenly spaced t", interactive=False)
        return w

    def wire(self, w: SimpleNamespace, demo: gr.Blocks):
        update = dict(fn=self.update_forward, inputs=inputs(self.update_forward, w),
                      outputs=[w.xt, w.equation, w.histogram, w.strip], **INTERACTIVE)
        chosen = [w.x0, w.chosen]
        w.gallery.select(self.choose_from_gallery, None, chosen, **INTERACTIVE).then(**update)
        w.upload.change(self.choose_upload, inputs(self.choose_upload, w), chosen, **INTERACTIVE).then(**update)
        w.use_drawing.click(self.choose_drawing, inputs(self.choose_drawing, w), chosen, **INTERACTIVE).then(**update)
        w.t.change(**update, show_progress="hidden", trigger_mode="always_last")
        w.schedule.change(**update)
        w.markov.change(**update)
        w.T.submit(self.set_t_range, inputs(self.set_t_range, w), w.t, **INTERACTIVE).then(**update)
        w.noise_button.click(self.new_noise, inputs(self.new_noise, w), w.seed, **INTERACTIVE).then(**update)
        demo.load(**update)


def render(classroom: Classroom, demo: gr.Blocks) -> SimpleNamespace:
    """Lay out and wire tab 1 inside the current gr.Tab; returns its widgets (x0, seed, T, t are shared)."""
    tab = ForwardTab(classroom)
    widgets = tab.layout()
    tab.wire(widgets, demo)
    widgets.handlers = tab
    return widgets
