"""What every tab shares: messages instead of stack traces, input checks, wiring by name, the sampler row."""
from __future__ import annotations

import functools
import inspect
import logging

import gradio as gr
import torch

from diffusion_core import SAMPLERS
from lab.lessons.sampling import SAMPLER_LABELS

LOG = logging.getLogger("diffusion_lab")
# Lanes (Gradio concurrency groups): cheap actions never wait behind sampling. Sampling requests mostly wait for
# the shared batcher (lab/batcher.py), so many run at once; work that cannot be batched goes one at a time.
INTERACTIVE = dict(concurrency_id="interactive", concurrency_limit=4)  # slider, schedules, one-step denoise, inspect
SAMPLING = dict(concurrency_id="sampling", concurrency_limit=64)  # reverse sampling and text to image
HEAVY = dict(concurrency_id="heavy", concurrency_limit=1)  # every sampler side by side, exports, row view, error chart


def friendly(fn):
    """Any failure becomes a short message in the UI (gr.Error), never a stack trace."""

    def message(e: Exception) -> gr.Error:
        """A user's mistake (gr.Error, ValueError) is one log line; anything else is a fault and keeps its traceback."""
        if isinstance(e, gr.Error):
            LOG.info("%s: %s", fn.__name__, e.message)
            e.print_exception = False  # Gradio would print a traceback for it too
            return e
        fault = not isinstance(e, (ValueError, RuntimeError))
        LOG.log(logging.ERROR if fault else logging.INFO, "%s failed: %s", fn.__name__, e, exc_info=fault)
        return gr.Error(f"{type(e).__name__ if fault else 'Problem'}: {e}", print_exception=False)

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen(*args, **kwargs):
            try:
                yield from fn(*args, **kwargs)
            except Exception as e:
                raise message(e) from None
        return gen

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            raise message(e) from None
    return wrapper


MAX_SEED = 2**32 - 1


def whole_number(name: str, value, lo: int, hi: int) -> int:
    """A number box's value as an int in [lo, hi], or a sentence saying what to type instead."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise gr.Error(f"The {name} box is empty: type a whole number from {lo} to {hi}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise gr.Error(f"The {name} must be a whole number from {lo} to {hi} (got {value!r}).") from None
    if number != number or not lo <= number <= hi:
        raise gr.Error(f"The {name} must be between {lo} and {hi} (got {value}).")
    return int(number)


def check_range(name: str, value, lo, hi):
    if value is None or not lo <= value <= hi:
        raise gr.Error(f"{name} must be between {lo} and {hi} (got {value}).")


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
        widgets.sampler = gr.Radio([(SAMPLER_LABELS[s], s) for s in SAMPLERS], value=sampler, label="sampler")
        widgets.steps = gr.Slider(1, max_steps, value=steps, step=1, label="steps (model evaluations)")
        widgets.guidance = gr.Slider(1, 5, value=guidance, step=0.5, label="guidance scale w (1 = none)")
        widgets.seed = gr.Number(0, label="seed", precision=0)
        widgets.n = gr.Slider(1, 16, value=8, step=1, label="images")
