"""Tab 6, Playground (2D): pick a 2-D dataset or draw one, train a small network live (DDPM or flow matching), then
watch particles flow from noise to data with the learned field's arrows, scrub t, compare samplers from the same
starting points, export a GIF. The presets ship trained and are shared. Training, flows and pictures run in the
student's browser (lab/playground_browser.py, its own set of buttons); the server's handlers here stay for a page
that cannot, and for scripts."""
from __future__ import annotations

import time
from types import SimpleNamespace

import gradio as gr

from diffusion_core.toy2d import SAMPLERS, ToyModel, Training, train_config
from lab.checks import flag
from lab.classroom import Classroom
from lab.i18n import sentences, text
from lab.i18n.page import L, each_language, hears_language
from lab.lessons.playground import (
    COMPARED,
    DRAWING,
    LOSS_SERIES,
    OBJECTIVES,
    SAMPLER_TITLES,
    SOURCES,
    Presets,
    Workbench,
    animation_times,
    draw_data,
    draw_scene,
    flow_scene,
    loss_table,
    sampler_choices,
    scene_gif,
    source_title,
    training_points,
)
from lab.playground_browser import BROWSER, FIELDS, SERVER, playground_browser, request_js
from lab.tabs.common import (
    EXPORTS,
    INTERACTIVE,
    MAX_SEED,
    SAMPLING,
    for_scripts,
    friendly,
    inputs,
    one_of,
    script_endpoint,
    whole_number,
)
from lab.tabs.plots import line_plot
from lab.tabs.widgets import Radio

PARTICLES_ALT = L("playground.particles_alt")
TRAIN_SECONDS = 30  # a training run stops after this long, whatever the number of steps
TRAINING = dict(concurrency_id="playground_training", concurrency_limit=1)  # one run at a time: one core of two
UPDATE_EVERY_S, FRAME_PAUSE_S, ANIMATION_FRAMES = 0.5, 0.08, 16
OBJECTIVE_LABEL = L("playground.objective")  # a message names it by the noun ("The objective must…")


def training_status(steps: int, of: int, elapsed: float, to_drawing: bool) -> str:
    """The status after a server's training run of `steps` (of `of` asked for) in `elapsed` seconds."""
    trained = text("playground.trained" if steps == of else "playground.trained_limit", steps=steps,
                   seconds=f"{elapsed:.1f}", limit=TRAIN_SECONDS)
    return sentences(trained, text("playground.run_now" if to_drawing else "playground.run_now_preset"))


