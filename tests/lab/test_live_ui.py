"""lab/live_ui.py: the page's live class is one button in the header and one hidden panel under it, both run by
lab/static/js/live_class.mjs; it adds no Gradio event that reaches the server (the class talks over lab/live's
routes)."""
import json
import re

from lab.live_ui import PANEL_ID, TEMPLATE, live_panel, live_toggle
from lab.view_link import FIELDS
from lab.view_link_ui import COPY_JS, LINK_BUTTON_ID
from tests.conftest import ROOT


def test_the_panel_tells_the_module_the_view_fields_and_the_button_that_gives_the_view():
    fields = json.loads(re.search(r"data-fields='([^']*)'", TEMPLATE).group(1))
    assert fields == list(FIELDS)
    assert f'data-view-button="{LINK_BUTTON_ID}"' in TEMPLATE and " hidden " in TEMPLATE
    assert "dl-view-link" in COPY_JS  # the copy button announces the view the teacher shows
    assert (ROOT / "lab" / "static" / "js" / "live_class.mjs").exists()


def test_the_toggle_runs_in_the_browser_only_and_the_panel_loads_the_module():
    import gradio as gr

    with gr.Blocks() as blocks:
        live_toggle()
        panel = live_panel()
    assert panel.elem_id == PANEL_ID and "live_class.mjs" in panel.js_on_load
    (toggle,) = blocks.fns.values()
    assert toggle.fn is None and "toggleLive" in toggle.js


def test_the_page_has_the_live_class_in_its_header(demo):
    blocks = {getattr(b, "elem_id", None) for b in demo.blocks.values()}
    assert PANEL_ID in blocks and LINK_BUTTON_ID in blocks
    assert any("dl-live-toggle" in (getattr(b, "elem_classes", None) or []) for b in demo.blocks.values())
