"""A font for the page's language where a picture's words are drawn on the server (Pillow, matplotlib): Chinese needs
a CJK font (fonts-wqy-zenhei or fonts-noto-cjk; a Space lists one in packages.txt); the other languages draw with
the default font. No Gradio here."""
from __future__ import annotations

from functools import cache
from pathlib import Path

CJK_FILES = ("wqy-zenhei", "notosanscjk", "sourcehansans")  # parts of their file names, lower case
WIDE_LANGS = ("zh-CN",)  # languages whose letters the default fonts lack


@cache
def cjk_fonts() -> tuple[str, ...]:
    """The paths of the CJK fonts installed on this machine (none: an empty tuple)."""
    from matplotlib import font_manager

    return tuple(sorted(path for path in font_manager.findSystemFonts()
                        if any(part in Path(path).name.lower() for part in CJK_FILES)))


def font_for(lang: str) -> str | None:
    """A font file that draws `lang`'s letters, or None where the default font does (or none is installed)."""
    return next(iter(cjk_fonts()), None) if lang in WIDE_LANGS else None
