"""Image conversion in one place: PIL pictures and drawings -> tensors in [-1, 1]; tensors -> uint8 pictures,
grids, PNGs, GIFs and MP4s."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch


def _upright_opaque(image, background: int = 0):
    """Turned as the camera meant (EXIF) and transparency flattened onto grey level `background` (0: black, the
    digit datasets' background; 255: white, as icons and emoji are drawn)."""
    from PIL import Image, ImageOps

    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", image.size, (background,) * 3 + (255,)), image)
    return image


def pil_to_tensor(image, size: int, channels: int = 1, background: int = 0) -> torch.Tensor:
    """Any PIL image -> (C, size, size) in [-1, 1]: transparency on `background`, mode converted, short side resized,
    centre-cropped."""
    from PIL import Image, ImageOps

    image = _upright_opaque(image, background).convert("L" if channels == 1 else "RGB")
    image = ImageOps.fit(image, (size, size), method=Image.Resampling.BICUBIC)
    arr = np.asarray(image, dtype=np.float32).reshape(size, size, channels)
    return torch.from_numpy(arr).permute(2, 0, 1).div(127.5).sub(1)


def photo_tensor(image, max_side: int = 512) -> torch.Tensor:
    """Any PIL image -> (C, H, W) in [-1, 1] as it is: colour kept (C = 3; C = 1 for a grey picture), aspect kept,
    shrunk so that max(H, W) <= max_side, never enlarged. Values are k/127.5 - 1 for 8-bit k."""
    from PIL import Image

    image = _upright_opaque(image)
    image = image.convert("L" if image.mode in ("L", "1", "I", "I;16", "F") else "RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    arr = np.asarray(image, dtype=np.float32)
    arr = arr[..., None] if arr.ndim == 2 else arr
    return torch.from_numpy(arr.copy()).permute(2, 0, 1).div(127.5).sub(1)


def tensor_to_uint8(x: torch.Tensor) -> np.ndarray:
    """(C, H, W) or (B, C, H, W) in [-1, 1] -> uint8 (H, W, C) / (B, H, W, C) for display."""
    x = ((x.detach().float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).cpu()
    return x.movedim(-3, -1).numpy()


def drawing_to_tensor(image, size: int = 28) -> torch.Tensor:
    """A sketchpad drawing -> (1, size, size) in [-1, 1], as white strokes on black like MNIST.

    Strokes on a transparent canvas are read from the alpha channel (whatever the brush colour); an
    opaque drawing is read from its brightness, inverted when the background is bright."""
    from PIL import Image

    rgba = np.asarray(image.convert("RGBA"), dtype=np.float32)
    alpha, grey = rgba[..., 3], rgba[..., :3].mean(-1)
    ink = alpha if alpha.min() < 255 else (255 - grey if grey.mean() > 127 else grey)
    if ink.max() - ink.min() < 8:
        raise ValueError("the drawing is empty: draw something on the canvas first")
    return pil_to_tensor(Image.fromarray(ink.astype(np.uint8), mode="L"), size, channels=1)


def make_grid(images: torch.Tensor, nrow: int | None = None, pad: int = 2, scale: int = 1) -> np.ndarray:
    """(B, C, H, W) in [-1, 1] -> one uint8 (H', W', 3) picture with `nrow` images per row."""
    return tile_grid(tensor_to_uint8(images), nrow, pad, scale)


def tile_grid(tiles: np.ndarray, nrow: int | None = None, pad: int = 2, scale: int = 1) -> np.ndarray:
    """(B, H, W, C) uint8 tiles -> one uint8 (H', W', 3) picture with `nrow` tiles per row, `pad` px apart."""
    b, h, w, c = tiles.shape
    nrow = nrow or int(np.ceil(np.sqrt(b)))
    rows = int(np.ceil(b / nrow))
    if c == 1:
        tiles = np.repeat(tiles, 3, axis=-1)
    grid = np.full((rows * (h + pad) + pad, nrow * (w + pad) + pad, 3), 40, dtype=np.uint8)
    for i, tile in enumerate(tiles):
        r, col = divmod(i, nrow)
        grid[pad + r * (h + pad): pad + r * (h + pad) + h, pad + col * (w + pad): pad + col * (w + pad) + w] = tile
    return grid.repeat(scale, 0).repeat(scale, 1) if scale > 1 else grid


def save_png(image: np.ndarray, path) -> Path:
    from PIL import Image

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(image).save(path)
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
    h, w = frames[0].shape[0] + frames[0].shape[0] % 2, frames[0].shape[1] + frames[0].shape[1] % 2  # even for yuv420p
    with av.open(str(path), mode="w") as container:
        stream = container.add_stream("libx264" if "libx264" in av.codecs_available else "mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        for frame in frames + [frames[-1]] * fps:  # hold the last frame for a second
            padded = np.zeros((h, w, 3), dtype=np.uint8)
            padded[: frame.shape[0], : frame.shape[1]] = frame
            container.mux(stream.encode(av.VideoFrame.from_ndarray(padded, format="rgb24")))
        container.mux(stream.encode())  # flush
    return path


def picture(x: torch.Tensor, scale: int = 1) -> np.ndarray:
    """(C, H, W) or (B, C, H, W) in [-1, 1] -> uint8 (H', W', 3), one row when batched, each pixel scale×scale."""
    x = x if x.dim() == 4 else x[None]
    return make_grid(x.clamp(-1, 1), nrow=len(x), pad=0 if len(x) == 1 else 2, scale=scale)
