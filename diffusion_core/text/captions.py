"""Captions for MNIST and Fashion-MNIST images, from labels and from properties measured on the pixels,
so that text can control more than the class.

Each attribute is a number computed on the image x in [0, 1] (28×28), with ink = pixels above 0.5:
  size       fraction of the 28×28 frame covered by the bounding box of the ink         -> small / large
  brightness mean value of the pixels above 0.1 (the object, not the background)        -> dark / light
  thickness  mean length of the horizontal runs of ink pixels (stroke width in px)      -> thin / bold    (digits)
  slant      |cov(col, row) / var(row)| of the ink pixels weighted by intensity:
             how far the columns shift per row, i.e. the tangent of the lean            -> upright / slanted (digits)
A word is used only when the value is in the dataset's bottom or top third (thresholds measured on the
training set and stored with the model); middling images get no word for that attribute.
"""
from __future__ import annotations

import numpy as np
import torch

FASHION_NOUNS = [["t-shirt", "tee", "top"], ["trousers", "pants", "jeans"], ["pullover", "sweater", "jumper"],
                 ["dress", "gown"], ["coat", "jacket"], ["sandal", "summer sandal"],
                 ["shirt", "blouse", "button-up shirt"], ["sneaker", "trainer", "running shoe"],
                 ["bag", "handbag", "purse"], ["ankle boot", "boot", "short boot"]]
DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
ATTRIBUTE_WORDS = {"size": ("small", "large"), "brightness": ("dark", "light"),
                   "thickness": ("thin", "bold"), "slant": ("upright", "slanted")}
CAPTION_TEMPLATES = {"mnist": ["a {adj} {p}", "a {adj} handwritten {p}", "the {adj} {p}", "{adj} {p}"],
                     "fashion_mnist": ["a {adj} {p}", "a photo of a {adj} {p}", "{adj} {p}",
                                       "a picture of a {adj} {p}"]}
DATASET_ATTRIBUTES = {"mnist": ("size", "thickness", "slant"), "fashion_mnist": ("size", "brightness")}


def measure(images: torch.Tensor) -> dict[str, np.ndarray]:
    """images: (N, 1, 28, 28) in [-1, 1] -> {attribute: (N,) values}, as defined in the module docstring."""
    x = ((images[:, 0].double() + 1) / 2).clamp(0, 1).numpy()  # (N, 28, 28) in [0, 1]
    ink = x > 0.5
    n, h, w = x.shape
    rows_any, cols_any = ink.any(2), ink.any(1)
    size = np.zeros(n)
    for i in range(n):
        r, c = np.flatnonzero(rows_any[i]), np.flatnonzero(cols_any[i])
        if len(r):
            size[i] = (r[-1] - r[0] + 1) * (c[-1] - c[0] + 1) / (h * w)
    obj = x > 0.1
    brightness = (x * obj).sum((1, 2)) / np.maximum(obj.sum((1, 2)), 1)
    starts = ink & ~np.pad(ink, ((0, 0), (0, 0), (1, 0)))[:, :, :-1]  # a run starts where ink follows no ink
    thickness = ink.sum((1, 2)) / np.maximum(starts.sum((1, 2)), 1)
    rr, cc = np.mgrid[0:h, 0:w]
    mass = np.maximum(x.sum((1, 2)), 1e-6)
    mr, mc = (x * rr).sum((1, 2)) / mass, (x * cc).sum((1, 2)) / mass
    dr, dc = rr[None] - mr[:, None, None], cc[None] - mc[:, None, None]
    slant = np.abs((x * dr * dc).sum((1, 2)) / np.maximum((x * dr * dr).sum((1, 2)), 1e-6))
    return {"size": size, "brightness": brightness, "thickness": thickness, "slant": slant}


def thresholds(values: dict[str, np.ndarray]) -> dict[str, list[float]]:
    """The bottom and top tercile boundaries of each attribute."""
    return {k: [float(np.quantile(v, 1 / 3)), float(np.quantile(v, 2 / 3))] for k, v in values.items()}


def attribute_words(values: dict[str, np.ndarray], cuts: dict, dataset: str) -> list[list[str]]:
    """For each image, the words its measured attributes earn (possibly none)."""
    n = len(next(iter(values.values())))
    words = [[] for _ in range(n)]
    for attr in DATASET_ATTRIBUTES[dataset]:
        lo, hi = cuts[attr]
        low_word, high_word = ATTRIBUTE_WORDS[attr]
        for i, v in enumerate(values[attr]):
            if v < lo:
                words[i].append(low_word)
            elif v > hi:
                words[i].append(high_word)
    return words


def class_phrases(dataset: str, label: int) -> list[str]:
    """Every way a caption may name this class."""
    if dataset == "mnist":
        word = DIGIT_WORDS[label]
        return [f"digit {label}", f"digit {word}", word, str(label), f"number {label}"]
    return FASHION_NOUNS[label]


def caption(dataset: str, label: int, words: list[str], choice: int) -> str:
    """A deterministic caption: `choice` (any int) picks the phrase, the template and which words to use."""
    rng = np.random.default_rng(choice)
    phrase = class_phrases(dataset, label)[rng.integers(len(class_phrases(dataset, label)))]
    kept = [w for w in words if rng.random() < 0.8]
    adjectives = " ".join(kept)
    templates = CAPTION_TEMPLATES[dataset]
    return " ".join(templates[rng.integers(len(templates))].format(adj=adjectives, p=phrase).split())


def captions_for(dataset: str, labels: torch.Tensor, images: torch.Tensor, cuts: dict, seed: int = 0) -> list[str]:
    words = attribute_words(measure(images), cuts, dataset)
    return [caption(dataset, int(y), w, seed * 1_000_003 + i) for i, (y, w) in enumerate(zip(labels, words))]
