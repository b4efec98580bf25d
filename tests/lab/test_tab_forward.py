import gradio as gr
import numpy as np
import pandas as pd
import pytest
from PIL import Image


@pytest.fixture
def tab(demo):
    return demo.tabs.forward.handlers


def test_forward_handler(tab, x0):
    assert x0.shape == (1, 28, 28)
    xt, equation, hist, strip = tab.update_forward(x0, "cosine", 1000, 500, 0, False)
    assert xt.shape == (224, 224, 3) and "t = 500" in equation and "0.702 · x0 + 0.713 · ε" in equation
    assert isinstance(hist, pd.DataFrame) and set(hist["series"]) == {"pixels of x_t", "N(0, 1)"}
    again = tab.update_forward(x0, "cosine", 1000, 500, 0, False)[0]
    assert np.array_equal(xt, again)  # same ε while t stays: the slider is reproducible
    _, eq_markov, _, _ = tab.update_forward(x0, "linear", 1000, 300, 0, True)
    assert "Markov chain (301 steps" in eq_markov


def test_drawing_is_read_as_white_on_black(tab):
    im = Image.new("RGBA", (280, 280))
    im.paste((0, 0, 0, 255), (100, 40, 180, 240))  # a black bar on a transparent canvas
    x0, _ = tab.choose_drawing({"composite": im})
    assert x0.max() == 1 and x0[0, 0, 0] == -1


def test_new_noise_and_t_range(tab):
    assert tab.new_noise(4) == 5
    assert tab.set_t_range(100, 250).maximum == 99 and tab.set_t_range(None, 250).maximum == 999


@pytest.mark.parametrize("call,expected", [
    (lambda tab: tab.update_forward(None, "linear", 1000, 5, 0, False), "Pick an image"),
    (lambda tab: tab.update_forward(np.zeros((1, 28, 28)), "linear", 10**9, 5, 0, False), "T must be between"),
    (lambda tab: tab.update_forward(np.zeros((1, 28, 28)), "nope", 1000, 5, 0, False), "unknown schedule"),
    (lambda tab: tab.choose_drawing({"composite": Image.new("RGBA", (50, 50))}), "drawing is empty"),
    (lambda tab: tab.choose_drawing(None), "drawing is empty"),
    (lambda tab: tab.choose_upload(Image.new("L", (9000, 9000))), "40 megapixels"),
])
def test_bad_input_gives_a_message_not_a_trace(tab, call, expected):
    with pytest.raises(gr.Error, match=expected):
        call(tab)
