"""The "Download this lesson (PDF)" row of every tab: a button, and the file it produces (hidden until then). The
pages come from lab/handout (Gradio-free); this is the tabs' side: the button, its handler and its wiring.

    handout_row(w)                                   # in the tab's layout
    wire_handout(w, forward_pages)                   # in its wiring: widgets named like the parameters feed it
    wire_handout(w, sampling_pages, classroom, samples=True)  # leading arguments are bound (the classroom, the zoo)
"""
from __future__ import annotations

import functools
import inspect
import re
import tempfile
from pathlib import Path

import gradio as gr

from lab.exports import Exports
from lab.handout.page import write_pdf
from lab.tabs.common import HEAVY, INTERACTIVE, L, friendly, inputs

# each PDF in its own folder, served from there and pruned as new ones come (lab/exports.py)
HANDOUTS = Exports(Path(tempfile.gettempdir()) / "diffusion_lab_handouts")


def handout_row(w):
    with gr.Row():
        w.handout_button = gr.Button(L("handout.button"), size="sm")
        w.handout_file = gr.File(label=L("handout.file"), visible=False, height=80)


def pdf_handler(make_pages, *bound):
    """make_pages(*bound, **widget values) -> pages becomes a handler that writes them into a fresh folder and
    returns the PDF's path; its signature is the pages function's minus the bound arguments."""
    pages_of = functools.partial(make_pages, *bound)
    stem = "diffusion_lab_" + re.sub(r"_pages$", "", make_pages.__name__)

    def handout(*args, **kwargs):
        path = write_pdf(pages_of(*args, **kwargs), HANDOUTS.new_folder() / f"{stem}.pdf")
        return gr.File(str(path), visible=True)

    handout.__signature__ = inspect.signature(pages_of)  # before friendly, which reads it (the page's language)
    handout.__name__ = f"{stem}_handout"
    return friendly(handout)


def wire_handout(w, make_pages, *bound, samples: bool = False):
    """The button renders the tab's current values into a PDF, in the heavy lane when that means sampling a run;
    w.handout keeps the handler (tests call it)."""
    w.handout = pdf_handler(make_pages, *bound)
    w.handout_button.click(w.handout, inputs(w.handout, w), w.handout_file, **(HEAVY if samples else INTERACTIVE))
