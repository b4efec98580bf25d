"""Turning tensors in [-1, 1] into grids, PNGs and GIFs."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from .data import tensor_to_uint8


def make_grid(images: torch.Tensor, nrow: int | None = None, pad: int = 2, scale: int = 1) -> np.ndarray:
    """(B, C, H, W) in [-1, 1] -> one uint8 (H', W', 3) picture with `nrow` images per row."""
    b, c, h, w = images.shape
    nrow = nrow or int(np.ceil(np.sqrt(b)))
    rows = int(np.ceil(b / nrow))
    tiles = tensor_to_uint8(images)  # (B, H, W, C)
    if c == 1:
        tiles = np.repeat(tiles, 3, axis=-1)
    grid = np.full((rows * (h + pad) + pad, nrow * (w + pad) + pad, 3), 40, dtype=np.uint8)
    for i, tile in enumerate(tiles):
        r, col = divmod(i, nrow)
        grid[pad + r * (h + pad): pad + r * (h + pad) + h, pad + col * (w + pad): pad + col * (w + pad) + w] = tile
    return grid.repeat(scale, 0).repeat(scale, 1) if scale > 1 else grid


def save_png(picture: np.ndarray, path) -> Path:
    from PIL import Image

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(picture).save(path)
    return path


def save_gif(frames: list[np.ndarray], path, duration_ms: int = 60) -> Path:
    """Frames (H, W, 3) uint8 -> an animated GIF that loops, holding the last frame longer."""
    from PIL import Image

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pics = [Image.fromarray(f) for f in frames]
    durations = [duration_ms] * (len(pics) - 1) + [1500]
    pics[0].save(path, save_all=True, append_images=pics[1:], duration=durations, loop=0)
    return path


def save_mp4(frames: list[np.ndarray], path, fps: int = 25) -> Path | None:
    """Frames (H, W, 3) uint8 -> an H.264 MP4 (yuv420p, plays in browsers); None when PyAV is not installed."""
    try:
        import av
    except ImportError:
        return None
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    h, w = frames[0].shape[0] + frames[0].shape[0] % 2, frames[0].shape[1] + frames[0].shape[1] % 2  # yuv420p: even sizes
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264" if "libx264" in av.codecs_available else "mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        for frame in frames + [frames[-1]] * fps:  # hold the last frame for a second
            padded = np.zeros((h, w, 3), dtype=np.uint8)
            padded[: frame.shape[0], : frame.shape[1]] = frame
            container.mux(stream.encode(av.VideoFrame.from_ndarray(padded, format="rgb24")))
        container.mux(stream.encode())  # flush
    return path
