"""The handout: each tab's pages from its widgets' values, the PDF's page count, the button in every tab, the command
line over the tiny models (tests/fixtures.py)."""
import inspect
import re
import warnings
from pathlib import Path

import gradio as gr
import pytest
from PIL import Image

from lab.handout.__main__ import main
from lab.handout.page import write_pdf
from lab.handout.tabs import forward_pages, schedules_pages
from lab.i18n import words
from lab.tabs.common import HEAVY, INTERACTIVE, REQUEST, inputs
from tests.fixtures import make_tiny_models

FEWER_STEPS = {"sampling": {"steps": 3}, "text": {"steps": 3}}  # the tiny models: a quick run
TABS = {"forward": INTERACTIVE, "schedules": INTERACTIVE, "denoise": INTERACTIVE, "sampling": HEAVY, "text": HEAVY}


def page_count(path: Path) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:  # matplotlib writes every page as one '/Type /Page' object
        return len(re.findall(rb"/Type\s*/Page\b", Path(path).read_bytes()))
    return len(PdfReader(path).pages)


def widget_values(w, handler) -> dict:
    """What the tab's widgets hold when the page opens, by the handler's parameter names."""
    names = [name for name in inspect.signature(handler).parameters if name != REQUEST]
    return dict(zip(names, (c.value for c in inputs(handler, w))))


@pytest.mark.parametrize("tab", TABS)
def test_every_tab_has_a_button_that_renders_its_current_values(demo, tab):
    w = getattr(demo.tabs, tab)
    assert words(w.handout_button.value, "en") == "Download this lesson (PDF)"
    file = w.handout(**widget_values(w, w.handout) | FEWER_STEPS.get(tab, {}))
    assert file.visible and file.value["orig_name"] == f"diffusion_lab_{tab}.pdf"
    assert page_count(file.value["path"]) == 1
    click = [fn for fn in demo.fns.values() if fn.outputs == [w.handout_file]]
    assert len(click) == 1 and click[0].concurrency_id == TABS[tab]["concurrency_id"]


