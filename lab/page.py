"""The page's look, in one place: lab/static/css/classroom.css (main pictures sized to the window, empty results
collapsed, phone layout, presenter mode) and lab/static/js/page.js (presenter mode: the header toggle or ?present=1;
on a phone a chosen tab scrolls to the top, and the picture an action makes scrolls into view). Both go to
gr.mount_gradio_app (Gradio 6 takes css, js and the theme at launch, not in gr.Blocks), with the line plots' series
styles (lab/tabs/plots.py) and THEME: Gradio's default with the colours it draws text in darkened to a contrast of at
least 4.5:1 (WCAG AA) against their backgrounds."""
from __future__ import annotations

from pathlib import Path

import gradio as gr

from lab.i18n import LANGS, NAMES
from lab.i18n.page import I18N, L
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
PAGE_OPTIONS = dict(css_paths=[CSS_PATH], css=series_css(), js=PAGE_JS.read_text(encoding="utf-8"), theme=THEME,
                    i18n=I18N)  # the page's words in each language (lab/i18n)
TOGGLE_JS = "() => window.diffusionLab && window.diffusionLab.togglePresenter()"


def presenter_toggle() -> gr.Button:
    """The header's button: presenter mode on or off, in the browser only (no server call)."""
    button = gr.Button(L("header.presenter"), elem_classes="dl-present-toggle", size="sm", scale=0, min_width=150)
    button.click(None, None, None, js=TOGGLE_JS)
    return button


# The header's language switch, in the browser only: the choice is kept (localStorage) and put in the address
# (?lang=, so a copied link carries it), and the page opens again in it (lab/static/js/lang_first.js).
SWITCH_JS = """
const select = element.querySelector("select");
select.value = (window.diffusionLab && window.diffusionLab.lang) || "en";
select.addEventListener("change", () => {
  try { window.localStorage.setItem("dl-lang", select.value); } catch (e) { /* the address still carries it */ }
  const url = new URL(window.location.href);
  url.searchParams.set("lang", select.value);
  window.location.assign(url);
});"""


def language_switch() -> gr.HTML:
    options = "".join(f'<option value="{lang}" lang="{lang}">{NAMES[lang]}</option>' for lang in LANGS)
    return gr.HTML(f'<label class="dl-lang-switch"><span>{L("header.language")}</span> <select>{options}</select>'
                   "</label>", js_on_load=SWITCH_JS, min_width=150, scale=0)
