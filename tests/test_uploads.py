"""Uploads: every kind of file becomes an 8-bit L/RGB/RGBA picture, or a sentence saying what to choose instead."""
import io

import numpy as np
import pytest
from PIL import Image

from diffusion_core.uploads import open_image, picture_size


def saved(image: Image.Image, fmt: str = "PNG", **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def test_sixteen_bit_grey_is_scaled_not_clipped():
    ramp = (np.linspace(0, 65535, 64 * 64).reshape(64, 64)).astype(np.uint16)
    image = open_image(saved(Image.fromarray(ramp)))
    values = np.asarray(image)
    assert image.mode == "L" and values.min() == 0 and values.max() == 255
    assert abs(values.mean() - 127.5) < 2  # a ramp stays a ramp (clipping makes it almost all 255)


def test_palette_animation_and_transparency():
    palette = Image.new("P", (8, 8))
    palette.putpalette([255, 0, 0] * 256)
    assert open_image(saved(palette)).getpixel((0, 0)) == (255, 0, 0)
    frames = [Image.new("RGB", (10, 10), colour) for colour in ((0, 0, 255), (0, 255, 0))]
    gif = saved(frames[0], "GIF", save_all=True, append_images=frames[1:])
    first = open_image(gif)
    assert first.mode == "RGB" and first.getpixel((5, 5))[2] > 200  # the first frame, blue
    assert open_image(saved(Image.new("LA", (4, 4), (200, 10)))).mode == "RGBA"
    assert open_image(Image.new("CMYK", (4, 4))).mode == "RGB"


@pytest.mark.parametrize("contents, expected", [
    (b"", "empty"),
    (b"hello, I am a text file", "not a picture"),
    (saved(Image.new("RGB", (64, 64)))[:60], "not a picture|damaged"),
])
def test_files_that_are_not_pictures_get_a_sentence(tmp_path, contents, expected):
    path = tmp_path / "photo.png"
    path.write_bytes(contents)
    with pytest.raises(ValueError, match=expected) as caught:
        open_image(path)
    assert str(caught.value)[0].isupper() and "Error" not in str(caught.value)


EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n0 0 moveto 10 10 lineto stroke\nshowpage\n%%EOF\n"


OTHER_KINDS = [EPS, saved(Image.new("L", (8, 8)), "TIFF"), saved(Image.new("RGB", (16, 16)), "ICO"),
               saved(Image.new("RGB", (8, 8)), "PPM")]


@pytest.mark.parametrize("contents", OTHER_KINDS, ids=["eps", "tiff", "ico", "ppm"])
def test_only_the_five_kinds_the_sentence_names_are_opened(tmp_path, contents):
    """PNG, JPEG, GIF, BMP and WebP; any other kind Pillow knows (EPS would go to Ghostscript) gets the sentence."""
    path = tmp_path / "photo.png"
    path.write_bytes(contents)
    with pytest.raises(ValueError, match="not a picture this app can read.*PNG, JPEG, GIF, BMP or WebP"):
        open_image(path)
    for fmt in ("PNG", "JPEG", "GIF", "BMP", "WEBP"):
        assert open_image(saved(Image.new("RGB", (8, 8), (0, 200, 0)), fmt)).size == (8, 8), fmt


def test_too_many_pixels_is_refused_before_decoding():
    with pytest.raises(ValueError, match="3000×2000 pixels"):
        open_image(saved(Image.new("L", (3000, 2000))), max_pixels=1_000_000)
    bomb = saved(Image.new("1", (20_000, 20_000)))  # 400 million pixels in a few kB: PIL's bomb guard
    with pytest.raises(ValueError, match="far too many pixels|million pixels"):
        open_image(bomb)


def test_picture_size_reads_the_header_only(tmp_path):
    path = tmp_path / "wide.png"
    path.write_bytes(saved(Image.new("RGB", (300, 20))))
    assert picture_size(path) == (300, 20)
    path.write_bytes(b"hello")
    with pytest.raises(ValueError, match="not a picture"):
        picture_size(path)
    with pytest.raises(ValueError, match="far too many pixels"):  # a bomb: refused from its header
        picture_size(io.BytesIO(saved(Image.new("1", (20_000, 20_000)))))
