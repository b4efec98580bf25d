"""Prompt domains (diffusion_core/text/prompt_domain.py): the digits domain is today's warning, an emoji domain is
built from an EmojiSet's names and captions, and a domain travels as a small JSON file. No ../shared needed."""
import json

import numpy as np
import pytest
import torch

from diffusion_core.emoji import CATEGORIES, EmojiSet
from diffusion_core.text import prompt_lists
from diffusion_core.text.prompt_domain import (
    DIGITS_AND_CLOTHES,
    DOMAIN_FILE,
    EMOJI_EXAMPLES,
    FIELDS,
    emoji_domain,
    load_domain,
    measure,
    save_domain,
)
from diffusion_core.text.prompt_warning import (
    THRESHOLD,
    auroc,
    check_prompt,
    far_probability,
    features_of,
    rates,
)
from diffusion_core.text.prompts import clean_prompt

# (names as emoji.phrases gives them, measured colours, category, subcategory)
FAKE = [(["heavy black heart", "heart"], ["red"], "Smileys & Emotion", "heart"),
        (["smiling face with sunglasses", "sunglasses"], ["yellow", "black"], "Smileys & Emotion", "face-glasses"),
        (["flag of japan", "japan flag"], ["white", "red"], "Flags", "country-flag"),
        (["green apple"], ["green"], "Food & Drink", "food-fruit"),
        (["rocket"], ["grey", "red"], "Travel & Places", "transport-air")]


def fake_emoji_set() -> EmojiSet:
    n = len(FAKE)
    return EmojiSet(torch.zeros(n, 3, 2, 2), torch.arange(n), torch.tensor([CATEGORIES.index(c) for *_, c, _ in FAKE]),
                    torch.zeros(n, dtype=torch.long), [f[0] for f in FAKE], [f[1] for f in FAKE], [f[3] for f in FAKE])


@pytest.fixture
def emoji():
    return emoji_domain(fake_emoji_set())


def test_the_digits_domain_is_todays_warning():
    for prompt in prompt_lists.in_domain() + prompt_lists.OUT_OF_DOMAIN:
        assert DIGITS_AND_CLOTHES.clean(prompt) == clean_prompt(prompt)
        text = clean_prompt(prompt)[0]
        assert DIGITS_AND_CLOTHES.check(text) == check_prompt(text), prompt


def test_measuring_the_digits_domain_gives_the_warning_tables_row():
    calibration, (held, labels) = prompt_lists.labelled(0), prompt_lists.labelled(1)
    table = measure(DIGITS_AND_CLOTHES, calibration, (held, labels))
    far = far_probability(features_of(held))  # what warning_table measures the word check with
    stored = table["rows"][0]
    assert stored["auroc"] == auroc(far, labels)
    assert (stored["hit_rate"], stored["false_alarm_rate"]) == rates(far, labels, THRESHOLD)
    assert table["sizes"]["held_out"] == {"in_domain": 68, "out_of_domain": 73}


def test_emoji_words_come_from_names_and_captions(emoji):
    assert {"heart", "sunglasses", "smiling", "japan", "flag", "apple", "rocket"} <= emoji.object_words
    assert not emoji.object_words & {"red", "green", "with", "of", "a", "emoji", "picture"}
    # template, colour, subcategory and category words are caption words, not object words
    assert {"emoji", "picture", "red", "fruit", "food", "and", "drink", "travel"} <= emoji.vocabulary
    assert emoji.object_words <= emoji.vocabulary and emoji.examples == EMOJI_EXAMPLES


def test_emoji_prompts_near_and_far(emoji):
    def check(prompt):
        return emoji.check(emoji.clean(prompt)[0])

    assert not check("a red heart").far and not check("a smiling face with sunglasses").far
    assert not check("the flag of japan").far and not check("an emoji of a green apple").far
    assert check("a handwritten seven").far and check("a handwritten seven").unknown == ["handwritten", "seven"]
    assert check("zzzz").far and check("quantum chromodynamics").far and check("一只猫").foreign
    assert check("a bold seven").far and not check_prompt("a bold seven").far  # digits know it, emoji do not
    notice = "read as singular (the training captions name one object): 'hearts' → 'heart'"
    assert emoji.clean("two red hearts") == ("two red heart", notice)
    with pytest.raises(ValueError, match="e.g. 'a red heart'"):
        emoji.clean("   ")


def test_a_domain_round_trips_through_json(emoji, tmp_path):
    written = save_domain(emoji, tmp_path / "model")
    assert written == tmp_path / "model" / DOMAIN_FILE
    assert load_domain(tmp_path / "model") == emoji and load_domain(written) == emoji
    values = json.loads(written.read_text())
    assert list(values) == list(FIELDS) and values["vocabulary"] == sorted(values["vocabulary"])
    assert len(written.read_text().splitlines()) == len(FIELDS) + 2  # one key a line
    assert save_domain(DIGITS_AND_CLOTHES, tmp_path / "digits.json") == tmp_path / "digits.json"
    assert load_domain(tmp_path / "digits.json") == DIGITS_AND_CLOTHES


def test_a_missing_or_foreign_file_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="save_domain"):
        load_domain(tmp_path)
    (tmp_path / DOMAIN_FILE).write_text(json.dumps({"name": "x", "knows": "y"}))
    with pytest.raises(ValueError, match="lacks examples, object_words, vocabulary"):
        load_domain(tmp_path)


def test_measure_rechooses_the_threshold_on_the_calibration_half(emoji):
    prompts = ["a red heart", "a rocket", "a green apple", "zzzz", "a handwritten seven", "a photo of a rocket"]
    labels = np.array([0, 0, 0, 1, 1, 1])
    table = measure(emoji, (prompts, labels), (prompts, labels))
    stored, rechosen = table["rows"]
    assert stored["auroc"] == rechosen["auroc"] == 1.0
    assert rechosen["hit_rate"] == 1.0 and rechosen["false_alarm_rate"] == 0.0
    assert table["threshold"] == THRESHOLD and table["held_out_errors"][rechosen["warns_when"]] == []
    assert stored["hit_rate"] == 2 / 3 and table["held_out_errors"][stored["warns_when"]] == ["a photo of a rocket"]
