"""The one door every event's inputs pass through, before Gradio does anything with them.

Gradio hands an event's raw values (JSON from a page or from any API client) to `Blocks.preprocess_data`, which
copies every file they name into its cache, validates them against each component's data model and runs each
component's `preprocess`; a wrong type fails there with Gradio's own text ("Error", "Value 0 is less than minimum
value 1") and a traceback in the log. `guard_inputs(demo)` puts the app's own checks (lab/checks.py) in front:

- each value is checked against its component: a slider's or number box's range, a checkbox's true/false, a
  menu's choices (the session's, when an event changed them), a text box's length, a file's origin;
- a file must lie in Gradio's upload folder, where the page's uploads and drawings go; any other path gets one
  sentence, whether or not it exists or is a picture. It is passed on rebuilt from its path alone (a url, a size
  or a file nested in its other fields never reaches Gradio), and its pixels are counted from its header before
  Gradio decodes it. Only file components take a dictionary at all. (`launch()` makes
  Gradio check this too; an app mounted with `gr.mount_gradio_app`, as this one is, is not checked by Gradio.)
- a refused value becomes the toast of `lab/refusals.py` with every output kept: the handler does not run.

This module reaches into Gradio in one place, `Blocks.preprocess_data` (gradio 6.x);
tests/lab/server/test_input_gate.py fails loudly if its signature or its role changes. It is no tuning: it is never
switched off (lab/server/gradio_tuning.py holds the adjustments that are)."""
from __future__ import annotations

import functools
import inspect
import os

import gradio as gr
from gradio.utils import get_upload_folder

from diffusion_core.uploads import MAX_UPLOAD_PIXELS, picture_size
from lab import checks
from lab.checks import InputError, sentence_of
from lab.i18n import text, words
from lab.refusals import refusal

MAX_DRAWING_PIXELS = 2_000_000  # a canvas of the page is 280×280 (a phone's may be larger); Gradio decodes every layer
MAX_LAYERS = 8
FILE_ONLY_FROM_PAGE = "checks.file_only"  # the refusals' words: lab/i18n (checks.…), in the page's language
NAMES = {"Textbox": "text", "Dataset": "example"}  # what a message calls a component without a label (names.*)


class Refused:
    """Put in place of an event's inputs when one is refused: the handler's wrapper shows it and skips the call."""

    def __init__(self, error: InputError):
        self.error = error


def label_of(block) -> str:
    """'T (number of steps)' -> 'T': what a message calls the component."""
    label = str(words(getattr(block, "label", None) or NAMES.get(type(block).__name__, "value")))
    return label.split(" (")[0].strip() or label


def uploaded_file(payload, max_pixels: int) -> dict:
    """A FileData whose path lies in Gradio's upload folder (no '..', link or other folder out of it) and names a
    picture of at most max_pixels, rebuilt from its path alone: no other field a client set (a url, a size, a
    file nested in its meta) reaches Gradio."""
    path = payload.get("path") if isinstance(payload, dict) else None
    if not isinstance(path, str) or not path or "\x00" in path:
        raise InputError(text(FILE_ONLY_FROM_PAGE))
    folder, real = os.path.realpath(get_upload_folder()), os.path.realpath(path)
    if os.path.commonpath([folder, real]) != folder or real == folder or not os.path.isfile(real):
        raise InputError(text(FILE_ONLY_FROM_PAGE))
    try:
        width, height = picture_size(real)  # the header only: nothing is decoded yet
    except ValueError as e:  # not a picture, or a decompression bomb: uploads' sentence for a student
        raise InputError(sentence_of(e)) from None
    if width * height > max_pixels:
        raise InputError(text("checks.too_many_pixels", width=width, height=height, millions=f"{max_pixels / 1e6:g}"))
    return {"path": real, "meta": {"_type": "gradio.FileData"}}


def picture(block, value):
    """An image upload: nothing, or one uploaded picture."""
    return None if value is None else uploaded_file(value, MAX_UPLOAD_PIXELS)


def drawing(block, value):
    """A sketchpad: nothing, or its background, layers and composite, each an uploaded picture of canvas size.
    (Gradio decodes each one itself, so their size is limited before.)"""
    if value is None:
        return None
    layers = value.get("layers") if isinstance(value, dict) else None
    if (not isinstance(value, dict) or not set(value) <= {"background", "layers", "composite", "id"}
            or not isinstance(layers or [], list) or len(layers or []) > MAX_LAYERS):
        raise InputError(text("checks.drawing_only", name=label_of(block)))
    one = lambda f: None if f is None else uploaded_file(f, MAX_DRAWING_PIXELS)  # noqa: E731
    return {"background": one(value.get("background")), "layers": [one(f) for f in layers or [] if f is not None],
            "composite": one(value.get("composite")), "id": None}


