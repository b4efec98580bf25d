"""A handler that cannot do what was asked says why in one sentence, as a toast, and keeps every output as it was.
A student's mistake (gr.Error, InputError, ModelLoadError, or a ValueError raised by this project's own code: their
text is written for a student) shows its sentence and is logged in one line; anything else is a fault: a generic
sentence on screen, the traceback in the log. A script's endpoint (`for_scripts`) raises the same sentence as a
gr.Error instead, which gradio_client raises in the script (a toast would reach no one there)."""
from __future__ import annotations

import functools
import html
import inspect
import linecache
import logging
from pathlib import Path

import gradio as gr

import diffusion_core
from diffusion_core.model_folder import ModelLoadError
from lab.checks import InputError, sentence_of
from lab.i18n import text as say
from lab.i18n.page import hears_language

LOG = logging.getLogger("diffusion_lab")
PROJECT = (Path(__file__).resolve().parent, Path(diffusion_core.__file__).resolve().parent)  # lab/, diffusion_core/

# the toasts' titles and the fault's sentence: lab/i18n ("refusals.…"), in the page's language


def as_sentence(text: str) -> str:
    """'the drawing is empty: draw ...' -> 'The drawing is empty: draw ....' (capital first letter, full stop)."""
    text = " ".join(str(text).split())
    if not text:
        return say("refusals.fault")
    return text[0].upper() + text[1:] + ("" if text[-1] in ".!?)。！？）" else ".")


def written_here(e: Exception) -> bool:
    """Whether a `raise` statement of this project's code (lab/, diffusion_core/) raised it: those messages are
    written for a student. A ValueError from inside a library (matplotlib, numpy, PIL ...) or from a builtin such
    as int("abc") carries text a student must not see."""
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return False
    source = Path(tb.tb_frame.f_code.co_filename).resolve()
    line = linecache.getline(str(source), tb.tb_lineno).strip()
    return any(source.is_relative_to(root) for root in PROJECT) and line.startswith("raise ")


def refusal(fn, e: Exception):
    """Show why `fn` did not run as a toast and keep every output as it was (gr.skip()), so no output turns into
    an error box. A student's mistake shows its sentence; anything else is a fault: a generic sentence on screen,
    the traceback in the log. Toasts render HTML: the sentence is escaped. A script's endpoint raises it instead."""
    if isinstance(e, (gr.Error, InputError, ModelLoadError)) or isinstance(e, ValueError) and written_here(e):
        text, title = (html.escape(as_sentence(e.message if isinstance(e, gr.Error) else sentence_of(e)), quote=False),
                       say("refusals.mistake"))
        LOG.info("%s refused: %s", fn.__name__, text)
    else:
        text, title = say("refusals.fault"), say("refusals.fault_title")
        LOG.error("%s failed", fn.__name__, exc_info=e)
    if getattr(fn, "for_scripts", False):
        raise gr.Error(text, title=title, print_exception=False) from None
    gr.Warning(text, title=title)
    return gr.skip()


def for_scripts(fn):
    """Marks the handler of a script's endpoint (lab/tabs/common.script_endpoint): its refusal is a gr.Error with
    the sentence, which gradio_client raises as an AppError, rather than a toast that keeps every output. Put it
    under @friendly."""
    fn.for_scripts = True
    return fn


def friendly(fn):
    """Any failure of a handler becomes a sentence in a toast (see `refusal`), never a stack trace. The handler and
    its sentences speak the page's language (lab/i18n/page.hears_language)."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except Exception as e:
                yield refusal(fn, e)
        return hears_language(gen)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            return refusal(fn, e)
    return hears_language(wrapper)
