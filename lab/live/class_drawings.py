"""The class's own drawings, the pictures its model trains on (class_model.py): 28×28 grey, white ink on black as
MNIST, at most drawings_per_student per student and max_drawings per class (limits.Bounds).

A drawing arrives as its 784 pixels, row by row, each a number in [0, 1] (0 black, 1 white ink): the page reads
them off its 28×28 canvas, so an uploaded picture is decoded by the browser, never by the server. The server only
checks a list of numbers (no image decoder on a student's bytes, no decompression bomb) and keeps it as 784 bytes.
The teacher may hide a drawing: it leaves the training set and is never shown as a nearest drawing.

    drawings = ClassDrawings()
    drawing = drawings.add(student=3, pixels=[0.0] * 700 + [1.0] * 84, bounds=Bounds())
    x0, ids = drawings.training_set()      # (N, 1, 28, 28) in [-1, 1], the shown drawings, and their ids
    drawings.png(drawing.id)               # a small PNG (bytes), for the teacher's page and the samples' neighbours
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
import torch

from lab.live.asked import LiveError
from lab.live.limits import Bounds

SIDE = 28
PIXELS = SIDE * SIDE
MIN_INK = 8  # of 255: a drawing whose brightest and darkest pixels are closer than this is empty
NOT_PIXELS, EMPTY = "live.not_pixels", "live.empty_drawing"  # lab/i18n keys ({pixels}: PIXELS)


@dataclass
class Drawing:
    id: int
    student: int
    pixels: bytes  # (28, 28) uint8, row by row
    hidden: bool = False

    def meta(self, nickname) -> dict:
        return {"id": self.id, "student": self.student, "nickname": nickname(self.student), "hidden": self.hidden}


def read_pixels(value: object) -> bytes:
    """784 numbers in [0, 1] -> 784 bytes round(255 v); a LiveError with a sentence for anything else."""
    if not isinstance(value, list) or len(value) != PIXELS:
        raise LiveError(400, NOT_PIXELS, pixels=PIXELS)
    if not all(type(v) in (int, float) and math.isfinite(v) and 0 <= v <= 1 for v in value):
        raise LiveError(400, NOT_PIXELS, pixels=PIXELS)
    grey = np.rint(np.asarray(value, dtype=np.float64) * 255).astype(np.uint8)
    if int(grey.max()) - int(grey.min()) < MIN_INK:
        raise LiveError(400, EMPTY)
    return grey.tobytes()


def to_tensor(pixels: list[bytes]) -> torch.Tensor:
    """Drawings' bytes -> (N, 1, 28, 28) in [-1, 1], as diffusion_core/data.py reads MNIST."""
    grey = np.frombuffer(b"".join(pixels), dtype=np.uint8).reshape(-1, 1, SIDE, SIDE)
    return torch.from_numpy(grey.copy()).float().div(127.5).sub(1)


def png_of(grey: np.ndarray) -> bytes:
    """(28, 28) uint8 -> a PNG (a few hundred bytes)."""
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(grey, mode="L").save(out, format="PNG")
    return out.getvalue()


class ClassDrawings:
    def __init__(self):
        self.items: list[Drawing] = []

    def add(self, student: int, pixels: object, bounds: Bounds) -> Drawing:
        grey = read_pixels(pixels)
        if sum(d.student == student for d in self.items) >= bounds.drawings_per_student:
            raise LiveError(409, "live.sent_all", n=bounds.drawings_per_student)
        if len(self.items) >= bounds.max_drawings:
            raise LiveError(409, "live.drawings_full", n=bounds.max_drawings)
        self.items.append(Drawing(len(self.items) + 1, student, grey))
        return self.items[-1]

    def sent_by(self, student: int) -> int:
        return sum(d.student == student for d in self.items)

    def find(self, drawing: object) -> Drawing:
        found = next((d for d in self.items if type(drawing) is int and d.id == drawing), None)
        if found is None:
            raise LiveError(404, "live.no_drawing")
        return found

    def shown(self) -> list[Drawing]:
        return [d for d in self.items if not d.hidden]

    def training_set(self) -> tuple[torch.Tensor, list[int]]:
        """The shown drawings as (N, 1, 28, 28) in [-1, 1], and their ids."""
        shown = self.shown()
        return to_tensor([d.pixels for d in shown]), [d.id for d in shown]

    def png(self, drawing: int) -> bytes:
        return png_of(np.frombuffer(self.find(drawing).pixels, dtype=np.uint8).reshape(SIDE, SIDE))
