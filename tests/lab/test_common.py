from types import SimpleNamespace

import gradio as gr
import pytest

from lab.tabs.common import check_range, friendly, inputs, require_image, whole_number


def test_inputs_follow_the_handlers_parameter_names():
    def handler(model, t, evt=None):
        return model, t

    widgets = SimpleNamespace(t="the t slider", model="the model menu", unused="x")
    assert inputs(handler, widgets) == ["the model menu", "the t slider"]
    with pytest.raises(TypeError, match=r"needs widgets named \['t'\]"):
        inputs(handler, SimpleNamespace(model=1))


def test_friendly_turns_failures_into_messages():
    @friendly
    def broken(x):
        raise ValueError("x must be positive")

    @friendly
    def stream():
        yield 1
        raise KeyError("oops")

    with pytest.raises(gr.Error, match="Problem: x must be positive"):
        broken(1)
    with pytest.raises(gr.Error, match="KeyError"):
        list(stream())


def test_checks_say_what_is_wrong():
    with pytest.raises(gr.Error, match="steps must be between 1 and 5"):
        check_range("steps", None, 1, 5)
    with pytest.raises(gr.Error, match="Pick an image"):
        require_image(None)
    assert require_image([[[0.5]]]).shape == (1, 1, 1)


def test_number_boxes_take_whole_numbers_and_say_what_to_type():
    assert whole_number("seed", 7.0, 0, 10) == 7 and whole_number("seed", "3", 0, 10) == 3
    for value, message in ((None, "box is empty"), ("", "box is empty"), ("abc", "whole number"),
                           (10**30, "between 0 and 10"), (-1, "between 0 and 10"), (float("nan"), "between")):
        with pytest.raises(gr.Error, match=message):
            whole_number("seed", value, 0, 10)


def test_user_mistakes_do_not_print_tracebacks():
    @friendly
    def mistaken():
        raise gr.Error("Pick an image first")

    with pytest.raises(gr.Error) as caught:
        mistaken()
    assert caught.value.print_exception is False
