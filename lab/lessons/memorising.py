"""Did the model copy a training emoji? For the pictures a student generated in tab 5: each one's nearest training
pictures in the model's CLIP image space (the cosine of their embeddings), marked as near-copies above the threshold
the model was measured with, and the model's measured near-copy share (diffusion_core/near_copies.py,
near_copies.json in its folder). 3,822 training pictures is a small set: a model can learn to retrieve them.

    lesson = Memorising(clip, bank.embeddings, report, TrainingEmoji(32))    # per text model; reads nothing yet
    pictures = decode_pictures(value, 32)                   # the page's compact value -> (B, 3, 32, 32)
    found = lesson.nearest(pictures, k=3)                   # one Drawn per picture; None without the emoji data
    lesson.gallery(found), lesson.summary(found)            # thumbnails with captions, the sentences

The work per request is one CLIP image encode of at most 16 small pictures and a (B, D) @ (D, N) product; the
training pictures' names are listed once, on first use, for every user, and a picture is read when first shown.
"""
from __future__ import annotations

import base64
import binascii
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from diffusion_core.data import DatasetNotFound
from diffusion_core.emoji import STYLES, dataset_style, picture_files, read_picture
from diffusion_core.images import picture
from diffusion_core.near_copies import NearCopyReport, load_report, nearest_training
from lab.checks import InputError
from lab.i18n import text

MAX_PICTURES = 16  # tab 5 makes at most 16 pictures a run
SCALE = 3  # 32 px -> 96 px thumbnails
# the sentences, in the request's language (lab/i18n "memorising.…"); these: English
NO_PICTURES, NO_DATA, MISMATCH = (text(f"memorising.{key}", "en") for key in ("no_pictures", "no_data", "mismatch"))


def max_value_chars(size: int) -> int:
    """The longest compact value of MAX_PICTURES size×size pictures: 4 base64 characters per 3 bytes."""
    return 4 * MAX_PICTURES * size * size


def decode_pictures(value, size: int) -> torch.Tensor:
    """The page's compact value, base64 of each picture's RGB bytes row by row (size, size, 3), one picture after
    another -> (B, 3, size, size) in [-1, 1]. A sentence for anything else."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(text("memorising.no_pictures"))
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise InputError(text("memorising.not_as_sent")) from None
    per_picture = size * size * 3
    if not raw or len(raw) % per_picture or len(raw) // per_picture > MAX_PICTURES:
        raise InputError(text("memorising.not_these", size=size, most=MAX_PICTURES))
    rgb = np.frombuffer(raw, np.uint8).reshape(-1, size, size, 3)  # (B, H, W, 3)
    return torch.from_numpy(rgb.copy()).permute(0, 3, 1, 2).float().div(127.5).sub(1)


class TrainingEmoji:
    """The training pictures' names and files in load_emoji order (the rows of the model's prior bank), listed once
    on first use for every user (a lock: one lister); each picture is read when it is first shown."""

    def __init__(self, size: int, styles: tuple[str, ...] = STYLES, root=None):
        self.size, self.styles, self.root = size, styles, root
        self._lock, self._listing, self._listed = threading.Lock(), None, False
        self.picture = lru_cache(maxsize=512)(self._read)

    def listing(self) -> list[tuple[str, str, Path]] | None:
        """(name, style, PNG path) per training picture; None when the emoji data is not here."""
        with self._lock:
            if not self._listed:
                try:
                    self._listing = [(e["name"].lower(), self.styles[s], path)
                                     for s, e, path in picture_files(self.root, self.styles)]
                except (DatasetNotFound, OSError, ValueError):
                    self._listing = None
                self._listed = True
        return self._listing

    def _read(self, i: int) -> torch.Tensor:
        """(3, size, size) in [-1, 1]: training picture i over white, as the model saw it."""
        return read_picture(self.listing()[i][2], self.size)


@dataclass
class Neighbour:
    name: str  # the emoji's name, e.g. "large red square"
    style: str  # "google" or "twitter"
    cosine: float  # ⟨z_drawn, z_training⟩ in the CLIP's image space
    near_copy: bool  # cosine > the model's threshold τ
    picture: torch.Tensor  # (3, H, W) in [-1, 1]


@dataclass
class Drawn:
    picture: torch.Tensor  # (3, H, W) in [-1, 1]: the student's picture
    neighbours: list[Neighbour]  # closest first

    @property
    def near_copy(self) -> bool:
        return bool(self.neighbours) and self.neighbours[0].near_copy


class Memorising:
    """One text model's lesson: its CLIP, its prior bank's (N, D) unit image embeddings (the training pictures in
    load_emoji order), its near_copies.json and its training pictures."""

    def __init__(self, clip, bank_emb: torch.Tensor, report: NearCopyReport, training: TrainingEmoji):
        self.clip, self.bank_emb, self.report, self.training = clip, bank_emb, report, training

    @classmethod
    def of_model(cls, pipe, clip, bank) -> Memorising | None:
        """The lesson of an emoji model that ships near_copies.json and its prior bank; None for any other."""
        styles = dataset_style(str(pipe.info.get("dataset", "")))
        report = load_report(pipe.info["path"]) if styles and bank is not None else None
        return cls(clip, bank.embeddings, report, TrainingEmoji(pipe.config.image_size, styles)) if report else None

    def unavailable(self) -> str | None:
        """Why the nearest training emoji cannot be shown (a sentence), or None when they can."""
        listing = self.training.listing()
        if listing is None:
            return text("memorising.no_data")
        return text("memorising.mismatch") if len(listing) != len(self.bank_emb) else None

    @torch.no_grad()
    def nearest(self, pictures: torch.Tensor, k: int = 3) -> list[Drawn] | None:
        """pictures (B, 3, H, W) in [-1, 1] -> each one's k nearest training pictures; None without the data."""
        if self.unavailable():
            return None
        emb = self.clip.encode_images(pictures)  # (B, D) unit
        cos, idx = nearest_training(emb, self.bank_emb, k)  # (B, k) each, closest first
        listing = self.training.listing()
        return [Drawn(x, [Neighbour(*listing[j][:2], c, c > self.report.threshold, self.training.picture(j))
                          for c, j in zip(cos[b].tolist(), idx[b].tolist())]) for b, x in enumerate(pictures)]

    def gallery(self, found: list[Drawn] | None) -> list[tuple[np.ndarray, str]]:
        """One row per picture: the student's picture, then its neighbours, each with its caption."""
        rows = []
        for i, drawn in enumerate(found or []):
            rows.append((picture(drawn.picture, SCALE), text("memorising.yours", i=i + 1)))
            rows += [(picture(n.picture, SCALE), (text("memorising.near_copy") + " " if n.near_copy else "")
                      + f"{n.cosine:.3f} · {n.name} ({n.style})") for n in drawn.neighbours]
        return rows

    def summary(self, found: list[Drawn] | None) -> str:
        """What the student's pictures show, then the model's measured share (both plain sentences)."""
        measured = self.report.sentence()
        if found is None:
            return f"{self.unavailable()} {measured}"
        copies, n = sum(d.near_copy for d in found), len(found)
        return text("memorising.summary_one" if copies == 1 else "memorising.summary", n=n, copies=copies,
                    pictures=text("memorising.picture" if n == 1 else "memorising.pictures"),
                    threshold=f"{self.report.threshold:.3f}") + " " + measured
