"""Gradio widgets whose values reach the handler unchecked, so that the handler's one check (lab/tabs/common.py:
`one_of`, `open_image`; lab/server/input_gate.py checks each raw value first) answers a bad value with a sentence.
Gradio's own checks name Python types ("Value: 'x'
(type: <class 'str'>) is not in the list of choices") or say a bare "Error", and turn every output of the event
into an error box. Only the API can send a choice that is not offered; a file can come from anywhere.

Each class is a template of its base (is_template): the page shows the base's widget. Gradio writes a stub
(widgets.pyi) beside a module that defines components; it is ignored by git."""
from __future__ import annotations

import gradio as gr

from lab.i18n.page import L


class Radio(gr.Radio):
    is_template = True

    def preprocess(self, payload):
        return payload


class Dropdown(gr.Dropdown):
    is_template = True

    def preprocess(self, payload):
        return payload


class CheckboxGroup(gr.CheckboxGroup):
    is_template = True

    def preprocess(self, payload):
        return payload


# an upload box's words, the same as the name Gradio gives its button ("Drop an image file here to upload", and
# Gradio's own translation of it in each language): a screen reader and a student's eye, or voice control, then name
# it alike (axe-core: label-content-name-mismatch)
UPLOAD_WORDS = L("forward.upload_words")


class PictureUpload(gr.Image):
    """The upload as a file path, for diffusion_core.uploads.open_image; the input gate (lab/server/input_gate.py) has
    made sure it is a file uploaded through the page (a pasted picture is uploaded like a chosen one)."""
    is_template = True

    def preprocess(self, payload):
        return None if payload is None else payload.path
