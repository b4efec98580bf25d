"""The sampler that runs in each student's browser (tabs 4 and 5), so a class of any size waits no longer than one
student: the server compiles the run into a plan (diffusion_core.plans), draws x_T from the seed, and hands both
with the model's URL to a gr.HTML component whose JavaScript (lab/static/js/browser_sampler.mjs) runs the plan with
onnxruntime-web. The server's own sampler stays: the component fires "submit" when the run should happen there
(chosen, the browser cannot, or "auto" finds the device slow and the server free), and the tab runs it as before."""
from __future__ import annotations

import base64
import itertools
from collections import OrderedDict
from pathlib import Path

import gradio as gr
import numpy as np

from diffusion_core.plans import compile_plan, initial_noise
from diffusion_core.serving.onnx import ONNX_NAME, export_digest, weights_digest
from lab.i18n import text
from lab.i18n.page import L
from lab.server.batcher import Batcher

WHERE_CHOICES = [(str(L("common.where_auto")), "auto"), (str(L("common.where_browser")), "browser"),
                 (str(L("common.where_server")), "server")]
WHERE_INFO = L("common.where_info")
TEMPLATE = """<div class="dl-browser"><div class="dl-where"></div><div class="dl-stage" hidden>
<canvas class="dl-canvas" role="img" aria-label=""></canvas><div class="dl-status"></div>
<label class="dl-scrub-label">scrub the recorded trajectory <input type="range" class="dl-scrub" min="0" max="0"
value="0" step="1"></label><div class="dl-buttons"><button class="dl-png">Download this picture (PNG)</button>
<button class="dl-gif">Download the trajectory (GIF)</button></div></div></div>"""
CSS = """.dl-browser .dl-where { font-size: 0.95em; margin: 4px 0; }
.dl-browser .dl-where[data-kind] { padding: 4px 8px; border-radius: 6px; background: var(--background-fill-secondary); }
.dl-browser .dl-canvas { max-width: 100%; image-rendering: pixelated; display: block; }
.dl-browser .dl-scrub { width: 100%; }
.dl-browser .dl-buttons button { margin: 4px 8px 4px 0; padding: 4px 10px; border-radius: 6px;
  border: 1px solid var(--border-color-primary); background: var(--button-secondary-background-fill); }"""
JS_ON_LOAD = """
const root = ((window.gradio_config && window.gradio_config.root) || document.baseURI).replace(/\\/?$/, "/");
import(root + "lab/static/js/browser_sampler.mjs").then((m) => m.mount(element, props, trigger, watch, root));
"""
PLANS_KEPT = 64  # compiled plans kept (a DDPM-1000 plan is ~100 kB of JSON)


def where_radio():
    """Where tabs 4 and 5 sample: automatic, in this browser, on the server."""
    from lab.tabs.widgets import Radio

    return Radio(WHERE_CHOICES, value="auto", label=L("common.where"), info=WHERE_INFO)


def browser_sampler(elem_id: str | None = None) -> gr.HTML:
    """The component: empty until a payload arrives as its value; its "submit" event asks for the server run. After
    a run in the browser, its .dl-browser element holds the last pictures as `dlPictures` (lab/static/js)."""
    return gr.HTML(None, html_template=TEMPLATE, css_template=CSS, js_on_load=JS_ON_LOAD, container=False,
                   apply_default_css=False, elem_id=elem_id)


def as_base64(array: np.ndarray) -> str:
    """float32 little-endian bytes, which the page reads back as a Float32Array."""
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode()


def evaluations(plan: dict) -> int:
    t2 = plan["steps"].get("t2")
    return plan["num_steps"] + (sum(v is not None for v in t2) if isinstance(t2, list) else 0)


class BrowserRuns:
    """The payloads of browser runs: plans and export checks cached per model, run ids, the server's own estimate."""

    def __init__(self, batcher: Batcher):
        self.batcher, self.plans, self.exports = batcher, OrderedDict(), {}
        self.run_ids = itertools.count(1)

    def export_of(self, name: str, pipe) -> tuple[str | None, str | None]:
        """(URL of the model's browser export, None) or (None, why there is none); model.onnx made from these
        weights."""
        if name not in self.exports:
            path = Path(pipe.info.get("path", "")) / ONNX_NAME
            digest = weights_digest(getattr(pipe.model, "model", pipe.model))
            try:
                fresh = path.is_file() and export_digest(path) == digest
            except Exception:  # noqa: BLE001 - a corrupt export is simply not offered
                fresh = False
            self.exports[name] = (f"lab/models/{name}/{ONNX_NAME}?v={digest[:16]}", None) if fresh else (
                None, "browser.no_export")
        return self.exports[name]

    def plan(self, name: str, pipe, options: dict) -> dict:
        key = (name, *sorted((k, v if not isinstance(v, list) else tuple(v)) for k, v in options.items()))
        if key not in self.plans:
            self.plans[key] = compile_plan(pipe, **options)
            while len(self.plans) > PLANS_KEPT:
                self.plans.popitem(last=False)
        self.plans.move_to_end(key)
        return self.plans[key]

    def payload(self, name: str, pipe, where: str, n: int, seed: int, options: dict, labels=None, cond=None) -> dict:
        """What the page needs to sample n images: options are those of pipe.sample (sampler, num_steps, ...);
        labels (n,) classes, or cond (n, D) embeddings, or neither (unconditional / the null class)."""
        url, reason = self.export_of(name, pipe)
        reason = reason and text(reason, name=name)  # in the request's language (a cached export is shared)
        plan = self.plan(name, pipe, options)
        cfg = pipe.config
        kind = "class" if cfg.num_classes else ("vector" if cfg.cond_dim else None)
        rows = n * (2 if plan["steps"].get("guided") and (labels is not None or cond is not None) else 1)
        per_row = self.batcher.seconds_per_row()
        conditioning = None if labels is None and cond is None else (
            [int(v) for v in labels] if labels is not None else as_base64(np.asarray(cond)))
        return {"run": next(self.run_ids), "where": where, "reason": reason, "batch": n, "nrow": min(n, 4),
                "seed": seed, "plan": plan, "xT": as_base64(initial_noise((n, *plan["shape"]), seed)),
                "cond": conditioning, "model": {"name": name, "url": url,
                                                "conditioning": {"kind": kind, "dim": int(cfg.cond_dim or 0)}},
                "server": {"others": self.batcher.members,
                           "estimate_s": None if per_row is None else per_row * rows * evaluations(plan)}}
