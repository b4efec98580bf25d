"""Each tab's handout from the values of its widgets (the parameters are named after them, as in the tabs' own
handlers): the lesson functions compute what the tab shows, pages.py lays it out. No Gradio here: a refused value
raises lab.checks.InputError (a ValueError) with a sentence. Tabs 4 and 5 hand in the classroom: its values are
checked as the tab checks them (lessons' sampling_request, text_request) and its runs share the class's batcher,
so the same seed gives the same images as on screen."""
from __future__ import annotations

from diffusion_core import SCHEDULE_NAMES
from diffusion_core.images import picture
from lab.checks import MAX_T, InputError, check_range, one_of, require_image, whole_number
from lab.handout.page import Page
from lab.handout.pages import denoise_page, forward_page, sampling_page, schedule_page, text_page
from lab.i18n import text
from lab.lessons.denoise import denoise_view, model_input, percent_to_t
from lab.lessons.forward import display_scale, fixed_noise, forward_view
from lab.lessons.noise_level import num_levels
from lab.lessons.sampling import SAMPLER_LABELS, UNCONDITIONAL, batched_trajectory, sampling_request
from lab.lessons.schedules import noised_by_each_schedule, schedule_curves, schedule_table
from lab.lessons.text import batched_pictures, text_request


def forward_pages(x0, schedule: str, T: int, t: int, seed: int, markov: bool = False) -> list[Page]:
    """Tab 1: the picture as it is (a photo stays in colour), noised at t."""
    T, t = noise_steps(T, t)
    x0 = require_image(x0)
    view = forward_view(x0, schedule, T, t, fixed_noise(x0.shape, int(seed)), markov=bool(markov), seed=int(seed))
    return [forward_page(view, picture(x0, display_scale(x0)), int(seed))]


def schedules_pages(names: list[str], T: int, t: int, x0, seed: int) -> list[Page]:
    """Tab 2: every ticked schedule; tab 1's picture at t under each (none before a picture is chosen)."""
    T, t = noise_steps(T, t)
    if not names:
        raise InputError(text("handout.none_ticked"))
    for name in names:
        one_of("each schedule", name, SCHEDULE_NAMES)
    noised = []
    if x0 is not None:
        x0 = require_image(x0)
        noised = noised_by_each_schedule(x0, t, fixed_noise(x0.shape, int(seed)), names, T)
    return [schedule_page(schedule_curves(names, T, marker_t=t), schedule_table(names, T), noised, T, t)]


def denoise_pages(zoo, model: str, photo, x0, mode: str, t: int, percent: float, seed: int) -> list[Page]:
    """Tab 3: tab 1's picture as the model sees it, noised at t (or at a noise %), and the model's guesses."""
    pipe = zoo.get(model)
    if mode == "noise %":
        check_range("noise %", percent, 0, 100)
        t = percent_to_t(float(percent), num_levels(pipe))
    else:
        check_range("t", t, 0, num_levels(pipe) - 1)
    x0 = model_input(require_image(photo), require_image(x0), pipe.config.in_channels, pipe.config.image_size)
    return [denoise_page(denoise_view(pipe, x0, int(t), fixed_noise(x0.shape, int(seed))), model)]


def noise_steps(T, t) -> tuple[int, int]:
    """The T box and the t slider of tabs 1 and 2, checked: t is clamped to T − 1, as the tabs show it."""
    T = whole_number("T", T, 2, MAX_T)
    check_range("t", t, 0, MAX_T - 1)
    return T, min(int(t), T - 1)


def sampling_pages(classroom, model, sampler, steps, eta, seed, n, label, guidance,
                   limit_guidance=False) -> list[Page]:
    """The run of tab 4's settings, recorded on the server (as the tab's server path does)."""
    r = sampling_request(classroom.zoo, model, sampler, steps, eta, seed, n, label, guidance, limit_guidance)
    *_, (_, frames) = batched_trajectory(classroom.batcher, r.pipe, r.n, r.labels, r.seed, r.steps, **r.kwargs)
    settings = [text("handout.run_line", model=model, sampler=SAMPLER_LABELS[sampler], steps=r.steps, seed=r.seed),
                text("handout.images_line", n=r.n, which=class_name(r.pipe, r.label), guidance=f"{float(guidance):g}")
                + (" ({} < σ_t ≤ {})".format(*r.interval) if r.interval else "")
                + (f" · η = {r.kwargs['eta']:g}" if sampler == "ddim" else "")]
    return [sampling_page(frames, settings)]


def text_pages(classroom, prompt, guidance, steps, sampler, seed, n, use_prior=True, text_model=None) -> list[Page]:
    """Tab 5's prompt: its images (sampled on the server with the tab's settings) and the inspector's report."""
    r = text_request(classroom, prompt, guidance, steps, sampler, seed, n, text_model)
    *_, (_, images) = batched_pictures(classroom.batcher, r.studio, r.text, r.n, r.seed, bool(use_prior), r.steps,
                                       sampler=sampler, guidance_scale=r.guidance)
    settings = [text("handout.run_line", model=r.model, sampler=SAMPLER_LABELS[sampler], steps=r.steps, seed=r.seed)
                + f" · w = {r.guidance:g}", text("handout.prior_on" if use_prior else "handout.prior_off")]
    return [text_page(r.text, images, r.studio.inspect(r.text), settings, r.studio.domain.knows)]


def class_name(pipe, label: int) -> str:
    if not pipe.config.num_classes or label == UNCONDITIONAL:
        return text("sampling.no_class")
    names = pipe.info.get("class_names") or [str(i) for i in range(pipe.config.num_classes)]
    return text("sampling.each_class") if label < 0 else text("handout.class", name=names[label])
