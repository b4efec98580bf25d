"""Tab 6 in each student's browser, so a class trains as fast as one student: a gr.HTML component whose JavaScript
(lab/static/js/playground_page.mjs) trains the engine's network with TensorFlow.js, samples it with the engine's
plans and draws the pictures. The tab's browser buttons send their values to this component with no server event
(`request_js`); the spec, data, presets and plans are cached JSON (lab/server/playground_files.py). The server's own
controls stay for a page that cannot: the component then shows them and hands Train to the server ("submit").

Which controls show: <html> gets the class dl-pg-live once the module runs here; elements of class dl-pg-browser
show only then, those of class dl-pg-server only otherwise, and the component shows only its status line (why the
server trains) (lab/static/css/classroom.css). The template's words are English until the script puts them in the
page's language (lab/i18n: playground.t, playground.export)."""
from __future__ import annotations

import html
import json

import gradio as gr

from diffusion_core.toy2d import BOX
from diffusion_core.toy2d.presets import TRAIN_POINTS
from diffusion_core.toy2d.toy import FIT_STEPS
from lab.lessons.playground import DRAWING_RESOLUTION, SOURCES

BROWSER, SERVER = "dl-pg-browser", "dl-pg-server"  # elem_classes of the two sets of controls
FIELDS = ("source", "objective", "sampler", "num_steps", "particles", "seed", "arrows", "train_steps", "sketch")
CONFIG = {"drawing": {"box": BOX, "resolution": DRAWING_RESOLUTION,
                      "points": TRAIN_POINTS // 4},  # as lessons.playground.drawing_points reads a drawing
          "fit_steps": FIT_STEPS, "first": {"source": SOURCES[0][1]}}
TEMPLATE = f"""<div class="dl-playground"><div class="dl-pg-config" hidden>{html.escape(json.dumps(CONFIG))}</div>
<div class="dl-pg-status" role="status"></div><canvas class="dl-pg-canvas" width="420" height="420"></canvas>
<label class="dl-pg-scrub-label">t: 1 = pure noise, 0 = data (drag to scrub) <input type="range" class="dl-pg-scrub"
min="0" max="1" step="0.01" value="1"></label><div class="dl-pg-buttons"><button class="dl-pg-gif">Export GIF</button>
</div><canvas class="dl-pg-loss" width="480" height="200"></canvas></div>"""
CSS = """.dl-playground .dl-pg-canvas { display: block; width: auto; height: auto; max-width: 100%;
  max-height: var(--dl-main-h, 420px); }
.dl-playground .dl-pg-loss { max-width: 100%; display: block; margin-top: 6px; }
.dl-playground .dl-pg-scrub { width: 100%; }
.dl-playground .dl-pg-status { font-size: 0.95em; margin: 4px 0; min-height: 1.4em; }
.dl-playground .dl-pg-status[data-kind="error"] { color: var(--error-text-color, #b00); }
.dl-playground .dl-pg-buttons button { margin: 4px 8px 4px 0; padding: 4px 10px; border-radius: 6px;
  border: 1px solid var(--border-color-primary); background: var(--button-secondary-background-fill); }"""
JS_ON_LOAD = """
const root = ((window.gradio_config && window.gradio_config.root) || document.baseURI).replace(/\\/?$/, "/");
import(root + "lab/static/js/playground_page.mjs").then((m) => m.mount(element, props, trigger, watch, root))
  .catch((e) => { document.documentElement.classList.remove("dl-pg-live"); console.error(e); });
"""


def playground_browser() -> gr.HTML:
    """The component: its value is the latest request of a browser button (request_js)."""
    return gr.HTML(None, html_template=TEMPLATE, css_template=CSS, js_on_load=JS_ON_LOAD, container=False,
                   apply_default_css=False)


def request_js(action: str) -> str:
    """A browser button's JavaScript: its inputs (FIELDS, in order) as one request to the component."""
    return (f"({', '.join(FIELDS)}) => ({{action: {json.dumps(action)}, id: `${{Date.now()}}-${{Math.random()}}`, "
            f"{', '.join(FIELDS)}}})")
