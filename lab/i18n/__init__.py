"""The one catalogue of every sentence a student or teacher reads, in each language of LANGS: lab/i18n/<lang>.json,
keys grouped by tab ({"forward": {"t": "t (how much noise)"}} is the key "forward.t"); en.json is the source, the
others translate it with the same {placeholders}. No Gradio here: the lessons and the handout read it too.

Used three ways: the page's fixed words are gr.I18n keys (lab/tabs/i18n.py, translated in the browser); words a
handler computes read the page's language of the request (`language`, set by lab/refusals.friendly) and call
`text`; the browser's own scripts fetch the catalogue as JSON (GET /lab/i18n/<lang>.json, lab/static/js/lang.mjs).
The group "image_editor" holds Gradio's own words of its sketchpad, which Gradio's de, fr and zh-CN lack: gr.I18n adds
them to Gradio's dictionary under the same keys.

    text("forward.strip_caption", lang="de", steps="0, 250")   # "x_t bei t = 0, 250"
"""
from __future__ import annotations

import hashlib
import json
import re
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from http.cookies import SimpleCookie
from pathlib import Path

HERE = Path(__file__).resolve().parent
LANGS = ("en", "de", "es", "fr", "zh-CN")  # English first: the source and the fallback
NAMES = {"en": "English", "de": "Deutsch", "es": "Español", "fr": "Français", "zh-CN": "简体中文"}
SOURCE = "en"
COOKIE = "dl_lang"  # the page's language, written by lab/static/js/lang_first.js, read with each request
PLACEHOLDER = re.compile(r"\{(\w*)\}")
_language: ContextVar[str] = ContextVar("diffusion_lab_language", default=SOURCE)
COMPUTED: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}  # texts computed once in each language (keep)


def flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    """{"forward": {"t": "…"}} -> {"forward.t": "…"}."""
    flat = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The flat catalogue of `lang` (one of LANGS), read once."""
    if lang not in LANGS:
        raise KeyError(f"{lang} is not one of {LANGS}")
    return flatten(json.loads((HERE / f"{lang}.json").read_text(encoding="utf-8")))


def best_language(wanted: str | None) -> str:
    """The language of LANGS closest to a tag or an Accept-Language header ("de-AT,de;q=0.9,en;q=0.8" -> "de",
    "zh" and "zh-Hans-CN" -> "zh-CN"); English when none is ours."""
    tags = []
    for part in (wanted or "").split(","):
        tag, _, q = part.strip().partition(";q=")
        try:
            tags.append((float(q or 1), tag.strip()))
        except ValueError:
            continue
    for _, tag in sorted(tags, key=lambda pair: -pair[0]):
        exact = {lang.lower(): lang for lang in LANGS}.get(tag.lower())
        base = tag.split("-")[0].lower()
        found = exact or ("zh-CN" if base == "zh" else base if base in LANGS else None)
        if found:
            return found
    return SOURCE


def headers_language(headers) -> str:
    """The page's language of a request's headers (any mapping with .get, lower-case names: Gradio's, Starlette's):
    its dl_lang cookie, else its Accept-Language header, else English."""
    headers = headers or {}
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # a malformed cookie header: as if there were none
        pass
    chosen = cookie[COOKIE].value if COOKIE in cookie else ""
    return chosen if chosen in LANGS else best_language(headers.get("accept-language"))


def language() -> str:
    """The language of the request being answered (English outside one)."""
    return _language.get()


@contextmanager
def speaking(lang: str):
    """Within the block, `text` answers in `lang`."""
    token = _language.set(lang if lang in LANGS else SOURCE)
    try:
        yield
    finally:
        _language.reset(token)


def text(key: str, lang: str | None = None, **values) -> str:
    """The sentence of `key` in `lang` (default: the request's language), its {placeholders} filled; a key that a
    translation lacks falls back to English (tests/lab/test_i18n.py makes sure none does)."""
    lang = lang or language()
    sentence = catalogue(lang).get(key) or COMPUTED[lang].get(key)
    if sentence is None:
        sentence = catalogue(SOURCE).get(key) or COMPUTED[SOURCE][key]
    return sentence.format(**values) if values else sentence


MARKER = "__i18n__"  # how a gr.I18n key travels inside a string (gradio.i18n.I18nData.__str__)


def words(value, lang: str | None = None):
    """What a page in `lang` (default: the request's language) shows for a value: its first gr.I18n key replaced by
    the catalogue's words, as Gradio's page does; any other value as it is."""
    value = value if isinstance(value, str) else str(value) if type(value).__name__ == "I18nData" else value
    if not isinstance(value, str) or MARKER not in value:
        return value
    start = value.index(MARKER)
    end = value.index("}", start) + 1
    key = json.loads(value[start + len(MARKER):end])["key"]
    return value[:start] + text(key, lang) + value[end:]


def marker(key: str) -> str:
    """The key as a string a Gradio page translates (what str(gr.I18n(key)) is), for code without Gradio: a menu's
    choice, a label a lesson computes. It must be in the catalogue."""
    if key not in catalogue(SOURCE):
        raise KeyError(f"{key} is not in lab/i18n/en.json")
    return MARKER + json.dumps({"__type__": "translation_metadata", "key": key})


def keep(texts: dict[str, str]) -> str:
    """The key ("computed.<digest>") under which a text computed in each language ({lang: text}) is kept."""
    key = "computed." + hashlib.sha1("\0".join(texts[lang] for lang in LANGS).encode()).hexdigest()[:16]
    for lang in LANGS:
        COMPUTED[lang][key] = texts[lang]
    return key


def series(name: str) -> str:
    """A plot's series, named in English by a lesson ("noisy x_t"), in the request's language: the catalogue's
    "series" group holds each name a lesson draws; any other name (a schedule's, "N(0, 1)") is left as it is."""
    key = {english: key for key, english in catalogue(SOURCE).items() if key.startswith("series.")}.get(name)
    return text(key) if key else name


def sentences(*parts: str) -> str:
    """Sentences one after the other as the request's language writes them: a space between them, none in Chinese
    (after "。")."""
    shown = [part for part in parts if part]
    joined = shown[0] if shown else ""
    for part in shown[1:]:
        joined = text("common.sentences", a=joined, b=part)
    return joined


def placeholders(sentence: str) -> set[str]:
    return set(PLACEHOLDER.findall(sentence))
