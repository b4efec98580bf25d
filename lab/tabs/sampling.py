"""Tab 4, Reverse sampling: from pure noise to images, step by step, with any sampler; frames stream while it runs,
then a slider scrubs the recorded trajectory; exports; every sampler from the same starting noise."""
from __future__ import annotations

import time
from types import SimpleNamespace

import gradio as gr

from diffusion_core.images import picture
from diffusion_core.samplers import PAPER_GUIDANCE_INTERVAL
from diffusion_core.serving import backend_name
from lab.browser_sampler import WHERE_CHOICES, browser_sampler, where_radio
from lab.classroom import Classroom
from lab.handout.tabs import sampling_pages
from lab.i18n import text
from lab.i18n.page import L, each_language
from lab.lessons.sampling import (
    EVALS_PER_STEP,
    FAST_FIRST,
    SAMPLER_LABELS,
    batched_trajectory,
    class_options,
    compare_samplers,
    export_trajectory,
    frame_alt,
    frame_words,
    picture_sizes,
    render_frame,
    sampler_menu,
    sampling_request,
)
from lab.tabs.common import (
    EXPORTS,
    HEAVY,
    INTERACTIVE,
    MAX_GUIDANCE,
    MAX_SEED,
    SAMPLING,
    for_scripts,
    friendly,
    inputs,
    one_of,
    sampling_controls,
    script_endpoint,
)
from lab.tabs.handout import handout_row, wire_handout
from lab.tabs.widgets import Dropdown, Radio

INTRO = "sampling.intro"
SAMPLING_STEPS_ID = "sampling-steps"  # sampling_controls names it after the tab
FRAMES_TTL_S = 3600  # a trajectory left untouched for an hour is dropped from the server's memory
FLOW_NOTE = "sampling.flow_note"
INTERVAL_LABEL = L("sampling.interval") + " ({} < σ_t ≤ {})".format(*PAPER_GUIDANCE_INTERVAL)
INTERVAL_INFO = L("sampling.interval_info")


def batch_description(n: int, conditional: bool, guidance: float, interval) -> str:
    """How many rows each model call evaluates: guidance adds the unconditional half (inside the interval)."""
    if not conditional or float(guidance) == 1:
        return f"a batch of {n}"
    return (f"a batch of {2 * n}: conditional + unconditional"
            + (" where {} < σ_t ≤ {}".format(*interval) if interval else ""))


