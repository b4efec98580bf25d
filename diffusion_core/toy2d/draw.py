"""Pictures of 2-D particles with Pillow: data points, particle paths, particles and a vector field's arrows on a
square of the plane, as uint8 (H, W, 3) arrays (a frame of the flow animation, or of its GIF).

World to pixels on a side of S px showing [-R, R]²:  u = (x + R)/(2R)·S,  v = (R − y)/(2R)·S  (y points up).
Drawn at 2× and halved (Image.reduce), which smooths the lines (Pillow draws them without anti-aliasing);
bench/playground.py times one frame against matplotlib and Gradio's own plot.
"""
from __future__ import annotations

import colorsys
import math
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

RADIUS = 3.2  # the square [-R, R]² holds the presets and most of N(0, I)
MAX_PATHS = 100  # paths drawn for at most this many particles (evenly chosen): ancestral paths zigzag and pile up
SUPERSAMPLE = 2
DATA, ARROW, TEXT, FRAME = (185, 185, 185, 255), (40, 110, 200, 150), (20, 20, 20), (225, 225, 225)


@dataclass
class Layer:
    """What one panel shows: positions are (N, 2) tensors or None."""
    title: str = ""
    data: torch.Tensor | None = None  # faint grey dots: the training distribution
    paths: torch.Tensor | None = None  # (K, N, 2): each particle's positions so far, oldest first
    colors: list | None = None  # N RGB tuples, one per particle
    grid: torch.Tensor | None = None  # (G, 2) arrow tails
    arrows: torch.Tensor | None = None  # (G, 2) vectors at the tails, any scale (normalised here)
    font: str | None = None  # a TrueType file for the title (one with CJK letters for Chinese); None: Pillow's own


def particle_colors(start: torch.Tensor) -> list[tuple[int, int, int]]:
    """A hue per particle from the angle of its starting point: which noise goes where stays visible."""
    angle = torch.atan2(start[:, 1], start[:, 0]).tolist()
    return [tuple(int(255 * c) for c in colorsys.hsv_to_rgb((a / (2 * math.pi)) % 1, 0.85, 0.85)) for a in angle]


def _to_px(xy: torch.Tensor, size: int) -> np.ndarray:
    """(…, 2) world -> (…, 2) float pixels."""
    xy = xy.detach().float().numpy()
    return np.stack([(xy[..., 0] + RADIUS), (RADIUS - xy[..., 1])], axis=-1) * (size / (2 * RADIUS))


def _arrows(draw: ImageDraw.ImageDraw, grid: torch.Tensor, vectors: torch.Tensor, size: int):
    """Arrows of at most one grid cell: lengths divided by the 90th percentile of |v|, longer ones clipped."""
    cell = 2 * RADIUS / max(2, round(math.sqrt(len(grid))))
    norm = vectors.norm(dim=1, keepdim=True)
    scale = float(norm.quantile(0.9)) or 1.0
    vectors = vectors / scale * cell * 0.8
    vectors = vectors * (cell * 0.8 / vectors.norm(dim=1, keepdim=True).clamp(min=cell * 0.8)).clamp(max=1)
    tails, heads = _to_px(grid, size), _to_px(grid + vectors, size)
    width = SUPERSAMPLE
    for (x0, y0), (x1, y1) in zip(tails.tolist(), heads.tolist()):
        draw.line([(x0, y0), (x1, y1)], fill=ARROW, width=width)
        length = math.hypot(x1 - x0, y1 - y0)
        if length > 2:
            ux, uy = (x1 - x0) / length, (y1 - y0) / length
            head = min(3 * SUPERSAMPLE + length / 4, length)
            for side in (-1, 1):  # two strokes back from the head, ±30°
                bx, by = -ux * 0.87 - side * uy * 0.5, -uy * 0.87 + side * ux * 0.5
                draw.line([(x1, y1), (x1 + bx * head, y1 + by * head)], fill=ARROW, width=width)


def _dots(draw, xy: np.ndarray, r: float, fills, outline=None):
    for (x, y), fill in zip(xy.tolist(), fills):
        draw.ellipse([x - r, y - r, x + r, y + r], fill=fill, outline=outline)


def draw_layer(layer: Layer, size: int = 400) -> np.ndarray:
    """One panel: (size, size, 3) uint8."""
    s = size * SUPERSAMPLE
    image = Image.new("RGB", (s, s), (255, 255, 255))
    draw = ImageDraw.Draw(image, "RGBA")  # fills with alpha blend onto the picture
    centre = s / 2
    draw.line([(0, centre), (s, centre)], fill=FRAME, width=SUPERSAMPLE)
    draw.line([(centre, 0), (centre, s)], fill=FRAME, width=SUPERSAMPLE)
    if layer.data is not None:
        _dots(draw, _to_px(layer.data, s), 1.2 * SUPERSAMPLE, [DATA] * len(layer.data))
    if layer.grid is not None and layer.arrows is not None:
        _arrows(draw, layer.grid, layer.arrows, s)
    if layer.paths is not None:
        colors = layer.colors or [(200, 60, 60)] * layer.paths.shape[1]
        px = _to_px(layer.paths, s)  # (K, N, 2)
        if len(px) > 1:
            for i in np.unique(np.linspace(0, len(colors) - 1, min(MAX_PATHS, len(colors))).round().astype(int)):
                draw.line([tuple(p) for p in px[:, i].tolist()], fill=colors[i] + (90,), width=SUPERSAMPLE)
        _dots(draw, px[-1], 2.2 * SUPERSAMPLE, [c + (255,) for c in colors], outline=(40, 40, 40, 160))
    if layer.title:
        font = (ImageFont.truetype(layer.font, 14 * SUPERSAMPLE) if layer.font
                else ImageFont.load_default(14 * SUPERSAMPLE))
        draw.text((8 * SUPERSAMPLE, 6 * SUPERSAMPLE), layer.title, fill=TEXT, font=font)
    draw.rectangle([0, 0, s - 1, s - 1], outline=FRAME, width=SUPERSAMPLE)
    return np.asarray(image.reduce(SUPERSAMPLE))


def side_by_side(panels: list[np.ndarray], gap: int = 6) -> np.ndarray:
    """Panels (H, W_i, 3) in one row, `gap` white pixels apart."""
    h = max(p.shape[0] for p in panels)
    spacer = np.full((h, gap, 3), 255, dtype=np.uint8)
    row = [x for p in panels for x in (p, spacer)][:-1]
    return np.concatenate(row, axis=1)


def grid_points(n: int = 15, extent: float = RADIUS * 0.9) -> torch.Tensor:
    """An n × n grid of arrow tails over [-extent, extent]²: (n², 2)."""
    axis = torch.linspace(-extent, extent, n)
    return torch.cartesian_prod(axis, axis)