def number(block, value):
    lo, hi = block.minimum, block.maximum
    if lo is None or hi is None:
        raise TypeError(f"number box {label_of(block)!r} needs a minimum and a maximum for the input gate")
    if block.precision == 0 or block.step == 1:
        return checks.whole_number(label_of(block), value, int(lo), int(hi))
    return checks.check_range(label_of(block), value, lo, hi)


def slider(block, value):
    number = checks.check_range(label_of(block), value, block.minimum, block.maximum)
    whole = all(float(v).is_integer() for v in (block.minimum, block.step))
    if whole and not number.is_integer():
        raise InputError(text("checks.whole_such_as", name=label_of(block), example=int(number),
                              value=checks.shown(number)))
    return int(number) if whole else number


def choice(block, value):
    if getattr(block, "multiselect", False):
        return choices(block, value)
    if getattr(block, "allow_custom_value", False):
        return checks.text(label_of(block), value, 200)
    return checks.one_of(label_of(block), value, block.choices)


def choices(block, value):
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > len(block.choices):
        raise InputError(text("checks.list_of_choices", name=label_of(block), value=checks.shown(value)))
    return [checks.one_of(label_of(block), item, block.choices) for item in value]


def example(block, value):
    return checks.whole_number(label_of(block), value, 0, max(len(block.samples) - 1, 0))


CHECKS = {  # component class (or a base of it) -> check(block, raw value) -> the value Gradio may go on with
    gr.Slider: slider,
    gr.Number: number,
    gr.Checkbox: lambda block, value: checks.flag(label_of(block), value),
    gr.Textbox: lambda block, value: checks.text(label_of(block), value, block.max_length or checks.MAX_TEXT_CHARS),
    gr.Radio: choice,
    gr.Dropdown: choice,
    gr.CheckboxGroup: choices,
    gr.Image: picture,
    gr.ImageEditor: drawing,
    gr.Dataset: example,
}


def check_for(block):
    """The check of a component's raw value; a TypeError at start-up for a component the gate does not know."""
    for kind in type(block).__mro__:
        if kind in CHECKS:
            return CHECKS[kind]
    raise TypeError(f"the input gate has no check for {type(block).__name__} ({label_of(block)!r}): add one")


def checked_inputs(block_fn, inputs: list, state) -> list:
    """The raw values of one event, each checked against its component (as this session sees it); InputError
    with a sentence for the first that is refused."""
    if not isinstance(inputs, list) or len(inputs) < len(block_fn.inputs):
        n = len(block_fn.inputs)
        raise InputError(text("checks.values_sent", n=n, sent=len(inputs)) if isinstance(inputs, list)
                         else text("checks.values_none", n=n))
    out = list(inputs[:len(block_fn.inputs)])  # Gradio reads no more than these
    for i, block in enumerate(block_fn.inputs):
        if block.stateful:  # a gr.State: the server's own value is used, whatever was sent
            continue
        session_block = state[block._id] if state is not None and block._id in state else block
        out[i] = check_for(block)(session_block, inputs[i])
    return out


def refusable(fn):
    """fn, which is handed a Refused in place of its inputs when the gate refused them: then it shows the sentence
    and keeps every output (lab/refusals.py) instead of running."""
    def refused_in(args, kwargs):
        values = [*args, *kwargs.values()] + [v for a in args if isinstance(a, dict) for v in a.values()]
        return next((v for v in values if isinstance(v, Refused)), None)

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen(*args, **kwargs):
            refused = refused_in(args, kwargs)
            if refused:
                yield refusal(fn, refused.error)
                return
            yield from fn(*args, **kwargs)
        gen.__signature__ = inspect.signature(fn)  # a bound method's, not its function's (copied by wraps)
        return gen

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        refused = refused_in(args, kwargs)
        return refusal(fn, refused.error) if refused else fn(*args, **kwargs)
    wrapper.__signature__ = inspect.signature(fn)  # a bound method's, not its function's (copied by wraps)
    return wrapper


def guard_inputs(demo: gr.Blocks) -> gr.Blocks:
    """Check every event's inputs of `demo` before Gradio preprocesses them (see the module's docstring)."""
    for block_fn in demo.fns.values():
        for block in block_fn.inputs:
            if not block.stateful:
                check_for(block)  # an unknown component fails here, at start-up, not in a student's page
        if block_fn.fn is not None and block_fn.inputs:
            if inspect.iscoroutinefunction(block_fn.fn) or inspect.isasyncgenfunction(block_fn.fn):
                raise TypeError(f"the input gate does not wrap async handlers ({block_fn.name})")
            block_fn.fn = refusable(block_fn.fn)
    gradio_preprocess = demo.preprocess_data

    async def preprocess_data(block_fn, inputs, state, explicit_call=False):
        try:
            inputs = checked_inputs(block_fn, inputs, state)
        except InputError as error:
            return [Refused(error)] * len(block_fn.inputs)
        return await gradio_preprocess(block_fn, inputs, state, explicit_call)

    demo.preprocess_data = preprocess_data
    return demo
