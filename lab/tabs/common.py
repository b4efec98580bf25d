"""What every tab shares: lanes, messages instead of stack traces (lab/refusals.py), input checks (lab/checks.py),
wiring by name, the sampler row."""
from __future__ import annotations

import inspect

import gradio as gr

from diffusion_core import SAMPLERS
from lab.checks import MAX_GUIDANCE, MAX_SEED, MAX_T, InputError, check_range, one_of, require_image, whole_number  # noqa: F401 (re-exported)
from lab.i18n import text
from lab.i18n.page import REQUEST, L  # noqa: F401 (L re-exported: every tab's words)
from lab.lessons.sampling import sampler_menu
from lab.refusals import for_scripts, friendly  # noqa: F401 (every handler's wrapper, re-exported)
from lab.tabs.widgets import Radio

# Lanes (Gradio concurrency groups): cheap actions never wait behind sampling. Sampling requests mostly wait for
# the shared batcher (lab/server/batcher.py), so many run at once; work that cannot be batched goes one at a time.
INTERACTIVE = dict(concurrency_id="interactive", concurrency_limit=4)  # slider, schedules, one-step denoise, inspect
SAMPLING = dict(concurrency_id="sampling", concurrency_limit=64)  # reverse sampling and text to image
HEAVY = dict(concurrency_id="heavy", concurrency_limit=1)  # every sampler side by side, row view, error chart
EXPORTS = dict(concurrency_id="exports", concurrency_limit=2)  # GIF/MP4/PNG files: a class exports together


def selected_index(evt: gr.EventData, count: int) -> int:
    """The index of the picture clicked in a gallery of `count`, from the event's data as the client sent it (a
    gr.SelectData would be built from it before any check, and fail on a malformed one)."""
    data = evt._data if isinstance(evt._data, dict) else {}
    index = data.get("index")
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
        raise InputError(text("common.pick_in_gallery"))
    return index


def inputs(handler, widgets) -> list:
    """The components that feed `handler`, in the order of its parameters, each found by the parameter's name
    (`widgets` has an attribute of that name); `evt` (Gradio's event data) and the request (lab/i18n/page.py) are
    filled in by Gradio."""
    names = [name for name in inspect.signature(handler).parameters if name not in ("evt", REQUEST)]
    missing = [name for name in names if not hasattr(widgets, name)]
    if missing:
        raise TypeError(f"{handler.__name__} needs widgets named {missing}")
    return [getattr(widgets, name) for name in names]


def script_endpoint(fn, inputs: list, outputs: list, api_name: str, **lane):
    """An endpoint for scripts and notebooks (gradio_client, the API page) on components the page never shows, so
    that it takes plain values (a picture file, a model's name, t, a seed) rather than the page's gr.State; nothing
    on the page triggers it. lab/demo.PUBLIC_API lists it; the handler's docstring is its description there. The
    handler is marked `for_scripts` (lab/refusals.py): a refused value raises its sentence in the script."""
    if not getattr(fn, "for_scripts", False):
        raise TypeError(f"{fn.__name__} is a script's endpoint: mark it @for_scripts (under @friendly)")
    return gr.Button(visible=False).click(fn, inputs, outputs, api_name=api_name, **lane)


def sampling_controls(widgets, sampler: str, steps: int, max_steps: int, guidance: float, tab: str):
    """The sampler row shared by tabs 4 and 5: sampler, steps, guidance w, seed, number of images; the steps slider's
    elem_id is "<tab>-steps" (a live class's question reads it, lab/live_ui.WIDGETS)."""
    with gr.Row():
        widgets.sampler = Radio(sampler_menu(SAMPLERS), value=sampler, label=L("common.sampler"))
        widgets.steps = gr.Slider(1, max_steps, value=steps, step=1, label=L("common.steps"),
                                  elem_id=f"{tab}-steps")
        widgets.guidance = gr.Slider(1, MAX_GUIDANCE, value=guidance, step=0.5, label=L("common.guidance"))
        # checked by lab/server/input_gate.py
        widgets.seed = gr.Number(0, label=L("common.seed"), step=1, minimum=0, maximum=MAX_SEED)
        widgets.n = gr.Slider(1, 16, value=8, step=1, label=L("common.n"))
