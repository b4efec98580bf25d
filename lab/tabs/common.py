"""What every tab shares: messages instead of stack traces, input checks, wiring by name, the sampler row."""
from __future__ import annotations

import functools
import inspect
import logging

import gradio as gr
import torch

from diffusion_core import SAMPLERS
from diffusion_core.model_folder import ModelLoadError
from lab.lessons.sampling import SAMPLER_LABELS
from lab.tabs.widgets import Radio

LOG = logging.getLogger("diffusion_lab")
# Lanes (Gradio concurrency groups): cheap actions never wait behind sampling. Sampling requests mostly wait for
# the shared batcher (lab/batcher.py), so many run at once; work that cannot be batched goes one at a time.
INTERACTIVE = dict(concurrency_id="interactive", concurrency_limit=4)  # slider, schedules, one-step denoise, inspect
SAMPLING = dict(concurrency_id="sampling", concurrency_limit=64)  # reverse sampling and text to image
HEAVY = dict(concurrency_id="heavy", concurrency_limit=1)  # every sampler side by side, row view, error chart
EXPORTS = dict(concurrency_id="exports", concurrency_limit=2)  # GIF/MP4/PNG files: a class exports together


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


MAX_SEED = 2**32 - 1
MAX_T = 5000  # the largest number of diffusion steps T that tabs 1 and 2 take
MAX_GUIDANCE = 5  # the guidance slider of tabs 4 and 5 goes from 1 (none) to this


def whole_number(name: str, value, lo: int, hi: int) -> int:
    """A number box's value as an int in [lo, hi], or a sentence saying what to type instead."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise gr.Error(f"The {name} box is empty: type a whole number from {lo} to {hi}.")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise gr.Error(f"The {name} must be a whole number from {lo} to {hi}, not {str(value)[:20]!r}.") from None
    if number != number or not lo <= number <= hi:
        shown = "not a number" if number != number else f"{value:.3g}" if abs(number) >= 1e6 else f"{value}"
        raise gr.Error(f"The {name} must be between {lo} and {hi} (you gave {shown}).")
    if not number.is_integer():
        raise gr.Error(f"The {name} must be a whole number such as {int(number)}, not {value}.")
    return int(number)


def check_range(name: str, value, lo, hi) -> float:
    """A slider's value (the API can send anything) as a float in [lo, hi], or a sentence."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise gr.Error(f"The {name} must be a number between {lo} and {hi}.") from None
    if not lo <= number <= hi:  # also refuses NaN
        raise gr.Error(f"The {name} must be between {lo} and {hi} (you gave {value}).")
    return number


def one_of(name: str, value, choices) -> object:
    """A choice (radio, menu) that must be one of `choices` (plain values or (label, value) pairs)."""
    values = [c[1] if isinstance(c, tuple) else c for c in choices]
    if value not in values:
        shown = ", ".join(str(c[0] if isinstance(c, tuple) else c) for c in choices)
        raise gr.Error(f"There is no '{str(value)[:40]}' among the choices for {name}: pick one of {shown}.")
    return value


def require_image(x0) -> torch.Tensor:
    """The image chosen in tab 1 (a per-user State), (C, H, W) in [-1, 1]: the picture as it is (tabs 1-2) or the
    28×28 grey version the models see (tab 3)."""
    if x0 is None:
        raise gr.Error("Pick an image first: click one in the gallery, upload one, or draw one (tab 1).")
    return torch.as_tensor(x0)


def inputs(handler, widgets) -> list:
    """The components that feed `handler`, in the order of its parameters, each found by the parameter's name
    (`widgets` has an attribute of that name); `evt` (Gradio's event data) is filled in by Gradio."""
    names = [name for name in inspect.signature(handler).parameters if name != "evt"]
    missing = [name for name in names if not hasattr(widgets, name)]
    if missing:
        raise TypeError(f"{handler.__name__} needs widgets named {missing}")
    return [getattr(widgets, name) for name in names]


def sampling_controls(widgets, sampler: str, steps: int, max_steps: int, guidance: float):
    """The sampler row shared by tabs 4 and 5: sampler, steps, guidance w, seed, number of images."""
    with gr.Row():
        widgets.sampler = Radio([(SAMPLER_LABELS[s], s) for s in SAMPLERS], value=sampler, label="sampler")
        widgets.steps = gr.Slider(1, max_steps, value=steps, step=1, label="steps (model evaluations)")
        widgets.guidance = gr.Slider(1, MAX_GUIDANCE, value=guidance, step=0.5, label="guidance scale w (1 = none)")
        widgets.seed = gr.Number(0, label="seed", step=1)  # checked by whole_number, not Gradio
        widgets.n = gr.Slider(1, 16, value=8, step=1, label="images")
