"""A handler that cannot do what was asked says why in one sentence, as a toast, and keeps every output as it was.
A student's mistake (gr.Error, ValueError, ModelLoadError: their text is written for a student) shows its sentence
and is logged in one line; anything else is a fault: a generic sentence on screen, the traceback in the log."""
from __future__ import annotations

import functools
import inspect
import logging

import gradio as gr

from diffusion_core.model_folder import ModelLoadError

LOG = logging.getLogger("diffusion_lab")

MISTAKE_TITLE = "Please check"
FAULT = ("Something went wrong on the server while doing that (the details are in the server's log for your "
         "teacher). Try again, or change a setting.")
STUDENT_ERRORS = (gr.Error, ValueError, ModelLoadError)  # their text is written for a student


def as_sentence(text: str) -> str:
    """'the drawing is empty: draw ...' -> 'The drawing is empty: draw ....' (capital first letter, full stop)."""
    text = " ".join(str(text).split())
    if not text:
        return FAULT
    return text[0].upper() + text[1:] + ("" if text[-1] in ".!?)" else ".")


def refusal(fn, e: Exception):
    """Show why `fn` did not run as a toast and keep every output as it was (gr.skip()), so no output turns into
    an error box. A student's mistake shows its sentence; anything else is a fault: a generic sentence on screen,
    the traceback in the log."""
    if isinstance(e, STUDENT_ERRORS):
        text = as_sentence(e.message if isinstance(e, gr.Error) else e)
        LOG.info("%s refused: %s", fn.__name__, text)
        gr.Warning(text, title=MISTAKE_TITLE)
    else:
        LOG.error("%s failed", fn.__name__, exc_info=e)
        gr.Warning(FAULT, title="Something went wrong")
    return gr.skip()


def friendly(fn):
    """Any failure of a handler becomes a sentence in a toast (see `refusal`), never a stack trace."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except Exception as e:
                yield refusal(fn, e)
        return gen

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            return refusal(fn, e)
    return wrapper
