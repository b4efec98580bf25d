"""Tab 5, Text to image (CLIP): a prompt is encoded by CLIP, turned into an image embedding by the retrieval prior,
and a CLIP-conditioned U-Net denoises towards it;
the inspector shows how close the prompt is to what the model knows."""
from __future__ import annotations

import time
from types import SimpleNamespace

import gradio as gr
import pandas as pd

from diffusion_core import SAMPLERS
from diffusion_core.images import picture
from lab.browser_sampler import WHERE_CHOICES, browser_sampler, where_radio
from lab.checks import flag, markdown_literal
from lab.classroom import Classroom
from lab.handout.tabs import text_pages
from lab.i18n import text as say
from lab.i18n.page import L, each_language
from lab.lessons.memorising import decode_pictures, max_value_chars
from lab.lessons.text import THUMBNAIL_SCALE, TextStudio, batched_pictures, text_request, text_studio
from lab.tabs.common import (
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

NOT_INSTALLED = L("text.not_installed")
EXAMPLES = ["a bold seven", "a thin slanted two", "dark ankle boots", "a light t-shirt", "large handbag"]
VERDICT_ID = "prompt-verdict"  # the inspector's verdict (the browser test reads it)
BROWSER_ID, IMAGES_ID = "text-browser", "text-images"  # where lab/static/js/drawn_pictures.mjs finds the pictures
# the page sends the last pictures as one compact value (lessons/memorising.decode_pictures checks it)
DRAWN_JS = """async (drawn, text_model) => {
  const root = ((window.gradio_config && window.gradio_config.root) || document.baseURI).replace(/\\/?$/, "/");
  try {
    const m = await import(root + "lab/static/js/drawn_pictures.mjs");
    return [await CALL, text_model];
  } catch (e) {
    console.error(e);
    return ["", text_model];
  }
}""".replace("CALL", f'm.drawnPictures("{BROWSER_ID}", "{IMAGES_ID}", {THUMBNAIL_SCALE})')
TEXT_MODEL_INFO = L("text.model_info")


def examples_of(studios: dict) -> list[str]:
    """Prompts to click: the digits' and clothes' own, then a few of every other text model's."""
    others = [e for studio in studios.values() if studio.domain.examples[0] not in EXAMPLES
              for e in studio.domain.examples[:3]]
    return EXAMPLES + others


class TextTab:
    def __init__(self, classroom: Classroom):
        self.classroom, self.studios = classroom, classroom.text_studios
        self.studio = classroom.text_studio  # the model the page opens with

    def studio_of(self, text_model: str | None, what: str = "text.no_clip_unet") -> tuple[str, TextStudio]:
        """(name, studio) of the chosen text model (None: the first)."""
        return text_studio(self.classroom, text_model, what)

    def pictures(self, studio: TextStudio, text: str, n: int, seed: int, use_prior: bool, num_steps: int, **kwargs):
        """(step, thumbnails of x̂0) about ten times a run; the network's calls batched with every other user's."""
        return batched_pictures(self.classroom.batcher, studio, text, n, seed, use_prior, num_steps, **kwargs)

    def request(self, prompt, guidance, steps, sampler, seed, n, text_model=None) -> SimpleNamespace:
        """The widgets' values checked (a sentence for a student if not), the prompt cleaned by the model's domain."""
        return text_request(self.classroom, prompt, guidance, steps, sampler, seed, n, text_model)

    @friendly
    def start(self, where, prompt, guidance, steps, sampler, seed, n, use_prior=True, text_model=None):
        """Generate: CLIP and the prior run here (cheap); the sampling is compiled for the student's browser, which
        runs it or hands it to text_to_image."""
        r = self.request(prompt, guidance, steps, sampler, seed, n, text_model)
        one_of("where the sampling runs", where, WHERE_CHOICES)
        cond = r.studio.condition(r.text, bool(use_prior)).expand(r.n, -1).numpy()
        payload = self.classroom.browser.payload(r.model, r.studio.pipe, where, r.n, r.seed,
                                                 {"sampler": sampler, "num_steps": r.steps,
                                                  "guidance_scale": r.guidance}, cond=cond)
        note = say("text.note", notice=markdown_literal(r.notice)) if r.notice else ""
        return payload, note, gr.Gallery(visible=False), None  # no nearest training emoji of the last pictures

    @friendly
    def text_to_image(self, prompt, guidance, steps, sampler, seed, n, use_prior=True, text_model=None):
        """The run on the server, thumbnails of x̂0 streamed, batched with every other user's."""
        r = self.request(prompt, guidance, steps, sampler, seed, n, text_model)
        text, notice, steps, n = r.text, r.notice, r.steps, r.n
        guidance, seed, use_prior = r.guidance, r.seed, bool(use_prior)
        start = time.perf_counter()
        key = ("text", r.model, text, guidance, steps, sampler, seed, n, use_prior)
        run, shared = self.classroom.cache.run(key, lambda: self.pictures(r.studio, text, n, seed, use_prior, steps,
                                                                          sampler=sampler, guidance_scale=guidance))
        for step, pictures in run.follow(self.classroom.batcher.frame_interval(), self.classroom.batcher.wait_turn):
            status = (say("text.step", step=step.index, steps=steps, seconds=f"{time.perf_counter() - start:.1f}")
                      + (" · " + say("text.note", notice=markdown_literal(notice)) if notice else "")
                      + (" · " + say("text.shared") if shared else ""))
            yield pictures, status
        self.classroom.cache.evict()

    @friendly
    def inspect_prompt(self, prompt, text_model=None):
        return self.inspection(prompt, text_model)

    def inspection(self, prompt, text_model=None) -> tuple:
        """(the closest concepts, the nearest test pictures with their similarity, the verdict in Markdown)."""
        report = self.studio_of(text_model, "text.no_clip")[1].inspect(prompt)
        table = pd.DataFrame(report.similarities[:12], columns=["kind", "concept", "similarity"])
        neighbours = [(picture(x, 3), f"similarity {s:.2f}") for x, s in zip(report.nearest, report.nearest_scores)]
        # the warning quotes the student's prompt: escaped, so that it shows as typed (no link, picture or heading)
        verdict = ("⚠️ " + markdown_literal(report.warning)) if report.warning else say("text.close")
        if report.prior_classes:
            k = sum(n for _, n in report.prior_classes)
            verdict += "\n\n" + say("text.prior_verdict", k=k, classes=", ".join(
                f"{name} ×{n}" for name, n in report.prior_classes[:4]))
        return table, neighbours, verdict

    @friendly
    def nearest_emoji(self, drawn, text_model=None):
        """The 3 training emoji nearest to each of the last pictures (the page sends them) and the model's measured
        near-copy share (lessons/memorising.py)."""
        name, studio = self.studio_of(text_model)
        lesson = studio.memorising
        if lesson is None:
            raise gr.Error(say("text.no_near_copies", name=name))
        found = lesson.nearest(decode_pictures(drawn, studio.pipe.config.image_size))
        return lesson.gallery(found), lesson.summary(found)

    @friendly
    def memorising_panel(self, text_model):
        """The near-copy panel for a model that measured its near-copies, hidden for any other."""
        lesson = self.studio_of(text_model)[1].memorising
        return gr.Accordion(visible=lesson is not None), lesson.report.sentence() if lesson else "", None

    @friendly
    @for_scripts
    def script_text_to_image(self, prompt, guidance, steps, sampler, seed, n, use_prior=True, text_model=None):
        """Pictures from a prompt: CLIP encodes it, the retrieval prior turns it into an image embedding, and a
        CLIP-conditioned U-Net denoises pure noise towards it, with classifier-free guidance.

        Args:
            prompt: English text, e.g. "a bold seven", "dark ankle boots" (emoji models: "a red heart")
            guidance: the guidance scale w, 1 (none) to 5
            steps: the number of sampler steps, 1 to 100
            sampler: ddpm, ddim, dpm_solver_pp or dpm_solver_pp_sde
            seed: the seed of the starting noise (the same seed, the same pictures)
            n: how many pictures, 1 to 16
            use_prior: condition on the retrieval prior's image embedding (else on the raw text embedding)
            text_model: the text model's name (none: the first, e.g. text_cond; emoji_text draws emoji)
        Returns:
            the n pictures as PNG files, as the model makes them (28×28 grey or 32×32 colour), and a note when the
            prompt had to be changed (cut or cleaned), else an empty text
        """
        r = self.request(prompt, guidance, steps, sampler, seed, n, text_model)
        *_, (step, _) = self.pictures(r.studio, r.text, r.n, r.seed, flag("use prior", use_prior), r.steps,
                                      sampler=sampler, guidance_scale=r.guidance)
        return [picture(x) for x in step.x0.cpu()], (f"note: {r.notice}" if r.notice else "")

    @friendly
    @for_scripts
    def script_inspect_prompt(self, prompt, text_model=None):
        """How close a prompt is to what the text model learned, as CLIP sees it.

        Args:
            prompt: English text, e.g. "a bold seven"
            text_model: the text model's name (none: the first)
        Returns:
            a table of the closest concepts (kind, concept, similarity), the nearest test pictures with their
            similarity, and a verdict in Markdown (a warning when the prompt is far from all the model knows)
        """
        return self.inspection(prompt, text_model)

    def script_api(self):
        """/text_to_image and /inspect_prompt for a script: the finished pictures only, a refusal raised."""
        with gr.Column(visible=False):
            a = SimpleNamespace(prompt=gr.Textbox(EXAMPLES[0], label="prompt"),
                                guidance=gr.Slider(1, MAX_GUIDANCE, value=3.0, step=0.5, label="guidance scale w"),
                                steps=gr.Number(20, label="steps", step=1, minimum=1, maximum=100),
                                sampler=Radio(list(SAMPLERS), value="dpm_solver_pp", label="sampler"),
                                seed=gr.Number(0, label="seed", step=1, minimum=0, maximum=MAX_SEED),
                                n=gr.Number(4, label="number of images", step=1, minimum=1, maximum=16),
                                use_prior=gr.Checkbox(True, label="retrieval prior"),
                                text_model=Dropdown(list(self.studios), value=self.classroom.text_model,
                                                    label="text model"))
            pictures = [gr.Gallery(label="pictures", format="png"), gr.Markdown(label="note", latex_delimiters=[])]
            report = [gr.Dataframe(label="closest concepts"), gr.Gallery(label="nearest test images", format="png"),
                      gr.Markdown(label="verdict", latex_delimiters=[])]
        script_endpoint(self.script_text_to_image, inputs(self.script_text_to_image, a), pictures, "text_to_image",
                        **SAMPLING)
        script_endpoint(self.script_inspect_prompt, inputs(self.script_inspect_prompt, a), report, "inspect_prompt",
                        **INTERACTIVE)

    def about(self, text_model: str) -> str:
        studio = self.studios[text_model]
        clip_info, cfg = studio.clip.info, studio.pipe.config
        zero_shot = " · ".join(f"{ds} {acc * 100:.0f} %" for ds, acc in clip_info.get("zero_shot_accuracy", {}).items()
                               if isinstance(acc, (int, float)))
        made = f"{cfg.image_size}×{cfg.image_size} " + say("text.colour" if cfg.in_channels == 3 else "text.grey")
        return (say("text.about_model", model=text_model, clip=studio.clip.name,
                    trained_on=clip_info.get("trained_on", "pretrained open_clip weights"))
                + (say("text.zero_shot", accuracy=zero_shot) if zero_shot else "") + "). "
                + say("text.about_prior", made=made))

    @friendly
    def model_changed(self, text_model):
        """Another text model: its description, its prior's checkbox and one of its example prompts."""
        name, studio = self.studio_of(text_model)
        has_bank = studio.bank is not None
        return self.about(name), gr.Checkbox(value=has_bank, interactive=has_bank), studio.domain.examples[0]

    def layout(self) -> SimpleNamespace:
        w = SimpleNamespace()
        has_bank, first = self.studio.bank is not None, self.classroom.text_model
        w.text_model = Dropdown(list(self.studios), value=first, label=L("text.model"), info=TEXT_MODEL_INFO)
        w.about = gr.Markdown(each_language(self.about, first))
        with gr.Row(equal_height=False):  # controls (Generate first) | result, in view beside them (lab/static/css)
            with gr.Column(scale=1, min_width=320):
                w.prompt = gr.Textbox(label=L("text.prompt"), value=EXAMPLES[0], max_lines=2)
                gr.Examples(examples_of(self.studios), inputs=w.prompt)
                with gr.Row():
                    w.go = gr.Button(L("common.generate"), variant="primary")
                    w.inspect_button = gr.Button(L("text.inspect"))
                sampling_controls(w, "dpm_solver_pp", 20, 100, 3.0, "text")
                w.use_prior = gr.Checkbox(value=has_bank, interactive=has_bank,
                                          label=L("text.use_prior" if has_bank else "text.no_prior"))
                w.where = where_radio()
            with gr.Column(scale=1, min_width=320, elem_classes=["dl-sticky", "dl-first"]):  # first on a phone
                w.browser = browser_sampler(BROWSER_ID)  # this browser's run: x_t | predicted x0, scrubber, PNG/GIF
                w.status = gr.Markdown(latex_delimiters=[])  # may quote the prompt: no $…$ maths from it
                w.images = gr.Gallery(label=L("text.images"), columns=4, object_fit="contain",
                                      elem_classes=["dl-main", "dl-result"], elem_id=IMAGES_ID)
                w.warning = gr.Markdown(latex_delimiters=[], elem_id=VERDICT_ID)  # quotes the prompt (escaped)
        self.memorising_layout(w)
        with gr.Row():
            w.concepts = gr.Dataframe(label=L("text.concepts"))
            w.nearest = gr.Gallery(label=L("text.nearest"), columns=4, height=260, elem_classes="dl-result")
        handout_row(w)
        return w

    def memorising_layout(self, w: SimpleNamespace):
        """Did it copy a training emoji? The last pictures' nearest training emoji (models with near_copies.json)."""
        lesson = self.studio.memorising
        with gr.Accordion(L("text.copies_box"), visible=lesson is not None) as w.copies_box:
            w.copies_note = gr.Markdown(each_language(lesson.report.sentence) if lesson else "", latex_delimiters=[])
            w.copies_button = gr.Button(L("text.copies_button"))
            w.copies = gr.Gallery(label=L("text.copies"), columns=8,
                                  object_fit="contain", elem_classes="dl-result")  # two pictures a row
            size = max(studio.pipe.config.image_size for studio in self.studios.values())
            w.drawn = gr.Textbox(visible=False, label="picture data", max_length=max_value_chars(size))

    def wire(self, w: SimpleNamespace):
        w.text_model.change(self.model_changed, w.text_model, [w.about, w.use_prior, w.prompt], **INTERACTIVE)
        w.go.click(self.start, inputs(self.start, w), [w.browser, w.status, w.images, w.copies], **INTERACTIVE)
        w.browser.submit(lambda: gr.Gallery(visible=True), None, w.images, **INTERACTIVE).then(
            self.text_to_image, inputs(self.text_to_image, w), [w.images, w.status], **SAMPLING)
        w.inspect_button.click(self.inspect_prompt, inputs(self.inspect_prompt, w), [w.concepts, w.nearest, w.warning],
                                  **INTERACTIVE)
        w.text_model.change(self.memorising_panel, w.text_model, [w.copies_box, w.copies_note, w.copies], **INTERACTIVE)
        w.copies_button.click(self.nearest_emoji, inputs(self.nearest_emoji, w), [w.copies, w.copies_note],
                              js=DRAWN_JS, **INTERACTIVE)
        wire_handout(w, text_pages, self.classroom, samples=True)


def render(classroom: Classroom) -> SimpleNamespace:
    """Tab 5 with its controls when a CLIP-conditioned model is installed, else a page saying what it would do."""
    tab = TextTab(classroom)
    if tab.studio is None:
        gr.Markdown(NOT_INSTALLED)
        return SimpleNamespace(handlers=tab)
    widgets = tab.layout()
    tab.script_api()  # before the page's own events, which are hidden: the script's keep the plain names
    tab.wire(widgets)
    widgets.handlers = tab
    return widgets
