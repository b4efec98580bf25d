"""The page's look, in one place: lab/static/css/classroom.css (main pictures sized to the window, empty results
collapsed, phone layout, presenter mode) and lab/static/js/page.js (presenter mode: the header toggle or ?present=1;
on a phone a chosen tab scrolls to the top, and the picture an action makes scrolls into view). Both go to
gr.mount_gradio_app (Gradio 6 takes css, js and the theme at launch, not in gr.Blocks), with the line plots' series
styles (lab/tabs/plots.py) and THEME: Gradio's default with the colours it draws text in darkened to a contrast of at
least 4.5:1 (WCAG AA) against their backgrounds."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

from lab.tabs.plots import series_css

STATIC = Path(__file__).resolve().parent / "static"
CSS_PATH = STATIC / "css" / "classroom.css"
PAGE_JS = STATIC / "js" / "page.js"
# contrast on white: neutral_400 #bbbbc2 1.9 → neutral_600 #52525b 7.7 (info text, slider ends, footer);
# white on primary_500 #f97316 2.8 → on primary_700 #c2410c 5.2 (primary buttons, the presenter toggle)
THEME = gr.themes.Default().set(
    body_text_color_subdued="*neutral_600", input_placeholder_color="*neutral_500",
    block_label_text_color="*neutral_600", checkbox_label_text_color="*body_text_color",
    button_primary_background_fill="*primary_700", button_primary_background_fill_hover="*primary_800",
    button_primary_border_color="*primary_700", button_primary_background_fill_dark="*primary_700",
    button_primary_background_fill_hover_dark="*primary_800", button_primary_border_color_dark="*primary_700")
PAGE_OPTIONS = dict(css_paths=[CSS_PATH], css=series_css(), js=PAGE_JS.read_text(encoding="utf-8"), theme=THEME)
TOGGLE_JS = "() => window.diffusionLab && window.diffusionLab.togglePresenter()"


def presenter_toggle() -> gr.Button:
    """The header's button: presenter mode on or off, in the browser only (no server call)."""
    button = gr.Button("Presenter mode", elem_classes="dl-present-toggle", size="sm", scale=0, min_width=150)
    button.click(None, None, None, js=TOGGLE_JS)
    return button
