import re

import numpy as np
import pytest

from tests.lab.messages import refusal


@pytest.fixture
def tab(demo):
    return demo.tabs.text.handlers


def test_text_to_image_handlers(tab):
    outputs = list(tab.text_to_image("a bold seven", 3.0, 5, "ddim", 0, 2))
    images, status = outputs[-1]
    assert len(images) == 2 and images[0].shape == (112, 112, 3) and "step 5/5" in status
    _, status = list(tab.text_to_image("seven " * 200, 1.0, 2, "ddim", 0, 1))[-1]
    assert "cut to its first" in status
    table, neighbours, warning = tab.inspect_prompt("ein Hund im Schnee")
    assert len(table) == 12 and len(neighbours) == 8 and warning and "Retrieval prior" in warning
    with_prior = list(tab.text_to_image("dark ankle boots", 3.0, 3, "ddim", 0, 1, True))[-1]
    without = list(tab.text_to_image("dark ankle boots", 3.0, 3, "ddim", 0, 1, False))[-1]
    assert "'boots' → 'boot'" in with_prior[1].replace("\\", "") and not np.array_equal(with_prior[0][0], without[0][0])


@pytest.mark.parametrize("call,expected", [
    (lambda tab: list(tab.text_to_image("   ", 3, 5, "ddim", 0, 2)), "prompt is empty"),
    (lambda tab: tab.inspect_prompt(""), "prompt is empty"),
    (lambda tab: list(tab.text_to_image("seven", 3, 5, "ddim", 0, 99)), "images must be between"),
])
def test_bad_input_gives_a_message_not_a_trace(tab, call, expected):
    assert re.search(expected, refusal(lambda: call(tab)))


def test_a_colour_emoji_model_has_its_own_place_in_tab_5(rgb_demo):
    """Two text models in one menu: the emoji one brings its CLIP, its prompt domain (what it knows, its warning)
    and draws 32×32 colour pictures, on the server and for the browser."""
    tab = rgb_demo.tabs.text.handlers
    assert list(tab.studios) == ["tiny_text", "tiny_rgb"] and rgb_demo.tabs.text.text_model.value == "tiny_text"
    about, _, prompt = tab.model_changed("tiny_rgb")
    assert "32×32 colour" in about and prompt == "a red heart"
    *_, near = tab.inspect_prompt("a red heart", "tiny_rgb")
    assert "looks far" not in near
    *_, far = tab.inspect_prompt("a handwritten seven", "tiny_rgb")
    assert "looks far" in far and "only knows emoji" in far
    pictures, _ = list(tab.text_to_image("a red heart", 2.0, 3, "ddim", 0, 2, False, "tiny_rgb"))[-1]
    assert len(pictures) == 2 and pictures[0].shape == (128, 128, 3)
    payload = tab.start("browser", "a red heart", 2.0, 3, "ddim", 0, 2, False, "tiny_rgb")[0]
    assert payload["plan"]["shape"] == [3, 32, 32] and payload["model"]["conditioning"]["dim"] == 128
    assert "no 'nope' among the choices for text model" in refusal(lambda: tab.inspect_prompt("a cat", "nope"))


@pytest.fixture(scope="module")
def emoji_tab(tmp_path_factory):
    """Tab 5 over a tiny emoji model that measured its near-copies on fake emoji; the emoji data root of the
    fake emoji (DIFFUSION_LAB_DATA while a test runs)."""
    from lab.classroom import Classroom, load_text_studios
    from lab.tabs.text import TextTab
    from lab.zoo import Zoo
    from tests.fixtures import add_near_copies, make_fake_emoji, make_tiny_rgb_model

    data = tmp_path_factory.mktemp("data")
    root = make_tiny_rgb_model(tmp_path_factory.mktemp("models"))
    add_near_copies(root / "tiny_rgb", make_fake_emoji(data / "emoji"))
    zoo = Zoo.load(root)
    return TextTab(Classroom(zoo, text_studios=load_text_studios(zoo))), data


def test_the_tab_shows_each_picture_s_nearest_training_emoji(emoji_tab, monkeypatch):
    import base64

    from diffusion_core.emoji import load_emoji

    tab, data = emoji_tab
    monkeypatch.setenv("DIFFUSION_LAB_DATA", str(data))
    box, note, cleared = tab.memorising_panel("tiny_rgb")
    assert box.visible and note.startswith("On 504 pictures this model drew, 3.0 % were near-copies") and not cleared
    heart = ((load_emoji(data / "emoji").images[:1] + 1) * 127.5).round().byte().permute(0, 2, 3, 1)  # (1, H, W, 3)
    rows, summary = tab.nearest_emoji(base64.b64encode(heart.numpy().tobytes()).decode(), "tiny_rgb")
    assert len(rows) == 4 and rows[1][1].startswith("near-copy 1.000 · heavy black heart (")
    assert summary.startswith("Of your 1 picture, 1 is a near-copy") and "3.0 %" in summary
    assert "Generate pictures first" in refusal(lambda: tab.nearest_emoji("", "tiny_rgb"))
    assert "not this model's 32×32 colour pictures" in refusal(lambda: tab.nearest_emoji("AAAA", "tiny_rgb"))


def test_models_without_measured_near_copies_hide_the_panel(rgb_demo):
    tab, widgets = rgb_demo.tabs.text.handlers, rgb_demo.tabs.text
    assert not widgets.copies_box.visible  # the first model: digits and clothes
    assert not tab.memorising_panel("tiny_rgb")[0].visible
    assert "has not measured how often it copies" in refusal(lambda: tab.nearest_emoji("AAAA", "tiny_rgb"))


def test_a_prompt_s_bidi_override_stays_inside_the_quote(rgb_demo):
    """A prompt with U+202E (right-to-left override) is quoted in the verdict without it: the rest of the app's
    sentence is not shown reversed."""
    tab = rgb_demo.tabs.text.handlers
    *_, verdict = tab.inspect_prompt("\u202etrats gnillaf \u2066a cat", "tiny_rgb")
    assert "looks far" in verdict and "\u202e" not in verdict and "\u2066" not in verdict


def test_the_hidden_pictures_box_is_named_in_a_sentence(rgb_demo):
    """A caller without the page sends the nearest-emoji event a value too long or of the wrong kind: the input
    gate's sentence names the hidden box as a student would read it."""
    from lab.checks import InputError
    from lab.server.input_gate import checked_inputs

    fn = next(f for f in rgb_demo.fns.values() if f.name == "nearest_emoji")
    for value, sentence in [("A" * 69_632, "The picture data is 69,632 characters long"),
                            ([1], "The picture data must be text, not a list")]:
        with pytest.raises(InputError, match=sentence):
            checked_inputs(fn, [value, "tiny_rgb"], None)


def test_a_script_s_text_to_image_and_inspector(tab):
    import gradio as gr

    pictures, note = tab.script_text_to_image("a thin two", 2.0, 3, "ddim", 0, 2)
    assert len(pictures) == 2 and pictures[0].shape[2] == 3 and note == ""
    concepts, nearest, verdict = tab.script_inspect_prompt("a bold seven")
    assert list(concepts.columns) == ["kind", "concept", "similarity"] and verdict
    with pytest.raises(gr.Error, match="seed must be between"):
        tab.script_text_to_image("a thin two", 2.0, 3, "ddim", -1, 2)
