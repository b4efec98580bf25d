"""The class gallery: a student's picture with the link to the view that made it.

A picture arrives as a PNG data URL ("data:image/png;base64,…") and is kept only if it is a small PNG: at most
max_bytes, its header naming at most MAX_SIDE pixels a side. Its pixels are never decoded on the server (no
decompression bomb); the page shows it from /lab/live/<code>/gallery/<id>.png, sent as image/png with nosniff."""
from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass

from lab.live.asked import LiveError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DATA_URL = "data:image/png;base64,"
MAX_SIDE = 1024
NOT_A_PNG = "live.not_png"  # lab/i18n


@dataclass
class Picture:
    id: int
    student: int
    link: str  # the query string of the view that made it (lab/view_link.py)
    png: bytes | None
    at: float  # seconds since the class started
    hidden: bool = False

    def meta(self, nickname, for_teacher: bool = False) -> dict:
        seen = {"id": self.id, "nickname": nickname(self.student), "link": self.link, "has_png": self.png is not None}
        return {**seen, "student": self.student, "hidden": self.hidden} if for_teacher else seen


def read_png(data_url: object, max_bytes: int) -> bytes | None:
    """The PNG's bytes, None when none was sent; a LiveError for anything else."""
    if data_url is None or data_url == "":
        return None
    if not isinstance(data_url, str) or not data_url.startswith(DATA_URL):
        raise LiveError(400, NOT_A_PNG)
    if len(data_url) > len(DATA_URL) + (max_bytes + 2) // 3 * 4:
        raise LiveError(413, "live.png_too_big", kb=max_bytes // 1024)
    try:
        png = base64.b64decode(data_url[len(DATA_URL):], validate=True)
    except (binascii.Error, ValueError):
        raise LiveError(400, NOT_A_PNG) from None
    if not png.startswith(PNG_SIGNATURE) or png[12:16] != b"IHDR" or len(png) < 33:
        raise LiveError(400, NOT_A_PNG)
    width, height = struct.unpack(">II", png[16:24])
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise LiveError(400, "live.png_too_large", side=MAX_SIDE)
    return png
