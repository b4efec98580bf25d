import base64
import io
import re

import gradio as gr
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from tests.lab.messages import refusal


def shown(data_url: str) -> np.ndarray:
    """The picture of the server's x_t, sent as an inline PNG (lab/forward_live.py: png_data_url)."""
    prefix = "data:image/png;base64,"
    assert data_url.startswith(prefix)
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(data_url[len(prefix):]))))


@pytest.fixture
def tab(demo):
    return demo.tabs.forward.handlers


def test_forward_handler(tab, x0):
    assert x0.shape == (1, 28, 28)
    xt, equation, hist, strip, live = tab.update_forward(x0, "cosine", 1000, 500, 0, False)
    xt = shown(xt)
    assert xt.shape == (224, 224, 3) and "t = 500" in equation and "0.702 · x0 + 0.713 · ε" in equation
    assert isinstance(hist, pd.DataFrame) and set(hist["series"]) == {"pixels of x_t", "N(0, 1)"}
    assert live["shape"] == [1, 28, 28] and live["T"] == 1000 and not live["markov"]
    again = shown(tab.update_forward(x0, "cosine", 1000, 500, 0, False)[0])
    assert np.array_equal(xt, again)  # same ε while t stays: the slider is reproducible
    eq_markov = tab.update_forward(x0, "linear", 1000, 300, 0, True)[1]
    assert "Markov chain (301 steps" in eq_markov
    at_t = tab.update_at_t(x0, "cosine", 1000, 500, 0, False)  # the slider let go: no strip, the same view
    assert len(at_t) == 3 and np.array_equal(shown(at_t[0]), xt) and at_t[1] == equation


def test_a_photo_stays_in_colour_for_tabs_1_and_2_and_turns_grey_for_the_models(tab):
    photo, model_x0, x0_shown = tab.choose_upload(Image.new("RGB", (1024, 600), (200, 30, 30)))
    assert photo.shape == (3, 300, 512) and model_x0.shape == (1, 28, 28) and x0_shown.shape == (300, 512, 3)
    xt, _, _, strip, live = tab.update_forward(photo, "linear", 1000, 0, 0, False)
    xt = shown(xt)
    assert xt.shape == (300, 512, 3) and abs(int(xt[..., 0].mean()) - 200) < 3 and xt[..., 1].mean() < 40
    assert strip["label"].startswith("x_t at t = 0, 143") and strip["value"].shape[0] > 0
    assert live["shape"] == [3, 300, 512]


def test_the_gallery_offers_photos_in_colour(tab, classroom):
    index = next(i for i, item in enumerate(classroom.gallery) if item.caption == "photo: astronaut")
    photo, model_x0, shown = tab.choose_from_gallery(gr.EventData(None, {"index": index, "value": None}))
    assert photo.shape == (3, 512, 512) and model_x0.shape == (1, 28, 28) and shown.shape == (512, 512, 3)


def test_drawing_is_read_as_white_on_black(tab):
    im = Image.new("RGBA", (280, 280))
    im.paste((0, 0, 0, 255), (100, 40, 180, 240))  # a black bar on a transparent canvas
    x0, model_x0, _ = tab.choose_drawing({"composite": im})
    assert x0.max() == 1 and x0[0, 0, 0] == -1


def test_new_noise_and_t_range(tab):
    assert tab.new_noise(4) == 5
    assert tab.set_t_range(100, 250).maximum == 99
    assert tab.set_t_range(None, 250) == gr.skip()  # update_forward says what is wrong


@pytest.mark.parametrize("call,expected", [
    (lambda tab: tab.update_forward(None, "linear", 1000, 5, 0, False), "Pick an image"),
    (lambda tab: tab.update_forward(np.zeros((1, 28, 28)), "linear", 10**9, 5, 0, False), "T must be between"),
    (lambda tab: tab.update_forward(np.zeros((1, 28, 28)), "nope", 1000, 5, 0, False), "Unknown schedule"),
    (lambda tab: tab.choose_drawing({"composite": Image.new("RGBA", (50, 50))}), "drawing is empty"),
    (lambda tab: tab.choose_drawing(None), "drawing is empty"),
    (lambda tab: tab.choose_upload(Image.new("L", (9000, 9000))), "million pixels"),
])
def test_bad_input_gives_a_message_not_a_trace(tab, call, expected):
    assert re.search(expected, refusal(lambda: call(tab)))


def test_a_script_s_forward_process_takes_a_picture_file(tab, tmp_path):
    """/forward (a script's endpoint): a picture file, else the gallery's first; a refusal is raised."""
    Image.new("RGB", (300, 200), (200, 30, 30)).save(tmp_path / "red.png")
    xt, equation = tab.forward(str(tmp_path / "red.png"), "cosine", 1000, 300, 0, False)
    assert xt.shape == (200, 300, 3) and "t = 300** of 1000 (cosine)" in equation  # a photo at its size, in colour
    first, equation = tab.forward(t=999)
    assert first.shape == (224, 224, 3) and "t = 999" in equation
    with pytest.raises(gr.Error, match=r"The t must be between 0 and 9 \(you gave 10\)"):
        tab.forward(T=10, t=10)
