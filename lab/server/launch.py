"""`diffusion-lab`, the console script: the same app as `python app.py`, from wherever the package is installed."""
from __future__ import annotations

import argparse
import os

import gradio as gr
from fastapi import FastAPI

from lab.classroom import Classroom, load_classroom
from lab.demo import build_demo
from lab.lessons.playground import SHOWN_DATA, Presets
from lab.live.registry import Registry
from lab.live.routes import live_routes
from lab.page import PAGE_OPTIONS
from lab.server.health import health_routes
from lab.server.known_events import KnownEvents
from lab.server.lang_first import LangFirst, catalogue_routes
from lab.server.memory import limit_malloc_arenas
from lab.server.playground_files import playground_routes
from lab.server.shared_responses import SharedResponses
from lab.server.static_files import browser_routes

LAUNCH_OPTIONS = dict(max_file_size="20mb", show_error=False, **PAGE_OPTIONS)  # PAGE_OPTIONS: css and js (lab/page.py)
def make_app(demo: gr.Blocks, classroom: Classroom) -> KnownEvents:
    """The app as an ASGI application: Gradio's page and events, plus the files a browser samples with
    (lab/server/static_files.py), the answers every student gets alike computed once
    (lab/server/shared_responses.py)."""
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)  # Gradio's API page documents what can be called
    app.include_router(browser_routes(classroom.zoo))
    app.include_router(playground_routes(Presets, SHOWN_DATA))  # tab 6 in the browser (lab/server/playground_files.py)
    app.include_router(health_routes(demo.lab_tuning, classroom.zoo))  # GET /lab/health (lab/server/health.py)
    app.include_router(live_routes(Registry(demo.links.handlers.known)))  # /lab/live/…: a live class (lab/live/)
    app.include_router(catalogue_routes())  # GET /lab/i18n/<lang>.json: the words of the page's scripts (lab/i18n)
    # the page's language chosen before Gradio starts (lab/server/lang_first.py); what every page fetches alike
    app = SharedResponses(LangFirst(gr.mount_gradio_app(app, demo, path="/", **LAUNCH_OPTIONS)))
    return KnownEvents(app, demo)  # a request for an event the app does not have: a 404 with a sentence


def serve(demo: gr.Blocks, classroom: Classroom, port: int | None = None):
    """Run the app (make_app) on $GRADIO_SERVER_NAME (default 127.0.0.1; a Space sets 0.0.0.0) and port, else
    $GRADIO_SERVER_PORT, else 7860."""
    import uvicorn

    app = make_app(demo, classroom)
    host = os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1")
    port = port or int(os.environ.get("GRADIO_SERVER_PORT", 7860))
    print(f"* {demo.lab_tuning.line()}", flush=True)  # which Gradio adjustments apply (lab/server/gradio_tuning.py)
    print(f"* Diffusion Lab at http://{host}:{port}/", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="diffusion-lab", description="Start the Diffusion Lab classroom app.")
    parser.add_argument("--models", help="folder of model folders (default: $DIFFUSION_LAB_MODELS, else pretrained/)")
    parser.add_argument("--port", type=int, help="server port (default: $GRADIO_SERVER_PORT, else 7860)")
    a = parser.parse_args(argv)
    limit_malloc_arenas()  # before the app's threads start (lab/server/memory.py)
    classroom = load_classroom(a.models)
    serve(build_demo(classroom), classroom, a.port)


if __name__ == "__main__":
    main()
