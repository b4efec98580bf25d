"""Tab 2, Schedules: β_t, ᾱ_t and SNR (dB) of each schedule, a marker at tab 1's t, a table with each schedule's
0 dB crossing, and tab 1's image noised to that t under every schedule."""
from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from diffusion_core import SCHEDULE_NAMES
from lab.handout.tabs import schedules_pages
from lab.i18n import text
from lab.i18n.page import L
from lab.lessons.forward import fixed_noise
from lab.lessons.schedules import noised_by_each_schedule, schedule_curves, schedule_table
from lab.tabs.common import (
    INTERACTIVE,
    MAX_T,
    InputError,
    check_range,
    for_scripts,
    friendly,
    inputs,
    one_of,
    require_image,
    script_endpoint,
    whole_number,
)
from lab.tabs.handout import handout_row, wire_handout
from lab.tabs.plots import line_plot, plot_update
from lab.tabs.widgets import CheckboxGroup

INTRO = L("schedules.intro")


@friendly
def update_schedules(names: list[str], T: int, t: int, x0, seed: int):
    T = whole_number("T", T, 2, MAX_T)
    t = min(int(check_range("t", t, 0, MAX_T - 1)), T - 1)
    if not names:
        raise gr.Error(text("schedules.none_ticked"))
    for name in names:
        one_of("each schedule", name, SCHEDULE_NAMES)
    curves = schedule_curves(names, T, marker_t=t)
    table = schedule_table(names, T)
    row = []
    if x0 is not None:  # tab 1's picture as it is (a colour photo stays in colour)
        x0 = require_image(x0)
        row = noised_by_each_schedule(x0, t, fixed_noise(x0.shape, int(seed)), names, T)
    return (*(plot_update(curves[key], "schedule") for key in ("beta", "alpha_bar", "snr_db")), table, row)


@friendly
@for_scripts
def schedules(names: list[str], T: int):
    """The noise schedules side by side: ᾱ_t (the share of the picture left) and the signal-to-noise ratio in dB at
    t = 0, 100, 250, 500, 750, 900, 999, and the step where noise starts to outweigh the picture (0 dB).

    Args:
        names: the schedules to compare, any of linear, cosine, sigmoid, quadratic
        T: the number of noise steps, 2 to 5000
    Returns:
        a table, one row per schedule: schedule, "0 dB at t", then ᾱ(t) and dB(t) for each t below T
    """
    T = whole_number("T", T, 2, MAX_T)
    if not names:
        raise InputError(text("schedules.none_named", listed=", ".join(SCHEDULE_NAMES)))
    return schedule_table([one_of("each schedule", name, SCHEDULE_NAMES) for name in names], T)


def script_api():
    """/schedules for a script: the table of tab 2 for any T."""
    with gr.Column(visible=False):
        a = SimpleNamespace(names=CheckboxGroup(list(SCHEDULE_NAMES), value=list(SCHEDULE_NAMES), label="schedules"),
                            T=gr.Number(1000, label="T (number of steps)", step=1, minimum=2, maximum=MAX_T))
        table = gr.Dataframe(label="ᾱ and SNR (dB) of each schedule")
    script_endpoint(schedules, inputs(schedules, a), [table], "schedules", **INTERACTIVE)


def layout(shared: SimpleNamespace) -> SimpleNamespace:
    w = SimpleNamespace(x0=shared.x0, seed=shared.seed, T=shared.T, t=shared.t)
    gr.Markdown(INTRO)
    w.names = CheckboxGroup(list(SCHEDULE_NAMES), value=list(SCHEDULE_NAMES), label=L("schedules.names"))
    with gr.Row():
        w.beta_plot = line_plot(x="t", y="value", color="schedule", title=L("schedules.beta"), height=260)
        w.alpha_bar_plot = line_plot(x="t", y="value", color="schedule", title=L("schedules.alpha_bar"), height=260,
                                     elem_id="alpha-bar-plot", elem_classes="dl-first")  # first on a phone
        w.snr_plot = line_plot(x="t", y="value", color="schedule", title=L("schedules.snr"), height=260)
    w.table = gr.Dataframe(label=L("schedules.table"))
    w.by_schedule = gr.Gallery(label=L("schedules.by_schedule"), columns=4, height="auto",
                               object_fit="contain")
    handout_row(w)
    return w


def render(shared: SimpleNamespace, tab: gr.Tab, demo: gr.Blocks) -> SimpleNamespace:
    """Lay out and wire tab 2 inside `tab`; it redraws when opened (t is moved in tab 1) and when schedules change."""
    w = layout(shared)
    update = dict(fn=update_schedules, inputs=inputs(update_schedules, w),
                  outputs=[w.beta_plot, w.alpha_bar_plot, w.snr_plot, w.table, w.by_schedule], **INTERACTIVE)
    w.names.change(**update)
    tab.select(**update)
    w.redraw = update  # run on page load after a link's values are set (lab/view_link_ui.py)
    wire_handout(w, schedules_pages)
    script_api()
    return w
