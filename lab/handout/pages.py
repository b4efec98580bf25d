"""The handout's page for each tab, drawn from the values the lessons already computed (lab/lessons): nothing here
does diffusion math, it only lays those values out on paper with a paragraph a student can follow."""
from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from diffusion_core.images import picture, tile_grid
from lab.handout.page import Page, markdown_lines, plot_lines
from lab.lessons.denoise import DenoiseView
from lab.lessons.forward import ForwardView
from lab.lessons.sampling import Frame
from lab.lessons.text import KNOWS, Inspection

FORWARD = ("A diffusion model learns by watching images drown in noise. We mix the clean image x0 with random noise ε "
           "(random numbers from a bell curve). At step t the mix is √ᾱ_t parts image and √(1 − ᾱ_t) parts noise, "
           "where ᾱ_t ('alpha bar') starts at 1 and falls towards 0 as t grows. Below: the clean image, the noisy "
           "image at the chosen t, the same image at eight noise levels, and a histogram: the noisy pixels look more "
           "and more like the bell curve N(0, 1).")
SCHEDULES = ("A noise schedule decides how fast the image fades. β_t is the bit of noise added at step t; ᾱ_t is the "
             "share of the image left after t steps; the signal-to-noise ratio SNR = ᾱ/(1 − ᾱ) compares the image's "
             "share with the noise's. In decibels, 0 dB means equal parts and every −10 dB means ten times more noise "
             "than image. Cosine keeps the image visible for longer than linear, so the model spends more of its "
             "steps where there is something left to see.")
DENOISE = ("A trained network looks at a noisy image x_t and guesses the noise ε̂ that was added. Subtracting that "
           "guess gives x̂0, a guess of the clean image in one go. Taking many small steps from t down to 0 (the "
           "reverse process) usually does better. PSNR (peak signal-to-noise ratio, in dB) measures how close a guess "
           "is to the truth: higher is better, and every +6 dB halves the typical pixel error.")
SAMPLING = ("To make a new image, the model starts from pure noise and removes a little of its predicted noise at each "
            "step. Each column below is one moment of the run: on top the current x_t, underneath the model's current "
            "guess of the finished image, x̂0. Early guesses are blurry averages of everything the model knows; as the "
            "noise falls, details appear. The sampler decides how big each step is: good samplers need only 10 to 50.")
TEXT = ("Here the model is steered by words. CLIP, a network trained on pictures and their captions, turns the prompt "
        "into a list of numbers (an embedding). The retrieval prior looks up the training images whose embeddings are "
        "closest to the prompt, and the U-Net removes noise step by step towards an image like them. Guidance w makes "
        "it follow the prompt more strictly. This model {knows}: for a prompt far from those, expect a guess.")


def forward_page(view: ForwardView, x0_picture: np.ndarray, seed: int) -> Page:
    page = Page("1 · Forward noise: an image turns into noise", FORWARD)
    page.pictures([(x0_picture, "x0, the clean image"), (view.xt, "x_t, the image at the chosen t")], height=0.24,
                  caption_lines=1)
    page.pictures([(view.strip, "x_t at t = " + ", ".join(map(str, view.strip_timesteps)))], height=0.08,
                  caption_lines=1)
    page.numbers(markdown_lines(view.equation) + [f"noise ε drawn with seed {seed}"])
    page.take(0.01)
    ax = page.axes(0.17)
    pixels = view.histogram[view.histogram["series"] != "N(0, 1)"]
    ax.bar(pixels["value"], pixels["density"], width=pixels["value"].diff().median(), color="0.75", edgecolor="0.35",
           linewidth=0.4, label="pixels of x_t")
    plot_lines(ax, view.histogram, "value", "density", "series", skip=lambda name: name != "N(0, 1)")
    ax.set_xlabel("pixel value"), ax.set_ylabel("density"), ax.legend(loc="upper left", frameon=False)
    ax.set_title("pixels of x_t against the bell curve N(0, 1)", fontsize=9.5)
    return page


