"""The Blocks of Diffusion Lab: the intro, a warning about models that could not be loaded, and the six tabs, each
laid out and wired by its own module in lab/tabs/."""
from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from lab import view_link_ui
from lab.classroom import Classroom
from lab.i18n.page import L
from lab.live_ui import live_panel, live_toggle
from lab.page import language_switch, presenter_toggle
from lab.server.gradio_tuning import tune
from lab.server.input_gate import guard_inputs
from lab.tabs import denoise, forward, playground, sampling, schedules, text
from lab.tabs.handout import HANDOUTS
from lab.view_link import TABS

INTRO = L("header.intro")  # "# Diffusion Lab" and what a diffusion model does, in the page's language
# Gradio keeps every picture it sends in its cache folder: every minute, remove those older than 2 minutes.
DELETE_CACHE = (60, 120)
TAB_NAMES = tuple(L(f"tabs.{tab}") for tab in TABS)  # "1 · Forward noise", …


def problems_banner(classroom: Classroom) -> list[str] | None:
    zoo = classroom.zoo
    if not zoo.problems and zoo.names(with_time=True):
        return None
    # names only: the page is public, and a loader's text carries paths (the details: the server's log,
    # lab/server/health.py)
    # one gr.I18n key per sentence: the browser translates the first key of a string
    return [L("header.not_loaded") + (": " + ", ".join(zoo.problems) if zoo.problems else ""),
            *([] if zoo.names(with_time=True) else [L("header.no_model") + " " + zoo.how_to_get_models()])]


def build_demo(classroom: Classroom) -> gr.Blocks:
    """demo.tabs holds each tab's widgets and handlers (`demo.tabs.forward.handlers.update_forward`, …)."""
    for downloads in (classroom.exports, HANDOUTS):
        downloads.serve_in_place()  # served where they are written: no second copy in Gradio's cache
    with gr.Blocks(title="Diffusion Lab", delete_cache=DELETE_CACHE) as demo:
        with gr.Row(elem_classes="dl-header"):
            gr.Markdown(INTRO, elem_classes="dl-intro")
            live_toggle()  # start a class, or join one (lab/live_ui.py)
            presenter_toggle()  # large type and pictures for a projector (also ?present=1)
            language_switch()  # the page's language (also ?lang=de; lab/i18n)
        live_panel()  # the class: its code and QR, the view shown, the question asked (hidden until used)
        for sentence in problems_banner(classroom) or ():
            gr.Markdown(sentence)
        link = view_link_ui.layout(classroom)  # "copy link to this view" and its box
        tab = dict(zip(TABS, TAB_NAMES))  # a link names a tab by its id (lab/view_link.py)
        with gr.Tabs(overflow_behavior="wrap") as tab_bar:  # on a phone every tab shows, wrapped onto more lines
            with gr.Tab(tab["forward"], id="forward") as forward_tab:
                shared = forward.render(classroom, demo)  # the chosen image, noise seed, T and t
            with gr.Tab(tab["schedules"], id="schedules") as schedules_tab:
                schedules_widgets = schedules.render(shared, schedules_tab, demo)
            with gr.Tab(tab["denoise"], id="denoise") as denoise_tab:
                denoise_widgets = denoise.render(classroom, shared, demo)
            with gr.Tab(tab["sampling"], id="sampling") as sampling_tab:
                sampling_widgets = sampling.render(classroom)
            with gr.Tab(tab["text"], id="text") as text_tab:
                text_widgets = text.render(classroom)
            with gr.Tab(tab["playground"], id="playground") as playground_tab:
                playground_widgets = playground.render(classroom)
        demo.tabs = SimpleNamespace(forward=shared, schedules=schedules_widgets, denoise=denoise_widgets,
                                    sampling=sampling_widgets, text=text_widgets, playground=playground_widgets)
        # on page load the link's view is set, then tabs 1-2 (and 3 when the link opens it) are drawn
        demo.links = view_link_ui.render(classroom, demo, tab_bar,
                                         dict(zip(TABS, (forward_tab, schedules_tab, denoise_tab,
                                                         sampling_tab, text_tab, playground_tab))), link)
    # each event names its lane (lab/tabs/common.py); waiting pages hear their place in the queue every second
    # ("auto" told every waiting event each time one started: n² messages for a class arriving at once)
    demo.queue(default_concurrency_limit=2, max_size=512, status_update_rate=1)
    tune(demo, classroom.interactive)  # the Gradio adjustments, each checked first (lab/server/gradio_tuning.py)
    guard_inputs(demo)  # every event's inputs checked by the app before Gradio touches them (lab/server/input_gate.py)
    document_api(demo)
    return demo


# What the API page lists: what a script or a notebook would call (gradio_client; README "Call it from Python"), each
# under a clear name and described by its handler's docstring. Every other event is the page's own helper: hidden
# from the API page but still checked by the input gate, since a hidden endpoint can still be called.
PUBLIC_API = {"forward", "schedules", "denoise", "sample", "text_to_image", "inspect_prompt", "playground_train",
              "playground_sample"}


def document_api(demo: gr.Blocks):
    """List on the API page only the endpoints of PUBLIC_API (each once, under its own name)."""
    for block_fn in demo.fns.values():
        if block_fn.api_visibility == "public" and block_fn.api_name not in PUBLIC_API:
            block_fn.api_visibility = "undocumented"
