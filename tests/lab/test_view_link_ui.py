"""lab/view_link_ui.py: a page opened from a link gets that link's tab and widget values; the copy button writes the
current values as a link that reads back as the same view; a garbled link changes nothing."""
from urllib.parse import parse_qsl, urlencode

import gradio as gr
import numpy as np
import pytest

from lab.view_link import view_of


@pytest.fixture(scope="module")
def links(demo):
    return demo.links.handlers


def opened(links, query: dict) -> dict:
    """The widget values a page-load with this query string sets, by (tab, widget name)."""
    out = links.restore("?" + urlencode(query))
    names = {}
    for tab, widgets in vars(links.tabs).items():  # a shared widget (tab 1's t, x0) is named after its first tab
        for name, widget in vars(widgets).items():
            names.setdefault(id(widget), (tab, name))
    names.update({id(links.w.tab): ("link", "tab"), id(links.w.image): ("link", "image"),
                  id(links.tab_bar): ("link", "bar")})
    return {names[id(widget)]: getattr(value, "value", value) if not isinstance(value, np.ndarray) else value
            for widget, value in out.items()}


def test_a_tab_1_link_sets_tab_picture_schedule_and_t(links, demo):
    values = opened(links, {"tab": "forward", "t": "700", "schedule": "cosine", "image": "3", "present": "1"})
    assert links.tab_bar in links.restore("?tab=forward")
    assert values[("link", "tab")] == "forward" and values[("link", "image")] == 3
    assert values[("forward", "t")] == 700 and values[("forward", "schedule")] == "cosine"
    np.testing.assert_array_equal(values[("forward", "x0")], demo.tabs.forward.handlers.choose_from_gallery(
        gr.EventData(None, {"index": 3, "value": None}))[0])


def test_a_tab_4_link_sets_the_model_with_its_class_and_sampler(links):
    model = links.tabs.sampling.model.value
    values = opened(links, {"tab": "sampling", "model": model, "sampler": "ddim", "steps": "30", "seed": "42",
                            "class": "7", "guidance": "3.5"})
    assert values[("sampling", "model")] == model and values[("sampling", "label")] == 7
    assert values[("sampling", "sampler")] == "ddim" and values[("sampling", "steps")] == 30
    assert values[("sampling", "seed")] == 42 and values[("sampling", "guidance")] == 3.5
    assert not any(tab == "text" for tab, _ in values)


def test_a_tab_5_link_sets_the_prompt_and_tab_5s_sampler_row(links):
    values = opened(links, {"tab": "text", "prompt": "dark ankle boots", "sampler": "ddim", "steps": "12", "seed": "5"})
    assert values[("text", "prompt")] == "dark ankle boots" and values[("text", "sampler")] == "ddim"
    assert values[("text", "steps")] == 12 and values[("text", "seed")] == 5


def test_a_garbled_link_changes_nothing(links):
    for query in ("?tab=x&t=lots&model=gpt&class=cat", "?", "", None):
        out = links.restore(query)
        # never {}: Gradio takes an empty dict for one value of many outputs and puts an error on every box
        assert out and all(value == gr.skip() for value in out.values())


def test_the_copied_link_reads_back_as_the_view_on_screen(links):
    s, f = links.tabs.sampling, links.tabs.forward
    on_screen = {links.w.tab: "sampling", links.w.image: 3, f.schedule: "cosine", f.T: 500, f.t: 123,
                 s.model: s.model.value, s.label: 4, s.sampler: "ddim", s.steps: 25, s.seed: 9, s.guidance: 2.0}
    query = links.link(on_screen)
    view = view_of(dict(parse_qsl(query[1:])), links.known)
    assert view == {"tab": "sampling", "image": 3, "schedule": "cosine", "T": 500, "t": 123, "model": s.model.value,
                    "sampler": "ddim", "steps": 25, "seed": 9, "class": 4, "guidance": 2.0}
    assert "image=none" in links.link({links.w.image: None})  # an upload cannot travel in a link


def test_a_tab_3_link_sets_its_model_and_t_and_draws_the_denoising(links, demo):
    d = links.tabs.denoise
    model = d.model.choices[-1][1]
    values = opened(links, {"tab": "denoise", "model": model, "t": "600"})
    assert values[("denoise", "model")] == model and values[("denoise", "t")] == 600
    assert values[("denoise", "mode")] == "t"
    x0 = demo.tabs.forward.model_x0.value
    panels, metrics, _ = links.redraw_denoise("denoise", model, x0, x0, "t", 600, 50, 0)
    assert len(panels) == 5 and len(metrics) > 0
    assert links.redraw_denoise("forward", model, x0, x0, "t", 600, 50, 0) == (gr.skip(),) * 3  # other tabs: its button