def schedule_page(curves: dict[str, pd.DataFrame], table: pd.DataFrame, noised: list, T: int, t: int) -> Page:
    page = Page("2 · Noise schedules: how fast the image fades", SCHEDULES)
    titles = {"beta": "β_t, the noise added at step t", "alpha_bar": "ᾱ_t, the share of the image left",
              "snr_db": "SNR in dB = 10·log10(ᾱ/(1 − ᾱ))"}
    for key, title in titles.items():
        ax = page.axes(0.07)
        marker = curves[key]["schedule"].str.startswith("t = ")  # the rows of the marker at the chosen t
        plot_lines(ax, curves[key][~marker], "t", "value", "schedule")
        ax.axvline(t, color="0.4", linewidth=1, linestyle=(0, (2, 2)), label=f"t = {t}")
        ax.set_title(title, fontsize=9.5, loc="left"), ax.set_xlim(0, T - 1)
        if key == "beta":  # one legend for the three plots, on the first one's title line
            ax.legend(loc="lower right", bbox_to_anchor=(1, 1), ncol=5, fontsize=7.5, frameon=False)
    page.heading("ᾱ_t and SNR (dB) at a few t; at 0 dB noise starts to outweigh the image")
    for prefix, what in (("ᾱ(", "ᾱ_t at t →"), ("dB(", "dB at t →")):  # columns "ᾱ(100)" -> "100"
        columns = [c for c in table.columns if c.startswith(prefix)]
        part = table[["schedule"] + columns + (["0 dB at t"] if prefix == "dB(" else [])]
        page.table(part.rename(columns={"schedule": what} | {c: c[len(prefix):-1] for c in columns}), fontsize=7.5)
    if noised:
        page.heading(f"your image at t = {t} under each schedule (the dashed line above)")
        page.pictures(noised, height=0.065, caption_lines=1)
    return page


def denoise_page(view: DenoiseView, model: str) -> Page:
    page = Page("3 · Denoise: the network guesses the noise", DENOISE)
    page.pictures(view.panels, height=0.14)
    page.heading(f"How close each guess is to the ground truth (model {model})")
    page.table(view.metrics, fontsize=9)
    ax = page.axes(0.2)
    plot_lines(ax, view.psnr_curve, "t", "PSNR (dB)", "estimate")
    ax.set_xlabel("t (noise level)"), ax.set_ylabel("PSNR (dB), higher is better"), ax.legend()
    ax.set_title("PSNR of this image at every noise level, same noise ε", fontsize=9.5)
    best = view.metrics.loc[view.metrics["PSNR (dB)"].idxmax()]
    page.numbers([f"best here: {best['estimate']}, {best['PSNR (dB)']} dB (MSE {best['MSE']})",
                  "MSE = mean squared pixel error (pixels from −1 to 1); PSNR = 10·log10(2² / MSE)"],
                 heading="Reading it")
    return page


def sampling_page(frames: list[Frame], settings: list[str], columns: int = 6) -> Page:
    page = Page("4 · Reverse sampling: from noise to an image", SAMPLING)
    picks = np.linspace(0, len(frames) - 1, min(columns, len(frames))).round().astype(int)
    shown = [frames[i] for i in picks]
    label = [f"step {f.index}" + (f", t = {f.t:.3g}" if f.t >= 0 else ", finished") for f in shown]
    page.heading("x_t, the picture being cleaned")
    page.pictures([(tile_grid(f.xt, f.nrow), text) for f, text in zip(shown, label)], height=0.1)
    page.heading("x̂0, the model's guess of the finished image at that moment")
    page.pictures([(tile_grid(f.x0, f.nrow), text) for f, text in zip(shown, label)], height=0.1)
    page.heading("The finished images")
    page.pictures([(tile_grid(frames[-1].x0, frames[-1].nrow), "")], height=0.2, caption_lines=0)
    page.numbers(settings, heading="The run")
    return page


def text_page(prompt: str, images: list[np.ndarray], inspection: Inspection, settings: list[str],
              knows: str = KNOWS) -> Page:
    """knows: what the model knows ("only knows ...": the prompt domain's sentence)."""
    page = Page("5 · Text to image with CLIP", TEXT.format(knows=knows.removeprefix("it ")))
    page.heading(f"Prompt: “{prompt}”")
    page.pictures([(image, "") for image in images[:8]], height=0.09, caption_lines=0)
    verdict = inspection.warning or "The prompt is close to things the model knows."
    page.numbers(textwrap.wrap(verdict, 95), heading="How well the model knows the prompt", mono=False)
    concepts = pd.DataFrame(inspection.similarities[:6], columns=["kind", "concept", "similarity"])
    page.table(concepts)
    page.heading("The test images whose CLIP embeddings are closest to the prompt")
    page.pictures([(picture(x), f"{s:.2f}") for x, s in zip(inspection.nearest, inspection.nearest_scores)],
                  height=0.07, caption_lines=1)
    page.numbers(settings, heading="The run")
    return page
