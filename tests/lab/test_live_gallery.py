"""lab/live/gallery.py: a small PNG, or nothing; never anything else."""
import base64
import io
import struct

import pytest
from PIL import Image

from lab.live.asked import LiveError
from lab.live.gallery import DATA_URL, read_png


def png_url(size=(28, 28)) -> str:
    out = io.BytesIO()
    Image.new("L", size, 128).save(out, format="PNG")
    return DATA_URL + base64.b64encode(out.getvalue()).decode()


def test_a_small_png_is_kept_as_bytes():
    png = read_png(png_url(), 48 << 10)
    assert Image.open(io.BytesIO(png)).size == (28, 28)
    assert read_png(None, 1024) is None and read_png("", 1024) is None


def test_anything_else_is_refused_with_a_sentence():
    gif = "data:image/gif;base64," + base64.b64encode(b"GIF89a").decode()
    fake = DATA_URL + base64.b64encode(b"<svg onload=alert(1)>").decode()
    for bad in (gif, fake, DATA_URL + "not base64!", 42, {"png": 1}, "javascript:alert(1)"):
        with pytest.raises(LiveError, match="PNG"):
            read_png(bad, 48 << 10)


def test_too_large_in_bytes_or_in_pixels():
    with pytest.raises(LiveError, match="at most 1 kB") as refused:
        read_png(png_url((256, 256)) + "A" * 4000, 1 << 10)
    assert refused.value.status == 413
    header = base64.b64decode(png_url()[len(DATA_URL):])
    huge = header[:16] + struct.pack(">II", 50_000, 50_000) + header[24:]  # a decompression bomb's header
    with pytest.raises(LiveError, match="pixels a side"):
        read_png(DATA_URL + base64.b64encode(huge).decode(), 48 << 10)