def message_of(call) -> str:
    """The sentence a student sees: the handler's gr.Error, or the toast of its refusal (a gr.Warning)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            call()
        except gr.Error as e:
            return e.message
    return " ".join(str(w.message) for w in caught)


@pytest.mark.parametrize("tab,values,expected", [
    ("schedules", ([], 1000, 10, None, 0), "tick at least one"),
    ("forward", (None, "linear", 1000, 10, 0, False), "Pick an image first"),
    ("forward", (None, "linear", None, 10, 0, False), "T box is empty"),
    ("denoise", ("tiny_cond", None, None, "t", 10, 0, 0), "Pick an image first"),
    ("denoise", ("tiny_cond", None, None, "noise %", 10, 300, 0), "noise % must be between 0 and 100"),
    ("sampling", ("tiny_cond", "ddim", 0, 0, 0, 1, -1, 1, False), "steps"),
])
def test_bad_values_give_a_sentence(demo, tab, values, expected):
    assert expected.lower() in message_of(lambda: getattr(demo.tabs, tab).handout(*values)).lower()


def test_pages_of_several_tabs_make_one_pdf(x0, tmp_path):
    pages = forward_pages(x0, "cosine", 1000, 300, 0) + schedules_pages(["linear", "cosine"], 1000, 300, x0, 0)
    path = write_pdf(pages, tmp_path / "two.pdf")
    assert page_count(path) == 2
    pages[0].figure.savefig(tmp_path / "forward.png", dpi=40)  # the same page as a picture
    assert (tmp_path / "forward.png").stat().st_size > 1000


def test_the_command_line_prints_every_tab_offline(tmp_path, capsys):
    models = make_tiny_models(tmp_path / "models", with_clip=True)
    fast = ["--models", str(models), "--model", "tiny_cond", "--steps", "3", "--n", "2"]
    assert main(["--tab", "all", "--out", str(tmp_path / "all.pdf"), *fast]) == 0
    assert page_count(tmp_path / "all.pdf") == 5 and "5 pages" in capsys.readouterr().out


def test_the_command_line_prints_one_tab_or_says_why_not(classroom, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr("lab.handout.__main__.load_classroom", lambda models: classroom)
    assert main(["--tab", "forward", "--t", "300", "--schedule", "cosine", "--out", str(tmp_path / "one.pdf")]) == 0
    assert page_count(tmp_path / "one.pdf") == 1
    Image.new("RGB", (120, 80), (200, 30, 30)).save(tmp_path / "photo.png")
    assert main(["--tab", "schedules", "--image", str(tmp_path / "photo.png"), "--out", str(tmp_path / "two.pdf")]) == 0
    assert main(["--tab", "denoise", "--model", "missing", "--out", str(tmp_path / "no.pdf")]) == 2
    assert "not loaded" in capsys.readouterr().err and not (tmp_path / "no.pdf").exists()
    assert main(["--tab", "forward", "--image", "99", "--out", str(tmp_path / "no.pdf")]) == 2
    assert "a number from 0 to" in capsys.readouterr().err


def test_a_prompt_with_dollars_or_markup_prints_as_typed(demo):
    """matplotlib reads $…$ as maths: a prompt is drawn as plain text (a toast would otherwise show its parser's
    error, HTML included)."""
    w = demo.tabs.text
    values = widget_values(w, w.handout) | FEWER_STEPS.get("text", {})
    for prompt in ("a $5 shirt", r"a bold seven $\undefinedcmd$ <b>x</b>"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # an event loop another test left to the garbage collector may be reported here; not the handout's
            warnings.simplefilter("ignore", ResourceWarning)
            file = w.handout(**values | {"prompt": prompt})
        assert file.visible and not caught, [str(c.message) for c in caught]


def test_a_colour_picture_prints_in_colour_in_a_frame_and_stays_a_shape_in_black_and_white():
    """A red disc on white (an emoji's kind of picture), printed as a black-and-white printer does (BT.601 luma):
    the disc stays darker than the paper and its frame is black."""
    import numpy as np

    from lab.handout.page import Page

    yy, xx = np.mgrid[:32, :32]
    picture = np.full((32, 32, 3), 255, np.uint8)
    picture[(yy - 16) ** 2 + (xx - 16) ** 2 < 100] = (220, 30, 40)
    page = Page("colour", "")
    page.pictures([(picture, "a red disc")], height=0.3)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(page.figure)
    canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[..., :3].astype(float)
    luma = rgb @ np.array([0.299, 0.587, 0.114])
    red = (rgb[..., 0] > 180) & (rgb[..., 1] < 80)  # printed in its colour, not through a grey colour map
    assert red.sum() > 1000
    assert luma[red].max() < 255 - 120  # in black and white: a dark disc on white paper
    x0, y0, x1, y1 = page.figure.axes[0].get_window_extent().extents.round().astype(int)  # the picture's box
    top, bottom = luma.shape[0] - y1, luma.shape[0] - y0  # rows counted from the top
    near = np.arange(-2, 3)  # within 2 pixels of the box's edge
    rows, cols = np.arange(top, bottom), np.arange(x0, x1)
    edges = [luma[np.ix_(rows, x0 + near)].min(1), luma[np.ix_(rows, x1 - 1 + near)].min(1),  # darkest across the edge
             luma[np.ix_(top + near, cols)].min(0), luma[np.ix_(bottom - 1 + near, cols)].min(0)]
    assert all(np.median(edge) < 60 for edge in edges)  # four black sides around the picture


def test_a_refused_value_is_a_value_error_without_gradio(x0):
    """lab/handout stands below the tabs: its refusals are lab.checks.InputError (a ValueError), which the tabs'
    `friendly` shows as a toast and the command line prints."""
    from lab.checks import InputError

    with pytest.raises(InputError, match="tick at least one"):
        schedules_pages([], 1000, 10, x0, 0)
    with pytest.raises(ValueError, match="Pick an image first"):
        forward_pages(None, "linear", 1000, 10, 0)
