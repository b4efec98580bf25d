"""lab/i18n: every sentence in every language with the same placeholders, no English left where a translation
belongs, the page's words all keys of the catalogue, and a handler answering in its request's language."""
import re
from types import SimpleNamespace

import gradio as gr
import pytest
from gradio.i18n import I18nData

from lab.i18n import LANGS, MARKER, SOURCE, best_language, catalogue, placeholders, speaking, text, words
from lab.i18n.page import each_language, hears_language, request_language

TRANSLATED = [lang for lang in LANGS if lang != SOURCE]
# the same words in a translation as in English, on purpose: names, symbols, equations, loanwords
SAME = {"de": {"common.sampler", "schedules.snr", "text.prompt", "live.pdf_links"},
        "es": {"text.prompt", "names.prompt", "playground.objective_names.flow_matching",
               "questions.choices.flow_matching", "image_editor.color"},
        "fr": {"text.prompt", "names.prompt", "text.images", "sampling.files", "live.code"},
        "zh-CN": set()}
SAME_EVERYWHERE = {"denoise.about", "denoise.by_percent", "text.step", "text.note",  # placeholders and symbols
                   "playground.objective_names.ddpm",  # a name
                   "samplers.ddim", "samplers.dpm_solver_pp", "samplers.dpm_solver_pp_sde"}  # the papers' names
# props that the page shows as words; components inside an invisible column are a script's (the API page's) only
SHOWN = ("label", "info", "placeholder")
WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_key_is_in_every_language(lang):
    assert sorted(catalogue(lang)) == sorted(catalogue(SOURCE))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_are_the_same_in_every_language(lang):
    for key, english in catalogue(SOURCE).items():
        assert placeholders(catalogue(lang)[key]) == placeholders(english), (lang, key)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_english_is_left_where_a_translation_belongs(lang):
    english = catalogue(SOURCE)
    same = {key for key, value in catalogue(lang).items() if value == english[key] and WORD.search(value)}
    assert same <= SAME[lang] | SAME_EVERYWHERE, sorted(same - SAME[lang] - SAME_EVERYWHERE)


def test_simplified_chinese_is_written_in_chinese():
    for key, value in catalogue("zh-CN").items():
        if key not in SAME_EVERYWHERE and WORD.search(catalogue(SOURCE)[key]):
            assert re.search(r"[\u4e00-\u9fff]", value), key


def test_equations_and_numbers_stay_as_they_are():
    for lang in TRANSLATED:
        for key in ("forward.intro", "schedules.snr", "denoise.percent", "denoise.error_plot", "sampling.flow_note"):
            for symbol in re.findall(r"√\S+|ᾱ_t|x_t|ε|10·log10\S+|\d+", catalogue(SOURCE)[key]):
                assert symbol.rstrip(".,:;") in catalogue(lang)[key], (lang, key, symbol)


@pytest.mark.parametrize(("header", "lang"), [("de-AT,de;q=0.9,en;q=0.8", "de"), ("zh", "zh-CN"),
                                              ("zh-Hans-CN,zh;q=0.9", "zh-CN"), ("ja,fr;q=0.5", "fr"),
                                              ("ja", "en"), ("", "en"), ("es;q=x,fr", "fr"), ("zh-cn", "zh-CN")])
def test_the_closest_language_of_a_browser(header, lang):
    assert best_language(header) == lang


def test_a_request_speaks_its_cookie_else_its_browsers_language():
    def request(**headers):
        return SimpleNamespace(headers=headers)

    assert request_language(request(cookie="a=1; dl_lang=fr", **{"accept-language": "de"})) == "fr"
    assert request_language(request(cookie="dl_lang=xx", **{"accept-language": "de-DE"})) == "de"
    assert request_language(request(cookie='"bad', **{"accept-language": "es"})) == "es"
    assert request_language(None) == "en"


def test_a_handler_answers_in_the_language_of_its_request():
    @hears_language
    def handler(t: int):
        return text("forward.strip_caption") + f" {t}"

    class Tab:
        @hears_language
        def handler(self, t: int):
            yield text("common.generate") + f" {t}"

    german = SimpleNamespace(headers={"accept-language": "de"})
    assert handler(german, 5) == "x_t bei t = 5" and handler(5) == "x_t at t = 5"  # Gradio's call, a direct call
    assert list(Tab().handler(german, 1)) == ["Erzeugen 1"] and list(Tab().handler(1)) == ["Generate 1"]
    assert [p.name for p in __import__("inspect").signature(Tab().handler).parameters.values()] == ["page_request",
                                                                                                   "t"]


