"""Tab 5, Text to image (CLIP): a prompt is encoded by CLIP, turned into an image embedding by the retrieval prior,
and a CLIP-conditioned U-Net denoises towards it; the inspector shows how close the prompt is to what the model knows."""
from __future__ import annotations

import time
from dataclasses import replace
from types import SimpleNamespace

import gradio as gr
import pandas as pd

from diffusion_core.images import picture
from diffusion_core.text.prompts import clean_prompt
from lab.browser_sampler import WHERE_CHOICES, WHERE_INFO, browser_sampler
from lab.checks import markdown_literal
from lab.classroom import Classroom
from lab.handout.button import handout_row, wire_handout
from lab.handout.tabs import text_pages
from lab.tabs.common import (INTERACTIVE, MAX_GUIDANCE, MAX_SEED, SAMPLING, check_range, friendly, inputs, one_of,
                             sampling_controls, whole_number)
from lab.tabs.widgets import Radio

NOT_INSTALLED = """### Text to image with CLIP (no text model installed here)
This tab turns an English prompt such as *"a bold seven"* or *"dark ankle boots"* into images:
a small CLIP trained by this project encodes the prompt, and a U-Net conditioned on CLIP embeddings
denoises pure noise towards it, with classifier-free guidance. It also shows how close your prompt is
to the concepts the model knows, and warns you when it is far from all of them ("a cat" on a model of
clothes and digits). It needs `pretrained/text_cond` and `pretrained/tiny_clip` (shipped with the project;
the README says how to train them again). Meanwhile, try the class-conditional models in **Reverse sampling**."""
EXAMPLES = ["a bold seven", "a thin slanted two", "dark ankle boots", "a light t-shirt", "large handbag"]
THUMBNAIL_SCALE = 4  # 28 px -> 112 px
VERDICT_ID = "prompt-verdict"  # the inspector's verdict (the browser test reads it)


