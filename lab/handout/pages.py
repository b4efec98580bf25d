"""The handout's page for each tab, drawn from the values the lessons already computed (lab/lessons): nothing here
does diffusion math, it only lays those values out on paper with a paragraph a student can follow."""
from __future__ import annotations

import numpy as np
import pandas as pd

from diffusion_core.images import picture, tile_grid
from lab.handout.page import Page, fill, markdown_lines, plot_lines
from lab.i18n import text
from lab.lessons.denoise import DenoiseView
from lab.lessons.forward import ForwardView
from lab.lessons.sampling import Frame
from lab.lessons.text import KNOWS, Inspection

# each page's paragraph and words: lab/i18n ("handout.…"), in the language of the page that asked for it


def forward_page(view: ForwardView, x0_picture: np.ndarray, seed: int) -> Page:
    page = Page(text("handout.forward_title"), text("handout.forward"))
    page.pictures([(x0_picture, text("handout.x0")), (view.xt, text("handout.xt"))], height=0.24, caption_lines=1)
    page.pictures([(view.strip, text("forward.strip_caption") + " " + ", ".join(map(str, view.strip_timesteps)))],
                  height=0.08, caption_lines=1)
    page.numbers(markdown_lines(view.equation) + [text("handout.seed", seed=seed)], heading=text("handout.numbers"))
    page.take(0.01)
    ax = page.axes(0.17)
    pixels = view.histogram[view.histogram["series"] != "N(0, 1)"]
    ax.bar(pixels["value"], pixels["density"], width=pixels["value"].diff().median(), color="0.75", edgecolor="0.35",
           linewidth=0.4, label=text("forward.legend"))
    plot_lines(ax, view.histogram, "value", "density", "series", skip=lambda name: name != "N(0, 1)")
    ax.set_xlabel(text("handout.pixel_value")), ax.set_ylabel(text("handout.density"))
    ax.legend(loc="upper left", frameon=False)
    ax.set_title(text("forward.histogram"), fontsize=9.5)
    return page


def schedule_page(curves: dict[str, pd.DataFrame], table: pd.DataFrame, noised: list, T: int, t: int) -> Page:
    page = Page(text("handout.schedules_title"), text("handout.schedules"))
    titles = {"beta": text("schedules.beta"), "alpha_bar": text("schedules.alpha_bar"), "snr_db": text("schedules.snr")}
    for key, title in titles.items():
        ax = page.axes(0.07)
        marker = curves[key]["schedule"].str.startswith("t = ")  # the rows of the marker at the chosen t
        plot_lines(ax, curves[key][~marker], "t", "value", "schedule")
        ax.axvline(t, color="0.4", linewidth=1, linestyle=(0, (2, 2)), label=f"t = {t}")
        ax.set_title(title, fontsize=9.5, loc="left"), ax.set_xlim(0, T - 1)
        if key == "beta":  # one legend for the three plots, on the first one's title line
            ax.legend(loc="lower right", bbox_to_anchor=(1, 1), ncol=5, fontsize=7.5, frameon=False)
    page.heading(text("handout.schedules_table"))
    for prefix, what in (("ᾱ(", "ᾱ_t, t →"), ("dB(", "dB, t →")):  # columns "ᾱ(100)" -> "100"
        columns = [c for c in table.columns if c.startswith(prefix)]
        part = table[["schedule"] + columns + (["0 dB at t"] if prefix == "dB(" else [])]
        page.table(part.rename(columns={"schedule": what} | {c: c[len(prefix):-1] for c in columns}), fontsize=7.5)
    if noised:
        page.heading(text("handout.by_schedule", t=t))
        page.pictures(noised, height=0.065, caption_lines=1)
    return page


def denoise_page(view: DenoiseView, model: str) -> Page:
    page = Page(text("handout.denoise_title"), text("handout.denoise"))
    page.pictures(view.panels, height=0.14)
    page.heading(text("handout.how_close", model=model))
    page.table(view.metrics, fontsize=9)
    ax = page.axes(0.2)
    plot_lines(ax, view.psnr_curve, "t", "PSNR (dB)", "estimate")
    ax.set_xlabel(text("handout.t_axis")), ax.set_ylabel(text("handout.psnr_axis")), ax.legend()
    ax.set_title(text("handout.psnr_title"), fontsize=9.5)
    best = view.metrics.loc[view.metrics["PSNR (dB)"].idxmax()]
    page.numbers([text("handout.best", estimate=best["estimate"], psnr=best["PSNR (dB)"], mse=best["MSE"]),
                  text("handout.mse")], heading=text("handout.reading"))
    return page


def sampling_page(frames: list[Frame], settings: list[str], columns: int = 6) -> Page:
    page = Page(text("handout.sampling_title"), text("handout.sampling"))
    picks = np.linspace(0, len(frames) - 1, min(columns, len(frames))).round().astype(int)
    shown = [frames[i] for i in picks]
    label = [text("handout.step", step=f.index) + (f", t = {f.t:.3g}" if f.t >= 0 else ", " + text("sampling.finished"))
             for f in shown]
    page.heading(text("handout.xt_row"))
    page.pictures([(tile_grid(f.xt, f.nrow), words) for f, words in zip(shown, label)], height=0.1)
    page.heading(text("handout.x0_row"))
    page.pictures([(tile_grid(f.x0, f.nrow), words) for f, words in zip(shown, label)], height=0.1)
    page.heading(text("handout.finished"))
    page.pictures([(tile_grid(frames[-1].x0, frames[-1].nrow), "")], height=0.2, caption_lines=0)
    page.numbers(settings, heading=text("handout.run"))
    return page


def text_page(prompt: str, images: list[np.ndarray], inspection: Inspection, settings: list[str],
              knows: str = KNOWS) -> Page:
    """knows: what the model knows ("only knows ...": the prompt domain's sentence)."""
    page = Page(text("handout.text_title"), text("handout.text", knows=knows.removeprefix("it ")))
    page.heading(text("handout.prompt", prompt=prompt))
    page.pictures([(image, "") for image in images[:8]], height=0.09, caption_lines=0)
    verdict = inspection.warning or text("text.close")
    page.numbers(fill(verdict, 95).split("\n"), heading=text("handout.knows_prompt"), mono=False)
    concepts = pd.DataFrame(inspection.similarities[:6], columns=["kind", "concept", "similarity"])
    page.table(concepts)
    page.heading(text("handout.nearest"))
    page.pictures([(picture(x), f"{s:.2f}") for x, s in zip(inspection.nearest, inspection.nearest_scores)],
                  height=0.07, caption_lines=1)
    page.numbers(settings, heading=text("handout.run"))
    return page
