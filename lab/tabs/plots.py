"""Line plots that read without colour: series k is drawn in the k-th colour of the Okabe–Ito palette (safe for the
common colour blindnesses) and the k-th line style, and the plot's caption names each series with its style in words
("linear: solid line · cosine: dashed line"). Gradio's own legend (Vega's, 10 px type whatever the page's size) is
off; the caption is page text, so presenter mode enlarges it. Colours and styles are set by series order in CSS
(SERIES_CSS, handed to the page by lab/page.py): Gradio's line plot keeps its series in the order of the data."""
from __future__ import annotations

import gradio as gr
import pandas as pd

from lab.i18n import series, text
from lab.i18n.page import L, each_language

# Okabe & Ito (2008), without yellow and sky blue (under 3:1 against a white page)
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#000000")
# (the style in words, its SVG stroke-dasharray), in the order series are drawn
STYLES = (("plots.solid", "none"), ("plots.dashed", "10 5"), ("plots.dotted", "2 4"), ("plots.dash_dot", "12 4 2 4"),
          ("plots.long_dashes", "20 6"), ("plots.dash_dot_dot", "12 4 2 4 2 4"))  # the words: lab/i18n
SERIES = ".dl-plot .plot_pathgroup > g:nth-of-type({k}) .mark-line path"


def series_css() -> str:
    """Each series' colour, dash and width, by its place among the plot's lines (CSS beats SVG attributes)."""
    return "\n".join(SERIES.format(k=k + 1) + f" {{ stroke: {PALETTE[k]} !important; stroke-dasharray: {dash}; "
                     "stroke-width: 3px; }" for k, (_, dash) in enumerate(STYLES))


def caption(names) -> str:
    """'linear: solid line · cosine: dashed line …' for the series in drawing order."""
    return " · ".join(f"{series(name)}: {text(STYLES[k % len(STYLES)][0])}" for k, name in enumerate(names))


def line_plot(value=None, *, names=(), **kwargs) -> gr.LinePlot:
    """gr.LinePlot without Gradio's legend, its series named in the caption (names: the series, in order)."""
    extra = kwargs.pop("elem_classes", [])
    if kwargs.get("y") == "value":  # a column named for the code: the axis says it in the page's language
        kwargs.setdefault("y_title", L("plots.value"))
    return gr.LinePlot(value, colors_in_legend=[], caption=each_language(caption, names) or None,
                       elem_classes=["dl-plot", *([extra] if isinstance(extra, str) else extra)], **kwargs)


def plot_update(table: pd.DataFrame, color: str):
    """A new table for a line plot whose series change (tab 2's ticked schedules): the caption follows."""
    return gr.update(value=table, caption=caption(table[color].drop_duplicates()))