class TextTab:
    def __init__(self, classroom: Classroom):
        self.classroom, self.studio = classroom, classroom.text_studio

    def _require_studio(self, what: str = "CLIP-conditioned model"):
        if self.studio is None:
            raise gr.Error(f"No {what} is installed yet. " + self.classroom.zoo.how_to_get_models())
        return self.studio

    def pictures(self, text: str, n: int, seed: int, use_prior: bool, num_steps: int, **kwargs):
        """(step, thumbnails of x̂0) about ten times a run; the network's calls batched with every other user's."""
        with self.classroom.batcher.join(self.studio.pipe.model) as shared_model:
            pipe = replace(self.studio.pipe, model=shared_model)
            for step in self.studio.generate(text, n=n, seed=seed, use_prior=use_prior, pipe=pipe, num_steps=num_steps,
                                             **kwargs):
                if step.t == -1 or step.index % max(1, num_steps // 10) == 0:
                    yield step, [picture(x, THUMBNAIL_SCALE) for x in step.x0.cpu()]

    def request(self, prompt, guidance, steps, sampler, seed, n) -> SimpleNamespace:
        """The widgets' values checked (a sentence for a student if not), the prompt cleaned."""
        self._require_studio()
        steps, n = whole_number("steps", steps, 1, 1000), whole_number("number of images", n, 1, 16)
        guidance = check_range("guidance scale w", guidance, 1, MAX_GUIDANCE)
        one_of("sampler", sampler, self.studio.pipe.sampler_names)
        text, notice = clean_prompt(prompt if isinstance(prompt, str) else None)
        seed = whole_number("seed", seed, 0, MAX_SEED)
        return SimpleNamespace(text=text, notice=notice, steps=steps, n=n, guidance=guidance, seed=seed)

    @friendly
    def start(self, where, prompt, guidance, steps, sampler, seed, n, use_prior=True):
        """Generate: CLIP and the prior run here (cheap); the sampling is compiled for the student's browser, which
        runs it or hands it to text_to_image."""
        r = self.request(prompt, guidance, steps, sampler, seed, n)
        one_of("where the sampling runs", where, WHERE_CHOICES)
        cond = self.studio.condition(r.text, bool(use_prior)).expand(r.n, -1).numpy()
        payload = self.classroom.browser.payload(self.classroom.text_model, self.studio.pipe, where, r.n, r.seed,
                                                 dict(sampler=sampler, num_steps=r.steps, guidance_scale=r.guidance), cond=cond)
        note = f"note: {markdown_literal(r.notice)}" if r.notice else ""
        return payload, note, gr.Gallery(visible=False)

    @friendly
    def text_to_image(self, prompt, guidance, steps, sampler, seed, n, use_prior=True):
        """The run on the server, thumbnails of x̂0 streamed, batched with every other user's."""
        r = self.request(prompt, guidance, steps, sampler, seed, n)
        text, notice, steps, n, guidance, seed, use_prior = r.text, r.notice, r.steps, r.n, r.guidance, r.seed, bool(use_prior)
        start = time.perf_counter()
        key = ("text", text, guidance, steps, sampler, seed, n, use_prior)
        run, shared = self.classroom.cache.run(key, lambda: self.pictures(text, n, seed, use_prior, steps, sampler=sampler,
                                                                          guidance_scale=guidance))
        for step, pictures in run.follow(self.classroom.batcher.frame_interval(), self.classroom.batcher.wait_turn):
            status = (f"step {step.index}/{steps} · {time.perf_counter() - start:.1f} s"
                      + (f" · note: {markdown_literal(notice)}" if notice else "")
                      + (" · computed once for everyone who asked for the same" if shared else ""))
            yield pictures, status
        self.classroom.cache.evict()

    @friendly
    def inspect_prompt(self, prompt):
        report = self._require_studio("CLIP").inspect(prompt)
        table = pd.DataFrame(report.similarities[:12], columns=["kind", "concept", "similarity"])
        neighbours = [(picture(x, 3), f"similarity {s:.2f}") for x, s in zip(report.nearest, report.nearest_scores)]
        # the warning quotes the student's prompt: escaped, so that it shows as typed (no link, picture or heading)
        verdict = ("⚠️ " + markdown_literal(report.warning)) if report.warning else ("The prompt is close to things "
                                                                                     "the model knows.")
        if report.prior_classes:
            k = sum(n for _, n in report.prior_classes)
            verdict += (f"\n\n**Retrieval prior:** the {k} training images closest to the prompt are "
                        + ", ".join(f"{name} ×{n}" for name, n in report.prior_classes[:4])
                        + "; their mean image embedding is what the U-Net is asked for.")
        return table, neighbours, verdict

    def about(self) -> str:
        clip_info = self.studio.clip.info
        zero_shot = " · ".join(f"{ds} {acc * 100:.0f} %" for ds, acc in clip_info.get("zero_shot_accuracy", {}).items())
        return (f"Model **{self.classroom.text_model}**, conditioned on CLIP **{self.studio.clip.name}** "
                f"({clip_info.get('trained_on', 'pretrained open_clip weights')}"
                + (f"; zero-shot accuracy from prompts alone: {zero_shot}" if zero_shot else "") + "). "
                "The U-Net was trained on CLIP *image* embeddings; the prompt gives a CLIP *text* embedding. "
                "The **retrieval prior** bridges the two: it averages the image embeddings of the training images "
                "closest to the prompt (DALL·E 2 learns this step). Untick it to condition on the raw text embedding "
                "and see the difference. It makes **28×28 grey** pictures, the size of the images it learnt from.")

    def layout(self) -> SimpleNamespace:
        w = SimpleNamespace()
        has_bank = self.studio.bank is not None
        gr.Markdown(self.about())
        with gr.Row(equal_height=False):  # controls (Generate first) | result, in view beside them (lab/static/css)
            with gr.Column(scale=1, min_width=320):
                w.prompt = gr.Textbox(label="prompt", value=EXAMPLES[0], max_lines=2)
                gr.Examples(EXAMPLES, inputs=w.prompt)
                with gr.Row():
                    w.go = gr.Button("Generate", variant="primary")
                    w.inspect_button = gr.Button("Inspect prompt")
                sampling_controls(w, "dpm_solver_pp", 20, 100, 3.0)
                w.use_prior = gr.Checkbox(value=has_bank, interactive=has_bank,
                                          label="retrieval prior: text embedding → mean image embedding of the nearest "
                                                "training images"
                                                + ("" if has_bank else " (no prior_bank.safetensors for this model)"))
                w.where = Radio(WHERE_CHOICES, value="auto", label="where the sampling runs", info=WHERE_INFO)
            with gr.Column(scale=1, min_width=320, elem_classes=["dl-sticky", "dl-first"]):  # first on a phone
                w.browser = browser_sampler()  # the run in this browser: x_t | predicted x0, scrubber, PNG/GIF
                w.status = gr.Markdown(latex_delimiters=[])  # may quote the prompt: no $…$ maths from it
                w.images = gr.Gallery(label="images", columns=4, object_fit="contain",
                                      elem_classes=["dl-main", "dl-result"])
                w.warning = gr.Markdown(latex_delimiters=[], elem_id=VERDICT_ID)  # quotes the prompt (escaped)
        with gr.Row():
            w.concepts = gr.Dataframe(label="closest concepts")
            w.nearest = gr.Gallery(label="nearest test images", columns=4, height=260, elem_classes="dl-result")
        handout_row(w)
        return w

    def wire(self, w: SimpleNamespace):
        w.go.click(self.start, inputs(self.start, w), [w.browser, w.status, w.images], **INTERACTIVE)
        w.browser.submit(lambda: gr.Gallery(visible=True), None, w.images, **INTERACTIVE).then(
            self.text_to_image, inputs(self.text_to_image, w), [w.images, w.status], **SAMPLING)
        w.inspect_button.click(self.inspect_prompt, inputs(self.inspect_prompt, w), [w.concepts, w.nearest, w.warning],
                                  **INTERACTIVE)
        wire_handout(w, text_pages, self, samples=True)


def render(classroom: Classroom) -> SimpleNamespace:
    """Tab 5 with its controls when a CLIP-conditioned model is installed, else a page saying what it would do."""
    tab = TextTab(classroom)
    if tab.studio is None:
        gr.Markdown(NOT_INSTALLED)
        return SimpleNamespace(handlers=tab)
    widgets = tab.layout()
    tab.wire(widgets)
    widgets.handlers = tab
    return widgets
