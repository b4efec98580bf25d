"""The handout from the command line, offline, with the shipped models (the same pages as the tabs' buttons):

    python -m lab.handout --tab forward --t 300 --schedule cosine --out lesson.pdf
    python -m lab.handout --tab all --image 3 --prompt "dark ankle boots" --out lessons.pdf
    python -m lab.handout --tab text --text-model emoji_text --prompt "a red heart" --out emoji.pdf
Every option defaults to what the tab's widget shows when the app opens."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from diffusion_core import SCHEDULE_NAMES
from lab.classroom import Classroom, load_classroom
from lab.handout.page import write_pdf
from lab.handout.tabs import denoise_pages, forward_pages, sampling_pages, schedules_pages, text_pages
from lab.lessons.sampling import FAST_FIRST

TABS = ("forward", "schedules", "denoise", "sampling", "text")


def parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m lab.handout",
                                description="Print a lesson of Diffusion Lab as A4 pages.")
    p.add_argument("--tab", choices=TABS + ("all",), default="all", help="which tab's lesson (default: all, in order)")
    p.add_argument("--out", type=Path, default=Path("diffusion_lab_handout.pdf"), help="the PDF to write")
    p.add_argument("--models", help="folder of model folders (default: $DIFFUSION_LAB_MODELS, else pretrained/)")
    p.add_argument("--image", default="0", help="a gallery item's number (from 0) or an image file (tabs 1–3)")
    p.add_argument("--schedule", choices=SCHEDULE_NAMES, default="linear", help="tab 1's noise schedule")
    p.add_argument("--schedules", nargs="+", choices=SCHEDULE_NAMES, default=list(SCHEDULE_NAMES), help="tab 2's")
    p.add_argument("--T", type=int, default=1000, help="number of noise steps (tabs 1 and 2)")
    p.add_argument("--t", type=int, default=250, help="the noise level t (tabs 1–3)")
    p.add_argument("--seed", type=int, default=0, help="noise seed (tabs 1–3) and sampling seed (tabs 4–5)")
    p.add_argument("--markov", action="store_true", help="tab 1: run the Markov chain instead of the closed form")
    p.add_argument("--model", help="tabs 3 and 4's model (default: the tab's first)")
    p.add_argument("--sampler", default="dpm_solver_pp", help="tabs 4 and 5 (ddpm, ddim, dpm_solver_pp, euler, heun…)")
    p.add_argument("--steps", type=int, default=20, help="sampler steps (tabs 4 and 5)")
    p.add_argument("--n", type=int, default=8, help="images to sample (tabs 4 and 5)")
    p.add_argument("--label", type=int, default=-1, help="tab 4's class (-1: one of each, -2: none)")
    p.add_argument("--guidance", type=float, help="guidance w (default: 2 in tab 4, 3 in tab 5)")
    p.add_argument("--prompt", default="a bold seven", help="tab 5's prompt")
    p.add_argument("--text-model", help="tab 5's model (default: the tab's first, e.g. text_cond or emoji_text)")
    return p.parse_args(argv)


def chosen_image(classroom: Classroom, image: str) -> tuple:
    """(x0 of tabs 1-2: the picture as it is, x0 of tab 3: 28×28 grey as the models see it), from gallery item
    number `image` or the image file at that path."""
    photo, x0 = classroom.chosen_picture(image)
    return photo.numpy(), x0.numpy()


def lesson_pages(classroom: Classroom, tab: str, a: argparse.Namespace) -> list:
    names = classroom.zoo.names(with_time=tab == "sampling")
    model = a.model or next((m for m in FAST_FIRST if m in names and tab == "sampling"), names[0] if names else None)
    if tab == "forward":
        return forward_pages(chosen_image(classroom, a.image)[0], a.schedule, a.T, a.t, a.seed, a.markov)
    if tab == "schedules":
        return schedules_pages(a.schedules, a.T, a.t, chosen_image(classroom, a.image)[0], a.seed)
    if tab == "denoise":
        return denoise_pages(classroom.zoo, model, *chosen_image(classroom, a.image), "t", a.t, 0, a.seed)
    if tab == "sampling":
        guidance = 2.0 if a.guidance is None else a.guidance
        return sampling_pages(classroom, model, a.sampler, a.steps, 0.0, a.seed, a.n, a.label, guidance, True)
    guidance = 3.0 if a.guidance is None else a.guidance
    return text_pages(classroom, a.prompt, guidance, a.steps, a.sampler, a.seed, a.n, True, a.text_model)


def main(argv=None) -> int:
    a = parse(argv)
    classroom = load_classroom(a.models)
    tabs = TABS if a.tab == "all" else (a.tab,)
    pages = []
    for tab in tabs:
        if tab == "text" and classroom.text_studio is None and a.tab == "all":
            print("tab 5 left out: no CLIP-conditioned model is installed", file=sys.stderr)
            continue
        try:
            pages += lesson_pages(classroom, tab, a)
        except (ValueError, RuntimeError) as e:  # InputError, ModelLoadError: a sentence for the reader
            print(f"{tab}: {e}", file=sys.stderr)
            return 2
    print(f"{len(pages)} pages → {write_pdf(pages, a.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
