"""The page's look, in one place: lab/static/css/classroom.css (main pictures sized to the window, empty results
collapsed, phone layout, presenter mode) and lab/static/js/page.js (presenter mode: the header toggle or ?present=1;
on a phone a chosen tab scrolls to the top, and the picture an action makes scrolls into view). Both go to
gr.mount_gradio_app (Gradio 6 takes css and js at launch, not in gr.Blocks)."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

STATIC = Path(__file__).resolve().parent / "static"
CSS_PATH = STATIC / "css" / "classroom.css"
PAGE_JS = STATIC / "js" / "page.js"
PAGE_OPTIONS = dict(css_paths=[CSS_PATH], js=PAGE_JS.read_text(encoding="utf-8"))
TOGGLE_JS = "() => window.diffusionLab && window.diffusionLab.togglePresenter()"


def presenter_toggle() -> gr.Button:
    """The header's button: presenter mode on or off, in the browser only (no server call)."""
    button = gr.Button("Presenter mode", elem_classes="dl-present-toggle", size="sm", scale=0, min_width=150)
    button.click(None, None, None, js=TOGGLE_JS)
    return button
