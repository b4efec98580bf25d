"""The Blocks of Diffusion Lab: the intro, a warning about models that could not be loaded, and the five tabs, each
laid out and wired by its own module in lab/tabs/."""
from __future__ import annotations

from types import SimpleNamespace

import gradio as gr

from lab.classroom import Classroom
from lab.tabs import denoise, forward, playground, sampling, schedules, text

INTRO = """# Diffusion Lab
A diffusion model learns to **remove noise**. Add noise to an image step by step (forward process),
train a network to predict that noise, then start from pure noise and denoise step by step (reverse process).
Pick an image below, then walk through the tabs from left to right."""
# Gradio keeps every picture it sends in its cache folder: every minute, remove those older than 2 minutes.
DELETE_CACHE = (60, 120)
TAB_NAMES = ("1 · Forward noise", "2 · Schedules", "3 · Denoise", "4 · Reverse sampling", "5 · Text to image (CLIP)",
             "6 · Playground (2D)")


def problems_banner(classroom: Classroom) -> str | None:
    zoo = classroom.zoo
    if not zoo.problems and zoo.names(with_time=True):
        return None
    return ("⚠️ **Some models could not be loaded**: " + "; ".join(f"{k}: {v}" for k, v in zoo.problems.items())
            + ("" if zoo.names(with_time=True) else " No trained model is here: tabs 1–2 work; " + zoo.how_to_get_models()))


def build_demo(classroom: Classroom) -> gr.Blocks:
    """demo.tabs holds each tab's widgets and handlers (`demo.tabs.forward.handlers.update_forward`, …)."""
    with gr.Blocks(title="Diffusion Lab", delete_cache=DELETE_CACHE) as demo:
        gr.Markdown(INTRO)
        banner = problems_banner(classroom)
        if banner:
            gr.Markdown(banner)
        with gr.Tab(TAB_NAMES[0]):
            shared = forward.render(classroom, demo)  # the chosen image, noise seed, T and t
        with gr.Tab(TAB_NAMES[1]) as schedules_tab:
            schedules_widgets = schedules.render(shared, schedules_tab, demo)
        with gr.Tab(TAB_NAMES[2]):
            denoise_widgets = denoise.render(classroom, shared, demo)
        with gr.Tab(TAB_NAMES[3]):
            sampling_widgets = sampling.render(classroom)
        with gr.Tab(TAB_NAMES[4]):
            text_widgets = text.render(classroom)
        with gr.Tab(TAB_NAMES[5]):
            playground_widgets = playground.render(classroom)
    demo.tabs = SimpleNamespace(forward=shared, schedules=schedules_widgets, denoise=denoise_widgets,
                                sampling=sampling_widgets, text=text_widgets, playground=playground_widgets)
    demo.queue(default_concurrency_limit=2, max_size=512)  # each event names its lane (lab/tabs/common.py)
    return demo
