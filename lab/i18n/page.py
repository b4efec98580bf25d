"""The catalogue on the page (Gradio's side of lab/i18n): the fixed words as gr.I18n keys, translated in the browser
by the page's language, and each handler told the language of its request.

    gr.Button(L("forward.new_noise"))        # the key; the browser shows the words of its language
    @hears_language                          # (inside lab/refusals.friendly) text() then answers in the page's
    def update(x0, t): ...                   # language: the dl_lang cookie, else the browser's Accept-Language

The page's language is chosen in the browser before Gradio starts (lab/static/js/lang_first.js: ?lang=, the
header's switch, else the browser's language) and written to the dl_lang cookie, which every event request carries."""
from __future__ import annotations

import functools
import inspect

import gradio as gr
from gradio.i18n import I18nData

from lab.i18n import LANGS, catalogue, headers_language, keep, speaking, words

# to gr.mount_gradio_app(i18n=…) (lab/page.py): the catalogue, and the texts of each_language added as they come
I18N = gr.I18n(**{lang: dict(catalogue(lang)) for lang in LANGS})
REQUEST = "page_request"  # the parameter hears_language adds: Gradio fills it with the event's gr.Request


def L(key: str) -> I18nData:  # noqa: N802 (short: it wraps every word on the page)
    """The key of a fixed word on the page; it must be in the catalogue."""
    if key not in catalogue("en"):
        raise KeyError(f"{key} is not in lab/i18n/en.json")
    return I18N(key)


def request_language(request) -> str:
    """The page's language of a gr.Request: its dl_lang cookie, else its Accept-Language header, else English."""
    return headers_language(getattr(request, "headers", None))


def hears_language(fn):
    """`fn` with one more positional parameter (after self) that Gradio fills with the event's gr.Request; the call
    runs `speaking` its language. Called directly (tests, other handlers) with its own arguments only, it speaks
    English unless the caller is already inside `speaking`."""
    sig = inspect.signature(fn)
    params = list(sig.parameters.values())
    at = 1 if params and params[0].name == "self" else 0
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind is p.VAR_POSITIONAL for p in params) or positional != params[:len(positional)]:
        return fn  # a signature the extra parameter cannot be placed in
    added = inspect.Parameter(REQUEST, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=gr.Request)
    full = len(positional) + 1

    def split(args):
        if len(args) == full:  # Gradio's call: every input, and the request at `at`
            return request_language(args[at]), args[:at] + args[at + 1:]
        return None, args

    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            lang, args = split(args)
            if lang is None:
                yield from fn(*args, **kwargs)
                return
            steps = fn(*args, **kwargs)
            while True:  # each step in the language: Gradio may run each in another thread
                with speaking(lang):
                    try:
                        value = next(steps)
                    except StopIteration:
                        return
                yield value
    else:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            lang, args = split(args)
            if lang is None:
                return fn(*args, **kwargs)
            with speaking(lang):
                return fn(*args, **kwargs)
    wrapper.__signature__ = sig.replace(parameters=[*params[:at], added, *params[at:]])
    wrapper.__annotations__ = {**getattr(fn, "__annotations__", {}), REQUEST: gr.Request}
    return wrapper


def each_language(make, *args, **kwargs) -> str:
    """A text computed once for every page (a first view, a model's description), as the page shows it in each
    language: make(*args, **kwargs) is computed in each (its text() calls answer in it) and kept under a key of its
    own ("computed.<digest>") for gr.I18n; a text without words to translate is returned as it is."""
    texts = {}
    for lang in LANGS:
        with speaking(lang):
            texts[lang] = words(make(*args, **kwargs), lang)  # a gr.I18n key inside it: its words in lang
    if len(set(texts.values())) == 1:
        return texts["en"]
    key = keep(texts)
    for lang, said in texts.items():
        I18N.translations[lang][key] = said
    return str(I18N(key))

