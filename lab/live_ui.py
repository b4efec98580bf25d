"""A live class on the page: the header's "Live class" button and the panel under the header, both run in the browser
by lab/static/js/live_class.mjs (with live_teacher.mjs, live_student.mjs, live_common.mjs, live_gallery.mjs and
live_model.mjs). The class itself talks to
the server over lab/live's JSON routes and its event stream (GET /lab/live/<code>/events), never through Gradio: a
class of thirty adds no Gradio event per student.

    teacher   "Start a class" -> the code, the join link and its QR; "Show this view to the class" sends the view
              that "Copy link to this view" writes; "Ask" a question of the bank, then Reveal / Close; results live
    student   /?live=CODE (or the code typed in the panel) -> "Join"; the page follows the views the teacher shows
              (it opens the view's link, keeping live=CODE) and answers the question on screen

The teacher's key and a student's token stay in the tab's sessionStorage: never in the address bar, so a copied link
or a screenshot of it gives nobody the class."""
from __future__ import annotations

import json

import gradio as gr

from lab.forward_live import SLIDER_ID
from lab.i18n.page import L
from lab.tabs.denoise import DENOISE_T_ID
from lab.tabs.sampling import SAMPLING_STEPS_ID
from lab.view_link import FIELDS
from lab.view_link_ui import FOLLOW_BUTTON_ID, LINK_BUTTON_ID

PANEL_ID = "live-class"  # the panel's elem_id (the browser test finds it there)
# data-fields: a view's own parameters (a followed view replaces them, keeps ?live= and ?present=); data-view-button:
# the button whose press makes the page announce its view; data-follow-button: the one that opens a followed view;
# data-widgets: "tab:widget" of a question (lab/live/questions.py) -> the elem_id of the slider that answers it
WIDGETS = {"forward:t": SLIDER_ID, "denoise:t": DENOISE_T_ID, "sampling:steps": SAMPLING_STEPS_ID,
           "playground:num_steps": "playground-steps"}
TEMPLATE = (f"<div class=\"dl-live\" hidden aria-live=\"polite\" data-fields='{json.dumps(FIELDS)}' "
            f"data-view-button=\"{LINK_BUTTON_ID}\" data-follow-button=\"{FOLLOW_BUTTON_ID}\" "
            f"data-widgets='{json.dumps(WIDGETS)}'></div>")
JS_ON_LOAD = """
const root = ((window.gradio_config && window.gradio_config.root) || document.baseURI).replace(/\\/?$/, "/");
import(root + "lab/static/js/live_class.mjs").then((m) => m.mount(element.querySelector(".dl-live"), root));
"""
TOGGLE_JS = "() => window.diffusionLab && window.diffusionLab.toggleLive && window.diffusionLab.toggleLive()"


def live_toggle() -> gr.Button:
    """The header's button: opens the panel (start a class, or join one with its code); in the browser only."""
    button = gr.Button(L("header.live"), elem_classes="dl-live-toggle", size="sm", scale=0, min_width=120)
    button.click(None, None, None, js=TOGGLE_JS)
    return button


def live_panel() -> gr.HTML:
    """The panel: empty and hidden until a class is started or joined (its style: lab/static/css/classroom.css)."""
    return gr.HTML(None, html_template=TEMPLATE, js_on_load=JS_ON_LOAD, container=False, apply_default_css=False,
                   elem_id=PANEL_ID)
