"""Tab 1's slider in the student's browser: the server sends x0, ε and the schedule's tables once (per picture,
noise, schedule and T), and lab/static/js/forward_live.mjs draws x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε, the equation's
numbers and the histogram as the t slider moves, with no request to the server. The server's own view
(lab/lessons/forward.forward_view) stays: it is shown when the module cannot load and for the Markov chain.

    payload = {"shape": [C, H, W], "x0": uint8 (H, W, C) base64,  "eps": int16 (H, W, C) base64, "eps_scale": 1/4096,
               "abar", "snr", "snr_db": float32 (T,) base64, "T", "schedule", "equation": the template, "histogram",
               "alt", "visibility": x_t's alt text and what is seen by SNR (lab/lessons/forward.py),
               "markov": the chain is asked for (the browser then shows the server's view), "slider": the t slider's id}
"""
from __future__ import annotations

import base64
import io

import gradio as gr
import numpy as np
import torch
from PIL import Image

from diffusion_core.images import tensor_to_uint8
from lab.browser_sampler import as_base64
from lab.i18n import LANGS, speaking, text
from lab.lessons.forward import HISTOGRAM, equation_template, schedule_of, visibility, xt_alt_template

EPS_SCALE = 1 / 4096  # ε travels as int16 k with ε ≈ k/4096: at most 1.2e-4 off, far below one grey level (1/127.5)
SLIDER_ID = "forward-t"  # elem_id of tab 1's t slider, which the module listens to
SERVER_VIEW = "dl-forward-server"  # elem_classes of the server's x_t, equation and histogram, hidden while live
# Letting go of the t slider: a live page has drawn x_t already and asks the server nothing; for the Markov chain, or
# a page whose module did not load, the hidden box it returns into changes and that change has the server redraw.
ASK_SERVER_AT_T = ("(asked) => document.querySelector('.dl-forward-live')?.dataset.state === 'live' ? asked"
                   " : String(Date.now())")
LIVE_COLUMN = "dl-forward-live-column"  # elem_classes of the column holding this component, hidden when not live
TEMPLATE = """<div class="dl-forward-live"><div class="dl-live-stage" hidden><div class="dl-live-picture">
<div class="dl-live-label">x_t, drawn in your browser</div>
<canvas class="dl-live-xt" role="img" aria-label="x_t"></canvas></div>
<div class="dl-live-side"><div class="dl-live-equation"></div>
<canvas class="dl-live-histogram" width="480" height="240" role="img"
aria-label="histogram of the pixels of x_t beside the normal curve N(0, 1)"></canvas></div></div></div>"""
CSS = """.dl-forward-live .dl-live-stage { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.dl-forward-live .dl-live-stage[hidden] { display: none; }
.dl-forward-live .dl-live-xt { display: block; max-width: 100%; max-height: 60vh; }
.dl-forward-live .dl-live-label { font-size: 0.85em; opacity: 0.75; margin-bottom: 2px; }
.dl-forward-live .dl-live-side { flex: 1 1 320px; min-width: 0; }
.dl-forward-live .dl-live-equation { line-height: 1.6; margin-bottom: 8px; }
.dl-forward-live .dl-live-histogram { width: 100%; max-width: 480px; height: auto; }"""
JS_ON_LOAD = """
const root = ((window.gradio_config && window.gradio_config.root) || document.baseURI).replace(/\\/?$/, "/");
import(root + "lab/static/js/forward_live.mjs").then((m) => m.mount(element, props, watch));
"""


def forward_live(payload: dict | None = None) -> gr.HTML:
    """The component, showing `payload` (live_payload), or empty until one arrives as its value."""
    return gr.HTML(payload, html_template=TEMPLATE, css_template=CSS, js_on_load=JS_ON_LOAD, container=False,
                   apply_default_css=False)


# The server's x_t (the Markov chain; a page whose module did not load) as an inline PNG: no file in Gradio's cache
# and no second request, so a slider let-go costs the server one event
SERVER_XT_TEMPLATE = ('<div class="dl-server-xt"><div class="dl-live-label">x_t</div>'
                      '<img alt="x_t, computed on the server" src="${value}"></div>')
SERVER_XT_CSS = """.dl-server-xt img { display: block; width: 100%; height: calc(var(--dl-main-h, 260px) - 40px);
  object-fit: contain; image-rendering: pixelated; }"""  # --dl-main-h: lab/static/css/classroom.css


def server_xt(picture: np.ndarray | None, **kwargs) -> gr.HTML:
    """The server's x_t picture (H, W, 3) uint8, shown as an inline PNG."""
    return gr.HTML(png_data_url(picture), html_template=SERVER_XT_TEMPLATE, css_template=SERVER_XT_CSS,
                   container=True, **kwargs)


def png_data_url(picture: np.ndarray | None) -> str:
    if picture is None:
        return ""
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="png", compress_level=1)  # half the CPU of level 6, ~15 % larger
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def live_payload(x0: torch.Tensor, eps: torch.Tensor, schedule_name: str, num_timesteps: int, markov: bool) -> dict:
    """What the page needs to draw x_t at every t: x0 (C, H, W) in [-1, 1] with 8-bit values, ε of its shape."""
    sched = schedule_of(schedule_name, num_timesteps)  # the one forward_view just used
    eps_steps = (eps.movedim(0, -1).numpy() / EPS_SCALE).round().clip(-32767, 32767).astype("<i2")
    return {"shape": list(x0.shape), "x0": _base64(tensor_to_uint8(x0)), "eps": _base64(eps_steps),
            "eps_scale": EPS_SCALE, "abar": as_base64(sched.alphas_cumprod.numpy()),
            "snr": as_base64(sched.snr.numpy()),
            "snr_db": as_base64(sched.snr_db.numpy()), "T": num_timesteps, "schedule": schedule_name,
            "equation": equation_template(), "histogram": HISTOGRAM, "alt": xt_alt_template(),
            "visibility": visibility(), "langs": live_words(),
            "markov": bool(markov), "slider": SLIDER_ID,
            "server_view": SERVER_VIEW, "live_column": LIVE_COLUMN}


def live_words() -> dict:
    """The words the page draws with, in each language (it picks its own: a first view is computed once for all)."""
    words = {}
    for lang in LANGS:
        with speaking(lang):
            words[lang] = {"equation": equation_template(), "alt": xt_alt_template(), "visibility": visibility(),
                           "label": text("forward.live_label"), "histogram_alt": text("forward.histogram_alt"),
                           "legend": text("forward.legend"), "title": text("forward.histogram")}
    return words


def _base64(array: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode()
