"""Gradio widgets whose values reach the handler unchecked, so that the handler's one check (lab/tabs/common.py:
`one_of`, `open_image`) answers a bad value with a sentence. Gradio's own checks name Python types ("Value: 'x'
(type: <class 'str'>) is not in the list of choices") or say a bare "Error", and turn every output of the event
into an error box. Only the API can send a choice that is not offered; a file can come from anywhere.

Each class is a template of its base (is_template): the page shows the base's widget. Gradio writes a stub
(widgets.pyi) beside a module that defines components; it is ignored by git."""
from __future__ import annotations

import base64

import gradio as gr
from gradio import processing_utils


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


class PictureUpload(gr.Image):
    """The upload as a file path (or the bytes of a pasted data: URL), for diffusion_core.uploads.open_image."""
    is_template = True

    def preprocess(self, payload):
        if payload is None:
            return None
        if payload.path is None and payload.url and payload.url.startswith("data:"):
            return base64.b64decode(processing_utils.extract_base64_data(payload.url))
        return payload.path
