"""What a student (or any API client) sends, checked: each check returns the value in the form the handler wants or
raises InputError with a sentence a student understands. No Gradio here: the tabs, the handout and the input gate
(lab/server/input_gate.py) all use these, and `friendly` (lab/refusals.py) shows an InputError as a toast.

A value a client sent is never echoed as it came: `shown` writes a short plain string as it is and anything else
as words ("a list", "a very long text"), so a message cannot carry markup into a page."""
from __future__ import annotations

import math
import re

import torch

from lab.i18n import SOURCE, catalogue, words
from lab.i18n import text as say

PLAIN = re.compile(r"[\w .,:+\-'/()=×%]{1,40}")  # what a message may quote of a client's value as it is
MAX_TEXT_CHARS = 10_000  # any text box: longer texts are refused (a prompt is cut much shorter: text/prompts.py)
MAX_SEED = 2**32 - 1
MAX_T = 5000  # the largest number of diffusion steps T that tabs 1 and 2 take
MAX_GUIDANCE = 5  # the guidance slider of tabs 4 and 5 goes from 1 (none) to this


class InputError(ValueError):
    """A value a student or a client sent that the app will not use; its text is the sentence to show."""


def called(name: str) -> str:
    """What a message calls a widget, in the request's language: "noise schedule" -> names.noise_schedule."""
    key = "names." + re.sub(r"\W+", "_", name).strip("_").lower()
    return say(key) if key in catalogue(SOURCE) else name


def shown(value) -> str:
    """A client's value as a message may show it: quoted when it is short plain text, else described."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        if isinstance(value, int) and abs(value) >= 10**15:
            return say("checks.digits", n=int(abs(value).bit_length() * math.log10(2)) + 1)
        if math.isnan(value) or math.isinf(value):
            return say("checks.nan" if math.isnan(value) else "checks.infinity" if value > 0 else "checks.minus_inf")
        return f"{value:.6g}"
    if isinstance(value, str):
        if not value.strip():
            return say("checks.empty_text")
        return f"'{value}'" if PLAIN.fullmatch(value) else say("checks.long_text" if len(value) > 40 else
                                                               "checks.symbols")
    if value is None:
        return say("checks.nothing")
    return say({list: "checks.list", tuple: "checks.list", dict: "checks.dict"}.get(type(value), "checks.other"))


def as_number(value) -> float | None:
    """A JSON number, or a number written as text ("5", "1e30"), as a float (±inf for numbers too large for one);
    None for anything else (booleans, lists, words)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:  # a 400-digit integer
            return math.inf if value > 0 else -math.inf
    if isinstance(value, float):
        return value
    if isinstance(value, str) and 0 < len(value.strip()) <= 400:
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def given(value, number: float) -> str:
    """What the client gave, for a message: an integer as it came (a 400-digit one is not 'infinity'), else the
    number it was read as ('1e30' -> 1e+30)."""
    return shown(value) if isinstance(value, int) and not isinstance(value, bool) else shown(number)


def whole_number(name: str, value, lo: int, hi: int) -> int:
    """A number box's value as an int in [lo, hi]. A box left blank, or holding a number too long for the page to
    read (it then sends nothing), says so."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputError(say("checks.empty_box", name=called(name), lo=lo, hi=hi))
    number = as_number(value)
    if number is None:
        raise InputError(say("checks.whole_from", name=called(name), lo=lo, hi=hi, value=shown(value)))
    if not lo <= number <= hi:  # also refuses NaN
        raise InputError(say("checks.between", name=called(name), lo=lo, hi=hi, value=given(value, number)))
    if not number.is_integer():
        raise InputError(say("checks.whole_such_as", name=called(name), example=int(number), value=shown(number)))
    return int(number)


def check_range(name: str, value, lo, hi) -> float:
    """A slider's value (the API can send anything) as a float in [lo, hi]."""
    number = as_number(value)
    if number is None:
        raise InputError(say("checks.number_between", name=called(name), lo=lo, hi=hi, value=shown(value)))
    if not lo <= number <= hi:  # also refuses NaN
        raise InputError(say("checks.between", name=called(name), lo=lo, hi=hi, value=given(value, number)))
    return number


def one_of(name: str, value, choices) -> object:
    """A choice (radio, menu) that must be one of `choices` (plain values or (label, value) pairs)."""
    values = [c[1] if isinstance(c, tuple) else c for c in choices]
    if not any(_same(value, v) for v in values):
        listed = ", ".join(str(words(c[0]) if isinstance(c, tuple) else c) for c in choices)
        what = shown(value)
        # "There is no 'zigzag' / no 77 among…" reads well only for a quoted text or a number written as one; a
        # described value ("a number with about 31 digits", "NaN (not a number)", "a list") takes the other form
        if what.startswith("'") or re.fullmatch(r"-?[\d.]+(e[+-]\d+)?", what):
            raise InputError(say("checks.no_such_choice", value=what, name=called(name), listed=listed))
        raise InputError(say("checks.one_of_choices", name=called(name), listed=listed, value=what))
    return value


def _same(value, choice) -> bool:
    """value == choice, where True is not 1 and a list or a dictionary is never a choice."""
    return (not isinstance(value, (list, dict)) and isinstance(value, bool) == isinstance(choice, bool)
            and value == choice)


def flag(name: str, value) -> bool:
    """A checkbox's value: true or false, nothing else."""
    if not isinstance(value, bool):
        raise InputError(say("checks.flag", name=called(name), value=shown(value)))
    return value


def text(name: str, value, max_chars: int = MAX_TEXT_CHARS) -> str:
    """A text box's value: text (nothing counts as empty text) of at most max_chars characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(say("checks.not_text", name=called(name), value=shown(value)))
    if len(value) > max_chars:
        raise InputError(say("checks.too_long", name=called(name), length=f"{len(value):,}", max=f"{max_chars:,}"))
    return value


def sentence_of(error: Exception) -> str:
    """An error's sentence for a student, in the request's language: the engine's PictureError (a file that is no
    usable picture, diffusion_core/uploads.py) by its kind (lab/i18n: uploads.<kind>); any other as it is written."""
    key = f"uploads.{getattr(error, 'kind', '')}"
    return say(key, **getattr(error, "values", {})) if key in catalogue(SOURCE) else str(error)


def require_image(x0) -> torch.Tensor:
    """The image chosen in tab 1 (a per-user State), (C, H, W) in [-1, 1]: the picture as it is (tabs 1-2) or the
    28×28 grey version the models see (tab 3)."""
    if x0 is None:
        raise InputError(say("checks.pick_image"))
    return torch.as_tensor(x0)


MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&$\"'=:/])")
# control characters, and the bidi marks, embeddings, overrides and isolates that reorder the rest of a paragraph
UNSHOWN = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def markdown_literal(value: str) -> str:
    """A student's text to place inside Markdown so that it shows as typed: every character Markdown or HTML could
    read as markup is backslash-escaped (CommonMark lets any ASCII punctuation be escaped), so no link, picture,
    heading, emphasis or tag can come from it. Give the Markdown component latex_delimiters=[] as well, for $.
    Control characters and bidi controls are dropped: an override (U+202E) would show the rest of the app's sentence
    around the quote reversed. Right-to-left letters, emoji and their joiners stay."""
    words = UNSHOWN.sub("", " ".join(str(value).split())).split()  # whitespace first: a tab still parts two words
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(words))
