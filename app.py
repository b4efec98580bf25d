"""Diffusion Lab: a classroom app that makes diffusion models visible (the entry point Hugging Face Spaces runs).

Every number and picture comes from diffusion_core (the engine); lab/ is the classroom: one module per tab in
lab/tabs/, each with its layout, its handlers and its wiring."""
from lab.server.memory import limit_malloc_arenas

limit_malloc_arenas()  # before any thread starts: RSS stays flat over a class's rounds (lab/server/memory.py)

from lab.classroom import load_classroom  # noqa: E402
from lab.demo import build_demo  # noqa: E402
from lab.server.launch import serve  # noqa: E402

classroom = load_classroom()  # the models, the gallery, the text studio and the shared sampler: loaded once
demo = build_demo(classroom)  # each tab is handed the classroom explicitly; per-user values live in gr.State

if __name__ == "__main__":
    serve(demo, classroom)  # Gradio's page plus the files a browser samples with (lab/server/static_files.py)
