import logging
from types import SimpleNamespace

import gradio as gr
import pytest

from lab.tabs.common import check_range, friendly, inputs, one_of, require_image, whole_number
from tests.lab.messages import refusal


def test_inputs_follow_the_handlers_parameter_names():
    def handler(model, t, evt=None):
        return model, t

    widgets = SimpleNamespace(t="the t slider", model="the model menu", unused="x")
    assert inputs(handler, widgets) == ["the model menu", "the t slider"]
    with pytest.raises(TypeError, match=r"needs widgets named \['t'\]"):
        inputs(handler, SimpleNamespace(model=1))


def test_friendly_shows_a_sentence_and_keeps_every_output(caplog):
    @friendly
    def broken(x):
        raise ValueError("x must be positive")

    @friendly
    def stream():
        yield 1
        raise KeyError("oops")

    @friendly
    def mistaken():
        raise gr.Error("Pick an image first")

    assert refusal(lambda: broken(1)) == "X must be positive."  # a sentence: capital letter, full stop
    assert refusal(lambda: mistaken()) == "Pick an image first."
    with caplog.at_level(logging.ERROR, logger="diffusion_lab"):
        assert refusal(lambda: list(stream())).startswith("Something went wrong on the server")
    assert "KeyError" in caplog.text and "oops" in caplog.text  # the fault's traceback is in the log


def test_checks_say_what_is_wrong():
    for value in (None, float("nan"), "abc", 9):
        with pytest.raises(gr.Error, match="steps must be"):
            check_range("steps", value, 1, 5)
    assert check_range("t", "2.5", 0, 5) == 2.5
    with pytest.raises(gr.Error, match="Pick an image"):
        require_image(None)
    assert require_image([[[0.5]]]).shape == (1, 1, 1)
    assert one_of("sampler", "ddim", [("DDIM", "ddim")]) == "ddim"
    with pytest.raises(gr.Error, match="There is no 'euler' among the choices for sampler: pick one of DDIM"):
        one_of("sampler", "euler", [("DDIM", "ddim")])


def test_number_boxes_take_whole_numbers_and_say_what_to_type():
    assert whole_number("seed", 7.0, 0, 10) == 7 and whole_number("seed", "3", 0, 10) == 3
    for value, message in ((None, "box is empty"), ("", "box is empty"), ("abc", "whole number"),
                           (10**30, r"between 0 and 10 \(you gave 1e\+30\)"), (2**70, "between 0 and 10"),
                           (-1, "between 0 and 10"), (float("nan"), "not a number"), (2.5, "whole number such as 2"),
                           (float("inf"), "between")):
        with pytest.raises(gr.Error, match=message):
            whole_number("seed", value, 0, 10)
