import re

import numpy as np
import pytest
from tests.lab.messages import refusal


@pytest.fixture
def tab(demo):
    return demo.tabs.text.handlers


def test_text_to_image_handlers(tab):
    outputs = list(tab.text_to_image("a bold seven", 3.0, 5, "ddim", 0, 2))
    images, status = outputs[-1]
    assert len(images) == 2 and images[0].shape == (112, 112, 3) and "step 5/5" in status
    _, status = list(tab.text_to_image("seven " * 200, 1.0, 2, "ddim", 0, 1))[-1]
    assert "cut to its first" in status
    table, neighbours, warning = tab.inspect_prompt("ein Hund im Schnee")
    assert len(table) == 12 and len(neighbours) == 8 and warning and "Retrieval prior" in warning
    with_prior = list(tab.text_to_image("dark ankle boots", 3.0, 3, "ddim", 0, 1, True))[-1]
    without = list(tab.text_to_image("dark ankle boots", 3.0, 3, "ddim", 0, 1, False))[-1]
    assert "'boots' → 'boot'" in with_prior[1].replace("\\", "") and not np.array_equal(with_prior[0][0], without[0][0])


@pytest.mark.parametrize("call,expected", [
    (lambda tab: list(tab.text_to_image("   ", 3, 5, "ddim", 0, 2)), "prompt is empty"),
    (lambda tab: tab.inspect_prompt(""), "prompt is empty"),
    (lambda tab: list(tab.text_to_image("seven", 3, 5, "ddim", 0, 99)), "images must be between"),
])
def test_bad_input_gives_a_message_not_a_trace(tab, call, expected):
    assert re.search(expected, refusal(lambda: call(tab)))


def test_a_colour_emoji_model_has_its_own_place_in_tab_5(rgb_demo):
    """Two text models in one menu: the emoji one brings its CLIP, its prompt domain (what it knows, its warning)
    and draws 32×32 colour pictures, on the server and for the browser."""
    tab = rgb_demo.tabs.text.handlers
    assert list(tab.studios) == ["tiny_text", "tiny_rgb"] and rgb_demo.tabs.text.text_model.value == "tiny_text"
    about, prior, prompt = tab.model_changed("tiny_rgb")
    assert "32×32 colour" in about and prompt == "a red heart"
    *_, near = tab.inspect_prompt("a red heart", "tiny_rgb")
    assert "looks far" not in near
    *_, far = tab.inspect_prompt("a handwritten seven", "tiny_rgb")
    assert "looks far" in far and "only knows emoji" in far
    pictures, status = list(tab.text_to_image("a red heart", 2.0, 3, "ddim", 0, 2, False, "tiny_rgb"))[-1]
    assert len(pictures) == 2 and pictures[0].shape == (128, 128, 3)
    payload = tab.start("browser", "a red heart", 2.0, 3, "ddim", 0, 2, False, "tiny_rgb")[0]
    assert payload["plan"]["shape"] == [3, 32, 32] and payload["model"]["conditioning"]["dim"] == 128
    assert "no 'nope' among the choices for text model" in refusal(lambda: tab.inspect_prompt("a cat", "nope"))