class SamplingTab:
    def __init__(self, classroom: Classroom):
        self.classroom, self.zoo = classroom, classroom.zoo
        self.batcher, self.cache = classroom.batcher, classroom.cache
        self.exports, self.browser = classroom.exports, classroom.browser

    def class_options(self, model: str) -> list[tuple[str, int]]:
        """(label, value) of the class menu: -1 one of each class, UNCONDITIONAL the null token, 0.. a class."""
        return class_options(self.zoo.pipelines.get(model))

    def class_choices(self, model: str, label: int = -1):
        """The class menu of this model; `label` selected when it is one of its values (a link's class), else -1."""
        options = self.class_options(model)
        return Dropdown(choices=options, value=label if label in [v for _, v in options] else -1,
                        label=L("sampling.class"), min_width=200)  # a phone stacks the two menus

    def trajectory(self, pipe, n: int, labels, seed: int, steps: int, **kwargs):
        """The recorded frames of one run, its network calls batched with every other user's."""
        return batched_trajectory(self.batcher, pipe, n, labels, seed, steps, **kwargs)

    def sampler_choices(self, model: str, sampler: str | None = None):
        """The samplers of this model's kind: `sampler` selected when it is one of them, else the family's default."""
        pipe = self.zoo.pipelines.get(model)
        names = pipe.sampler_names if pipe is not None else ()
        default = "dpm_solver_pp" if "dpm_solver_pp" in names else ("heun" if "heun" in names else None)
        value = sampler if sampler in names else default
        return Radio(sampler_menu(names), value=value, label=L("common.sampler"))

    def about(self, model: str) -> str:
        pipe = self.zoo.pipelines.get(model)
        return text(FLOW_NOTE) if pipe is not None and pipe.objective == "flow_matching" else ""

    def model_changed(self, model: str):
        return self.class_choices(model), self.sampler_choices(model), self.about(model)

    def request(self, model, sampler, steps, eta, seed, n, label, guidance, limit_guidance) -> SimpleNamespace:
        """The widgets' values checked and turned into pipe.sample's arguments (a sentence for a student if not)."""
        return sampling_request(self.zoo, model, sampler, steps, eta, seed, n, label, guidance, limit_guidance)

    @friendly
    def start(self, where, model, sampler, steps, eta, seed, n, label, guidance, limit_guidance=False):
        """Generate: the run compiled for the student's browser, which runs it or hands it to run_sampler."""
        r = self.request(model, sampler, steps, eta, seed, n, label, guidance, limit_guidance)
        one_of("where the sampling runs", where, WHERE_CHOICES)
        payload = self.browser.payload(model, r.pipe, where, r.n, r.seed, dict(num_steps=r.steps, **r.kwargs), r.labels)
        return payload, "", *self.server_view(False)

    @friendly
    def run_sampler(self, model, sampler, steps, eta, seed, n, label, guidance, limit_guidance=False):
        """The run on the server, its frames streamed, batched with every other user's."""
        r = self.request(model, sampler, steps, eta, seed, n, label, guidance, limit_guidance)
        pipe, n, steps, label, seed, labels, kwargs = r.pipe, r.n, r.steps, r.label, r.seed, r.labels, r.kwargs
        start = time.perf_counter()
        per_call = batch_description(n, labels is not None, float(guidance), r.interval)
        key = ("sample", model, steps, seed, n, label, *sorted(kwargs.items()))
        run, shared = self.cache.run(key, lambda: self.trajectory(pipe, n, labels, seed, steps, **kwargs))
        evals = EVALS_PER_STEP.get(sampler, 1)
        # the sampler runs on in a thread; the page shows the newest recorded frame whenever it can draw one
        for step, frames in run.follow(self.batcher.frame_interval(), self.batcher.wait_turn):
            frame = gr.update(value=render_frame(frames[-1]), alt_text=frame_alt(frames[-1], steps))
            status = (f"{frame_words(frames[-1], steps)} · {step.index * evals} model evaluations "
                      f"({per_call}) · {time.perf_counter() - start:.2f} s with {backend_name(pipe.model)}"
                      + (" · computed once for everyone who asked for the same" if shared else ""))
            # the recorded frames go to the user's State once: Gradio copies a State on each update
            if step.index < steps:
                yield frame, status, gr.skip(), gr.skip()
                continue
            yield (frame, status, list(frames),
                   gr.Slider(maximum=max(1, len(frames) - 1), value=len(frames) - 1, visible=True))
        self.cache.evict()

    @friendly
    @for_scripts
    def sample(self, model, sampler, steps, seed, n, label, guidance, eta=0.0, limit_guidance=True):
        """Pictures made from pure noise: at each sampler step the model removes a little of the noise it predicts.

        Args:
            model: the model's name (the menu of tab 4 lists them; e.g. mnist_cond, fashion_cond, emoji_rgb)
            sampler: ddpm, ddim, dpm_solver_pp or dpm_solver_pp_sde (DDPM models); euler, heun or midpoint (flow
                matching models)
            steps: the number of sampler steps, 1 to the model's number of noise steps (1000)
            seed: the seed of the starting noise (the same seed, the same pictures)
            n: how many pictures, 1 to 16
            label: the class: -1 one of each class in turn, -2 none (unconditional), 0, 1, … one class
            guidance: the guidance scale w, 1 (none) to 5, for a class-conditional model
            eta: DDIM's η, 0 (deterministic) to 1 (like DDPM)
            limit_guidance: guide only at middle noise levels (DDPM models)
        Returns:
            the n pictures as PNG files, as the model makes them (28×28 grey or 32×32 colour), and one line saying
            how they were made
        """
        sampler = one_of("sampler", sampler, list(SAMPLER_LABELS))
        r = self.request(model, sampler, steps, eta, seed, n, label, guidance, limit_guidance)
        start = time.perf_counter()
        *_, (step, _) = self.trajectory(r.pipe, r.n, r.labels, r.seed, r.steps, **r.kwargs)
        made = (f"{r.n} pictures · model {model} · {SAMPLER_LABELS[sampler]} · {r.steps} steps · seed {r.seed} · "
                f"{time.perf_counter() - start:.2f} s")
        return [picture(x) for x in step.x0.cpu()], made

    def script_api(self, w: SimpleNamespace):
        """/sample for a script: the run on the server, only its finished pictures (no frames, no scrubber)."""
        with gr.Column(visible=False):
            a = SimpleNamespace(model=Dropdown(self.zoo.names(with_time=True), value=w.model.value, label="model"),
                                sampler=Radio(list(SAMPLER_LABELS), value="dpm_solver_pp", label="sampler"),
                                steps=gr.Number(20, label="steps", step=1, minimum=1, maximum=1000),
                                seed=gr.Number(0, label="seed", step=1, minimum=0, maximum=MAX_SEED),
                                n=gr.Number(8, label="number of images", step=1, minimum=1, maximum=16),
                                label=gr.Number(-1, label="class", step=1, minimum=-2, maximum=999),
                                guidance=gr.Slider(1, MAX_GUIDANCE, value=2.0, step=0.5, label="guidance scale w"),
                                eta=gr.Slider(0, 1, value=0, step=0.1, label="η"),
                                limit_guidance=gr.Checkbox(True, label="guide only at middle noise levels"))
            outputs = [gr.Gallery(label="pictures", format="png"), gr.Markdown(label="how they were made")]
        script_endpoint(self.sample, inputs(self.sample, a), outputs, "sample", **SAMPLING)

    def server_view(self, show: bool = True):
        """The server's picture and scrubber: hidden while a run happens in the browser (it draws its own); the
        scrubber shows once a run has recorded its frames."""
        return gr.Image(visible=show), gr.Slider(visible=False)

    def scrub(self, frames, scrubber):
        """The recorded frame at the scrubber, and the status saying which step it is."""
        if not frames:
            return gr.skip(), gr.skip()
        frame, steps = frames[min(int(scrubber), len(frames) - 1)], frames[-1].index
        return (gr.update(value=render_frame(frame), alt_text=frame_alt(frame, steps)),
                text("sampling.showing", frame=frame_words(frame, steps)))

    @friendly
    def export(self, frames):
        if not frames:
            raise gr.Error(text("sampling.export_first"))
        return [str(path) for path in export_trajectory(frames, self.exports.new_folder())]

    @friendly
    def all_samplers(self, model, steps, seed, n, label, guidance, limit_guidance=False):
        r = self.request(model, None, steps, 0, seed, n, label, guidance, limit_guidance)
        return compare_samplers(r.pipe, r.n, r.label, r.seed, r.steps, r.guidance,
                                PAPER_GUIDANCE_INTERVAL if limit_guidance else None)

    def layout(self) -> SimpleNamespace:
        w = SimpleNamespace()
        models = self.zoo.names(with_time=True)
        first = next((m for m in FAST_FIRST if m in models), models[0] if models else None)
        pipelines = {m: self.zoo.pipelines[m] for m in models}
        gr.Markdown(each_language(lambda: text(INTRO, sizes=picture_sizes(pipelines))))
        with gr.Row(equal_height=False):  # controls (Generate first) | result, in view beside them (lab/static/css)
            with gr.Column(scale=1, min_width=320):
                with gr.Row():
                    w.model = Dropdown(models, value=first, label=L("common.model"), min_width=200)
                    w.label = self.class_choices(first or "")
                with gr.Row():
                    w.go = gr.Button(L("common.generate"), variant="primary")
                    w.compare_button = gr.Button(L("sampling.compare"))
                    w.export_button = gr.Button(L("sampling.export"))
                w.about = gr.Markdown(L(FLOW_NOTE) if self.about(first or "") else "")
                # the class default: DPM-Solver++ 20 steps with the guidance interval, measured at 2.5× fewer
                # network evaluations than DDIM 50 for +0.2 domain-FID (bench/class_defaults.py; docs/benchmarks.md
                # "Quality against cost")
                sampling_controls(w, "dpm_solver_pp", 20, 1000, 2.0, "sampling")
                with gr.Row():
                    w.eta = gr.Slider(0, 1, value=0, step=0.1, label=L("sampling.eta"))
                    w.limit_guidance = gr.Checkbox(True, label=INTERVAL_LABEL, info=INTERVAL_INFO)
                w.where = where_radio()
            with gr.Column(scale=1, min_width=320, elem_classes=["dl-sticky", "dl-first"]):  # first on a phone
                w.browser = browser_sampler()  # the run in this browser: canvas, status, scrubber, PNG/GIF
                w.status = gr.Markdown()
                w.frame = gr.Image(label=L("sampling.frame"), interactive=False,  # a phone scrolls it
                                   elem_classes=["dl-main", "dl-result", "dl-wide", "dl-pair"])
                w.frames = gr.State([], time_to_live=FRAMES_TTL_S)  # per user: the recorded trajectory (uint8 frames)
                w.scrubber = gr.Slider(0, 1, value=0, step=1, label=L("common.scrub"), visible=False)
        w.compared = gr.Gallery(label=L("sampling.compared"), columns=4, height=360,
                                object_fit="contain", elem_classes="dl-result")
        handout_row(w)
        w.files = gr.File(label=L("sampling.files"), file_count="multiple", height=120, elem_classes="dl-result")
        return w

    def wire(self, w: SimpleNamespace):
        # .input, not .change: a link sets the model together with its class and sampler (lab/view_link_ui.py)
        w.model.input(self.model_changed, inputs(self.model_changed, w), [w.label, w.sampler, w.about], **INTERACTIVE)
        w.go.click(self.start, inputs(self.start, w), [w.browser, w.status, w.frame, w.scrubber], **INTERACTIVE)
        w.browser.submit(self.server_view, None, [w.frame, w.scrubber], **INTERACTIVE).then(
            self.run_sampler, inputs(self.run_sampler, w), [w.frame, w.status, w.frames, w.scrubber], **SAMPLING)
        # .input: a student's move only; the run setting the scrubber to its end keeps the run's summary as status
        w.scrubber.input(self.scrub, inputs(self.scrub, w), [w.frame, w.status], show_progress="hidden",
                         trigger_mode="always_last", **INTERACTIVE)
        w.export_button.click(self.export, inputs(self.export, w), w.files, **EXPORTS)
        w.compare_button.click(self.all_samplers, inputs(self.all_samplers, w), w.compared, **HEAVY)
        wire_handout(w, sampling_pages, self.classroom, samples=True)


def render(classroom: Classroom) -> SimpleNamespace:
    tab = SamplingTab(classroom)
    widgets = tab.layout()
    tab.wire(widgets)
    tab.script_api(widgets)
    widgets.handlers = tab
    return widgets