def test_a_text_computed_once_is_kept_in_every_language():
    value = each_language(lambda: text("sampling.showing", frame="x"))
    assert MARKER in value and words(value, "fr").startswith("Affiché") and words(value, "en").startswith("Showing")
    assert each_language(lambda: "x_t") == "x_t"  # nothing to translate: the text itself
    with speaking("es"):
        assert text("common.generate") == "Generar" and words(gr.Button(each_language(lambda: "a")).value) == "a"


def shown_strings(demo):
    """(component, prop, value) of each word the page shows, leaving out invisible components (a script's, the API
    page's)."""
    hidden = set()
    for block in demo.blocks.values():
        if getattr(block, "visible", True) is False:
            hidden |= {id(block)} | {id(child) for child in walk(block)}
    for block in demo.blocks.values():
        if id(block) in hidden:
            continue
        props = [*SHOWN, "value"] if isinstance(block, (gr.Button, gr.Markdown)) else SHOWN
        if isinstance(block, (gr.Tab, gr.Accordion)):
            props = ["label"]
        for prop in props:
            value = getattr(block, prop, None)
            if isinstance(value, (str, I18nData)):
                yield block, prop, str(value)


def walk(block):
    for child in getattr(block, "children", []):
        yield child
        yield from walk(child)


def test_every_word_on_the_page_goes_through_the_catalogue(demo):
    untranslated = [(type(block).__name__, prop, value[:60]) for block, prop, value in shown_strings(demo)
                    if MARKER not in value and WORD.search(value) and not value.startswith("<")]
    assert untranslated == []
    keys = {words(value, "de") for _, _, value in shown_strings(demo) if MARKER in value}
    assert "1 · Vorwärts-Rauschen" in keys and not [k for k in keys if MARKER in k]


def test_a_marker_without_gradio_is_gradios_own():
    from lab.i18n import marker
    from lab.i18n.page import L

    assert marker("sampling.each_class") == str(L("sampling.each_class"))
    with pytest.raises(KeyError):
        marker("no.such_key")


def test_the_handout_is_written_in_the_pages_language():
    import numpy as np

    from lab.handout.tabs import forward_pages

    x0 = np.zeros((1, 28, 28), dtype="float32")
    for lang, title in (("fr", "1 · Bruit direct"), ("zh-CN", "1 · 前向加噪"), ("en", "1 · Forward noise")):
        with speaking(lang):
            figure = forward_pages(x0, "linear", 1000, 300, 0)[0].figure
        shown = [t.get_text() for t in figure.texts]
        assert shown[0].startswith(title), (lang, shown[0])


def test_a_refusal_is_a_sentence_in_the_pages_language():
    from lab.checks import InputError, one_of, whole_number

    with speaking("de"), pytest.raises(InputError, match="„Seed“ muss eine ganze Zahl von 0 bis 9 sein, nicht 'x'"):
        whole_number("seed", "x", 0, 9)
    with speaking("zh-CN"), pytest.raises(InputError, match="“噪声调度”的选项中没有 'zigzag'"):
        one_of("noise schedule", "zigzag", ["linear", "cosine"])
    with pytest.raises(InputError, match="The seed must be a whole number from 0 to 9, not 'x'"):
        whole_number("seed", "x", 0, 9)  # outside a request: English, as before


def test_a_plots_series_and_caption_in_the_pages_language():
    from lab.i18n import series
    from lab.tabs.plots import caption

    with speaking("de"):
        assert caption(["noisy x_t", "linear"]) == "verrauschtes x_t: durchgezogene Linie · linear: gestrichelte Linie"
        assert series("N(0, 1)") == "N(0, 1)" and series("zero predictor") == "Null-Vorhersage"
    assert caption(["noisy x_t"]) == "noisy x_t: solid line"


def test_sentences_follow_one_another_as_the_language_writes_them():
    from lab.i18n import sentences

    assert sentences("One.", "", "Two.") == "One. Two." and sentences() == ""
    with speaking("zh-CN"):
        assert sentences("一。", "二。") == "一。二。"  # no space after a Chinese full stop
