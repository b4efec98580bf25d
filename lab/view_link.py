"""Links to a view: the page's address carries what one lesson step shows (the tab, the picture, the schedule, T and t,
the model with its sampler, steps, seed, class and guidance, the prompt), so a teacher sends one link per step.

    link_of({"tab": "forward", "schedule": "cosine", "t": 700})  ->  "?tab=forward&schedule=cosine&t=700"
    view_of({"tab": "forward", "t": "700", "schedule": "nonsense"}, known)  ->  {"tab": "forward", "t": 700}

Reading a link never fails: a value that is unknown, garbled or out of range is left out, and the page keeps its
default for it. Parameters that are not ours (`?present=1`, …) are ignored here and left to whoever reads them."""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from lab.i18n import LANGS

TABS = ("forward", "schedules", "denoise", "sampling", "text", "playground")  # the ids of the six tabs, in order
FIELDS = ("tab", "image", "schedule", "T", "t", "model", "sampler", "steps", "seed", "class", "guidance", "prompt",
          "lang")  # lang: the page's language (lab/i18n), read in the browser before the page starts (lang_first.js)
OWN_IMAGE = "none"  # an upload or a drawing stays on the student's machine: the link opens with the default picture
MAX_PROMPT_CHARS = 200
T_RANGE, STEPS_RANGE, GUIDANCE_RANGE, CLASS_RANGE = (2, 5000), (1, 1000), (1.0, 5.0), (-2, 999)  # as the widgets allow
DEFAULT_T = 1000


@dataclass(frozen=True)
class Known:
    """What a link may name on this server."""
    schedules: tuple[str, ...] = ()
    models: tuple[str, ...] = ()
    samplers: tuple[str, ...] = ()
    images: tuple[str, ...] = ()  # one name per gallery item, in order: an example's file name, "" for a dataset image
    max_seed: int = 2**32 - 1


def image_name(index: int | None, images: tuple[str, ...]) -> str:
    """How a link names the chosen picture: an example by its name, a dataset image by its gallery position."""
    if index is None or not 0 <= index < len(images):
        return OWN_IMAGE
    return images[index] or str(index)


def link_of(values: Mapping[str, object]) -> str:
    """The query string ("?tab=…&t=…") of a view; None values are left out, numbers written plainly (2.0 -> "2")."""
    pairs = [(name, _text(values[name])) for name in FIELDS if values.get(name) is not None]
    return "?" + urlencode(pairs)


def view_of(query: Mapping[str, object], known: Known) -> dict:
    """The valid part of a link's parameters, as the widgets' values (ints, floats, names, a gallery index)."""
    raw = {name: _last(query.get(name)) for name in FIELDS}
    T = _whole(raw["T"], *T_RANGE)
    readers = {
        "tab": lambda s: s if s in TABS else None,
        "image": lambda s: _gallery_index(s, known.images),
        "schedule": lambda s: s if s in known.schedules else None,
        "T": lambda s: T,
        "t": lambda s: _whole(s, 0, (T or DEFAULT_T) - 1),
        "model": lambda s: s if s in known.models else None,
        "sampler": lambda s: s if s in known.samplers else None,
        "steps": lambda s: _whole(s, *STEPS_RANGE),
        "seed": lambda s: _whole(s, 0, known.max_seed),
        "class": lambda s: _whole(s, *CLASS_RANGE),
        "guidance": lambda s: _number(s, *GUIDANCE_RANGE),
        "prompt": lambda s: " ".join(s.split())[:MAX_PROMPT_CHARS] or None,
        "lang": lambda s: s if s in LANGS else None,
    }
    view = {name: read(raw[name]) for name, read in readers.items() if raw[name] is not None}
    return {name: value for name, value in view.items() if value is not None}


def _last(value) -> str | None:
    """A query parameter given twice counts once, the last one (as browsers and Starlette read it)."""
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else None
    return None if value is None else str(value).strip()


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(text: str, lo: float, hi: float) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) and lo <= number <= hi else None


def _whole(text: str | None, lo: int, hi: int) -> int | None:
    number = None if text is None else _number(text, lo, hi)
    return int(number) if number is not None and number.is_integer() else None


def _gallery_index(text: str, images: tuple[str, ...]) -> int | None:
    if text in images and text:
        return images.index(text)
    return _whole(text, 0, len(images) - 1)