class PlaygroundTab:
    def __init__(self, classroom: Classroom, presets: Presets):
        self.presets, self.exports = presets, classroom.exports

    @friendly
    def sampler_choices(self, objective: str):
        objective = one_of("objective", objective, OBJECTIVES)
        return Radio(sampler_choices(SAMPLERS[objective]), value=SAMPLERS[objective][0])

    @friendly
    def show_data(self, source: str, bench: Workbench):
        """The chosen data alone; the previous flow is cleared."""
        data = bench.data(one_of("data", source, SOURCES))
        title = source_title(source) if data is not None else text("playground.draw_then_train")
        return draw_data(data, title), None, gr.Slider(value=1)

    @friendly
    def train(self, source, sketch, objective, train_steps, bench: Workbench):
        """Streams the loss curve; stops after train_steps or TRAIN_SECONDS, or when the page goes away (Gradio
        closes the generator at its next yield). The newest EMA weights go to the student's Workbench each update."""
        yield from self.training(source, sketch, objective, train_steps, bench)

    def training(self, source, sketch, objective, train_steps, bench: Workbench):
        """(loss table, status, bench) about twice a second and at the end (see `train`)."""
        steps = whole_number("training steps", train_steps, 100, 20_000)
        one_of("data", source, SOURCES), one_of("objective", objective, OBJECTIVES)
        points = training_points(source, sketch)
        run = Training(ToyModel.new(objective), points, train_config(objective, steps))
        losses, start, shown = [], time.monotonic(), 0.0
        for numbers in run.steps():
            losses.append(numbers["loss"])
            elapsed = time.monotonic() - start
            finished = len(losses) == steps or elapsed > TRAIN_SECONDS
            if elapsed - shown > UPDATE_EVERY_S or finished:
                shown = elapsed
                bench = bench.with_model(source, objective, run.model(), points)
                status = text("playground.server_step", step=len(losses), steps=steps,
                              loss=f"{sum(losses[-50:]) / len(losses[-50:]):.3f}", seconds=f"{elapsed:.1f}")
                if finished:
                    status = training_status(len(losses), steps, elapsed, source == DRAWING)
                yield loss_table(losses), status, bench
            if finished:
                break

    @friendly
    def run_flow(self, source, objective, sampler, num_steps, particles, seed, arrows, bench: Workbench):
        """Particles from noise to data: a short animation, then the finished paths (t = 0) to scrub."""
        scene = self.flow(source, objective, sampler, num_steps, particles, seed, bench)
        for t in animation_times(scene, ANIMATION_FRAMES)[:-1]:
            yield draw_scene(scene, t, arrows), gr.skip(), gr.skip()
            time.sleep(FRAME_PAUSE_S)
        yield draw_scene(scene, 0.0, arrows), scene, gr.Slider(value=0)

    def flow(self, source, objective, sampler, num_steps, particles, seed, bench: Workbench):
        """The checked values' scene: particles from noise to data with the session's model (else the preset)."""
        one_of("data", source, SOURCES), one_of("objective", objective, OBJECTIVES)
        one_of("sampler", sampler, SAMPLERS[objective])
        toy = bench.model(self.presets, source, objective)
        return flow_scene([(sampler, toy)], bench.data(source), whole_number("particles", particles, 10, 2000),
                          whole_number("sampler steps", num_steps, 1, 1000), whole_number("seed", seed, 0, MAX_SEED))

    @friendly
    def compare(self, source, num_steps, particles, seed, arrows, bench: Workbench):
        """DDPM ancestral, DDIM and flow-matching Euler from the same starting points, side by side."""
        one_of("data", source, SOURCES)
        runs = [(sampler, bench.model(self.presets, source, objective)) for objective, sampler in COMPARED]
        scene = flow_scene(runs, bench.data(source), whole_number("particles", particles, 10, 2000),
                           whole_number("sampler steps", num_steps, 1, 1000), whole_number("seed", seed, 0, MAX_SEED))
        return draw_scene(scene, 0.0, arrows), scene, gr.Slider(value=0)

    @hears_language  # the panels' titles in the page's language
    def scrub(self, scene, t, arrows):
        if scene is None or not isinstance(t, (int, float)) or not 0 <= t <= 1:
            return gr.skip()  # nothing to scrub yet, or a t the slider cannot send
        return draw_scene(scene, float(t), arrows)

    @friendly
    def export(self, scene, arrows):
        if scene is None:
            raise gr.Error(text("playground.run_first"))
        return [str(scene_gif(scene, arrows, self.exports.new_folder()))]

    @friendly
    @for_scripts
    def playground_train(self, source, objective, train_steps, bench: Workbench):
        """Train the playground's small network on 2-D points (at most 30 s); playground_sample then uses it, from
        the same gradio_client.Client (its session), until that session ends.

        Args:
            source: the data: two_moons, swiss_roll, rings, gaussians or smiley
            objective: what the network learns: ddpm (the noise ε) or flow_matching (the velocity ε − x0)
            train_steps: the number of training steps, 100 to 20000 (it stops at 30 s)
        Returns:
            the loss of each step (a table: step, loss, series) and a line saying how the training went
        """
        # A generator, as the page's Train is: the run stops at its next update (about twice a second) once the
        # script's result stream has closed (Gradio gives a plain function no way to learn that its client left; it
        # closes a generator whose event's stream is gone). gradio_client's predict() returns the last update.
        yield from self.training(source, None, objective, train_steps, bench)

    @friendly
    @for_scripts
    def playground_sample(self, source, objective, sampler, num_steps, particles, seed, arrows, bench: Workbench):
        """Particles of pure noise carried onto the 2-D data by the network: this session's own after
        playground_train, else the shipped one (every preset ships trained).

        Args:
            source: the data: two_moons, swiss_roll, rings, gaussians or smiley
            objective: ddpm or flow_matching
            sampler: ddpm or ddim (objective ddpm); euler, heun or midpoint (objective flow_matching)
            num_steps: the number of sampler steps, 1 to 1000
            particles: how many points, 10 to 2000
            seed: the seed of the starting noise
            arrows: draw the learned field's arrows
        Returns:
            the picture of the particles at t = 0 (the data) with their paths from the noise, as a PNG file
        """
        scene = self.flow(source, objective, sampler, num_steps, particles, seed, bench)
        return draw_scene(scene, 0.0, flag("arrows", arrows))

    def script_api(self, w: SimpleNamespace):
        """/playground_train and /playground_sample for a script: on the page's per-session Workbench (w.bench)."""
        with gr.Column(visible=False):
            a = SimpleNamespace(source=Radio(SOURCES, value=SOURCES[0][1], label=L("playground.data")), bench=w.bench,
                                objective=Radio(OBJECTIVES, value="flow_matching", label=OBJECTIVE_LABEL),
                                train_steps=gr.Number(3000, label=L("names.training_steps"), step=1, minimum=100,
                                                      maximum=20_000),
                                sampler=Radio(sampler_choices(SAMPLER_TITLES), value="euler",
                                              label=L("common.sampler")),
                                num_steps=gr.Number(100, label=L("names.sampler_steps"), step=1, minimum=1,
                                                    maximum=1000),
                                particles=gr.Number(300, label=L("names.particles"), step=1, minimum=10,
                                                    maximum=2000),
                                seed=gr.Number(0, label=L("common.seed"), step=1, minimum=0, maximum=MAX_SEED),
                                arrows=gr.Checkbox(True, label=L("names.arrows")))
            trained = [gr.Dataframe(label=L("playground.loss_label")), gr.Markdown(label=L("playground.status")),
                       w.bench]
            particles = gr.Image(label=L("names.particles"), format="png")
        script_endpoint(self.playground_train, inputs(self.playground_train, a), trained, "playground_train",
                        **TRAINING)
        script_endpoint(self.playground_sample, inputs(self.playground_sample, a), [particles], "playground_sample",
                        **SAMPLING)

    def layout(self) -> SimpleNamespace:
        w = SimpleNamespace()
        gr.Markdown(each_language(lambda: text("playground.intro", seconds=TRAIN_SECONDS)))
        w.bench = gr.State(Workbench())  # per user: the models they trained, their drawing's points
        w.scene = gr.State(None, time_to_live=3600)  # per user: the last flow, to scrub and export
        with gr.Row():
            with gr.Column(scale=3, min_width=320):  # the picture | its controls; on a phone the picture comes first
                w.browser = playground_browser()  # trains, samples and draws in this page (lab/playground_browser.py)
                with gr.Row(elem_classes=BROWSER):
                    w.run_here = gr.Button(L("playground.run"), variant="primary")
                    w.compare_here = gr.Button(L("playground.compare"))
                with gr.Column(elem_classes=SERVER):  # the server's picture and buttons, for a page that cannot
                    w.frame = gr.Image(draw_data(Workbench().data(SOURCES[0][1]), ""), label=L("names.particles"),
                                       interactive=False, format="png", elem_classes="dl-main",
                                       alt_text=PARTICLES_ALT)  # untitled: a picture has no language of its own
                    w.t = gr.Slider(0, 1, value=1, step=0.01, label=L("playground.t"))
                    with gr.Row():
                        w.run_button = gr.Button(L("playground.run"), variant="primary")
                        w.compare_button = gr.Button(L("playground.compare"))
                        w.export_button = gr.Button(L("playground.export"))
                gr.Markdown(L("playground.compare_note"))
                w.files = gr.File(label=L("playground.exported"), file_count="multiple", height=100,
                                  elem_classes=["dl-result", SERVER])
            with gr.Column(scale=2, min_width=320):
                self.controls(w)
        return w

    def controls(self, w: SimpleNamespace):
        """The column of choices: data, objective, sampler, arrows, numbers, the drawing, training."""
        w.source = Radio(SOURCES, value=SOURCES[0][1], label=L("playground.data"))
        w.objective = Radio(OBJECTIVES, value="flow_matching", label=OBJECTIVE_LABEL)
        w.sampler = Radio(sampler_choices(SAMPLERS["flow_matching"]), value="euler", label=L("common.sampler"))
        w.arrows = gr.Checkbox(True, label=L("playground.arrows"), info=L("playground.arrows_info"))
        with gr.Row():
            w.num_steps = gr.Slider(1, 1000, value=100, step=1, label=L("names.sampler_steps"), min_width=200,
                                    elem_id="playground-steps")  # 200 px: room for 1 … 1000; read by a live class
            w.particles = gr.Slider(10, 2000, value=300, step=10, label=L("names.particles"), min_width=200)
            w.seed = gr.Number(0, label=L("common.seed"), step=1, minimum=0, maximum=MAX_SEED, min_width=80)
        w.sketch = gr.Sketchpad(type="pil", image_mode="RGBA", label=L("playground.sketch"), canvas_size=(400, 400),
                                height=300, layers=False)
        w.train_steps = gr.Slider(100, 8000, value=3000, step=100,
                                  label=each_language(lambda: text("playground.train_steps", seconds=TRAIN_SECONDS)))
        with gr.Row(elem_classes=BROWSER):
            w.train_here = gr.Button(L("playground.train"), variant="primary")
            w.stop_here = gr.Button(L("playground.stop"))
        with gr.Column(elem_classes=SERVER):
            with gr.Row():
                w.train_button = gr.Button(L("playground.train"), variant="primary")
                w.stop_button = gr.Button(L("playground.stop"))
            w.status = gr.Markdown()
            w.loss = line_plot(x="step", y="loss", color="series", height=220, label=L("playground.loss_label"),
                               x_title=L("playground.step"), y_title=L("playground.loss"), names=LOSS_SERIES)

    def wire(self, w: SimpleNamespace):
        w.objective.change(self.sampler_choices, inputs(self.sampler_choices, w), w.sampler, **INTERACTIVE)
        w.source.change(self.show_data, inputs(self.show_data, w), [w.frame, w.scene, w.t], **INTERACTIVE)
        training = w.train_button.click(self.train, inputs(self.train, w), [w.loss, w.status, w.bench], **TRAINING)
        handed = w.browser.submit(self.train, inputs(self.train, w), [w.loss, w.status, w.bench], **TRAINING)
        w.stop_button.click(None, None, None, cancels=[training, handed])
        self.wire_browser(w)
        flow_outputs = [w.frame, w.scene, w.t]
        w.run_button.click(self.run_flow, inputs(self.run_flow, w), flow_outputs, **SAMPLING)
        w.compare_button.click(self.compare, inputs(self.compare, w), flow_outputs, **SAMPLING)
        w.t.input(self.scrub, inputs(self.scrub, w), w.frame, show_progress="hidden", trigger_mode="always_last",
                  **INTERACTIVE)
        w.arrows.change(self.scrub, inputs(self.scrub, w), w.frame, show_progress="hidden", **INTERACTIVE)
        w.export_button.click(self.export, inputs(self.export, w), w.files, **EXPORTS)

    def wire_browser(self, w: SimpleNamespace):
        """The browser buttons: their values go to the component (request_js), no event reaches the server."""
        fields = [getattr(w, name) for name in FIELDS]
        for trigger, action in ((w.train_here.click, "train"), (w.stop_here.click, "stop"), (w.run_here.click, "run"),
                                (w.compare_here.click, "compare"), (w.source.change, "data"),
                                (w.arrows.change, "arrows")):
            trigger(None, fields, w.browser, js=request_js(action), show_progress="hidden")


def render(classroom: Classroom, presets: Presets | None = None) -> SimpleNamespace:
    tab = PlaygroundTab(classroom, presets or Presets())
    widgets = tab.layout()
    tab.wire(widgets)
    tab.script_api(widgets)
    widgets.handlers = tab
    return widgets
