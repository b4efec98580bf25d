"""An uploaded picture, whatever its file holds, as one normalized PIL image: 8-bit 'L', 'RGB' or 'RGBA', turned
upright (EXIF), the first frame of an animation. A file that cannot be used raises PictureError (a ValueError) whose
text is a sentence for a student (no exception class names, no paths); its `kind` and `values` let an app say the
same in another language."""
from __future__ import annotations

import io
import os
import warnings

import numpy as np

MAX_UPLOAD_PIXELS = 40_000_000  # larger pictures are refused before they are decoded (a 40-megapixel photo is fine)
KINDS = "a PNG, JPEG, GIF, BMP or WebP picture"
# Pillow's plugins that may open an upload: the kinds the sentence names. Every other plugin is parser surface
# with no teaching value, and EPS would hand the file to Ghostscript where it is installed.
FORMATS = ("PNG", "JPEG", "GIF", "BMP", "WEBP")


class PictureError(ValueError):
    """A file that is no usable picture: the sentence, and what kind of problem it is (too_large, damaged, empty,
    bomb, unreadable) with the numbers the sentence names."""

    def __init__(self, kind: str, sentence: str, **values):
        super().__init__(sentence)
        self.kind, self.values = kind, values


def open_image(source, max_pixels: int = MAX_UPLOAD_PIXELS):
    """source: a file path, a binary file object, bytes or a PIL image -> a PIL image in mode L, RGB or RGBA."""
    from PIL import Image, ImageOps

    image = source if isinstance(source, Image.Image) else open_picture_file(source)
    width, height = image.size
    if width * height > max_pixels:
        raise PictureError("too_large", f"That picture is {width}×{height} pixels, more than this app takes "
                           f"({max_pixels // 1_000_000} million pixels): shrink it first, or choose a smaller one.",
                           width=width, height=height, millions=max_pixels // 1_000_000)
    try:
        image.seek(0)  # an animated GIF/PNG/WebP: its first frame
        image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, SyntaxError, ValueError, EOFError):
        raise PictureError("damaged", f"That picture file is damaged or cut short, so it cannot be read: try another "
                           f"copy, or {KINDS}.") from None
    return _eight_bit(image)


def picture_size(source) -> tuple[int, int]:
    """(width, height) read from a picture file's header, nothing decoded; ValueError (a sentence) when it is not a
    picture or a decompression bomb."""
    with open_picture_file(source) as image:
        return image.size


def open_picture_file(source):
    """A path, bytes or a binary file -> PIL's lazily opened image (the header read, no pixels decoded yet)."""
    from PIL import Image, UnidentifiedImageError

    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    if isinstance(source, (str, os.PathLike)) and os.path.getsize(source) == 0:
        raise PictureError("empty", f"That file is empty (0 bytes): choose {KINDS}.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(source, formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PictureError("bomb", "That picture has far too many pixels for this app: shrink it first, or choose a "
                           "smaller one.") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PictureError("unreadable", "That file is not a picture this app can read (its name may say .png, but "
                           f"its contents are something else): choose {KINDS}.") from None


def _eight_bit(image):
    """Any PIL mode -> 8-bit L, RGB or RGBA. 16- and 32-bit grey is scaled to its full range (65535 -> 255), not
    clipped (PIL's own convert("L") clips, which turns a 16-bit photo almost white)."""
    from PIL import Image

    if image.mode in ("L", "RGB", "RGBA"):
        return image
    if image.mode == "1":
        return image.convert("L")
    if image.mode in ("P", "PA"):  # a palette: its colours, and its transparency when it has one
        has_alpha = image.mode == "PA" or "transparency" in image.info
        return image.convert("RGBA" if has_alpha else "RGB")
    if image.mode == "LA":
        return image.convert("RGBA")
    if image.mode.startswith("I") or image.mode == "F":
        grey = np.asarray(image, dtype=np.float64)
        top = 1.0 if image.mode == "F" and grey.max() <= 1.0 else (255.0 if grey.max() <= 255 else 65535.0)
        return Image.fromarray(np.clip(grey / top * 255.0, 0, 255).round().astype(np.uint8))
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, RGBX ...
