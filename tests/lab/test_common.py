import logging
from types import SimpleNamespace

import gradio as gr
import pytest

from lab.checks import InputError
from lab.tabs.common import friendly, inputs
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
        raise InputError("x must be positive")

    @friendly
    def raw(text):
        return int(text)  # a builtin's ValueError: "invalid literal for int() ..." is not for a student

    @friendly
    def library():
        import matplotlib.mathtext
        return matplotlib.mathtext.MathTextParser("path").parse(r"$\undefinedcmd$")

    @friendly
    def markup():
        raise InputError("<a href='https://example.org/'>answers</a>")

    @friendly
    def stream():
        yield 1
        raise KeyError("oops")

    @friendly
    def mistaken():
        raise gr.Error("Pick an image first")

    assert refusal(lambda: broken(1)) == "X must be positive."  # a sentence: capital letter, full stop
    assert refusal(lambda: mistaken()) == "Pick an image first."
    assert refusal(lambda: markup()).startswith("&lt;a href=")  # a toast renders HTML: shown as text
    with caplog.at_level(logging.ERROR, logger="diffusion_lab"):
        for call in (lambda: raw("abc"), library):
            assert refusal(call).startswith("Something went wrong on the server")
    with caplog.at_level(logging.ERROR, logger="diffusion_lab"):
        assert refusal(lambda: list(stream())).startswith("Something went wrong on the server")
    assert "KeyError" in caplog.text and "oops" in caplog.text  # the fault's traceback is in the log



def test_a_script_s_endpoint_raises_its_refusal():
    """for_scripts: the sentence is raised (gradio_client raises it as an AppError) instead of a toast."""
    from lab.tabs.common import for_scripts, script_endpoint

    @friendly
    @for_scripts
    def endpoint(t):
        raise InputError("the t must be between 0 and 9")

    with pytest.raises(gr.Error) as raised:
        endpoint(12)
    assert raised.value.message == "The t must be between 0 and 9." and raised.value.title == "Please check"
    assert not raised.value.print_exception  # a student's mistake: one line in the log, no traceback
    with gr.Blocks(), pytest.raises(TypeError, match="mark it @for_scripts"):
        script_endpoint(friendly(lambda t: t), [gr.Number(0, minimum=0, maximum=9)], [], "lambda")
