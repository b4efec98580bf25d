"""lab/checks.py: each check gives the handler its value or a sentence, and never echoes markup a client sent."""
import math

import pytest

from lab.checks import (
    InputError,
    as_number,
    check_range,
    flag,
    markdown_literal,
    one_of,
    require_image,
    shown,
    text,
    whole_number,
)


def test_checks_say_what_is_wrong():
    for value in (None, float("nan"), "abc", 9, [1], {"a": 1}, True):
        with pytest.raises(InputError, match="steps must be"):
            check_range("steps", value, 1, 5)
    assert check_range("t", "2.5", 0, 5) == 2.5
    assert one_of("sampler", "ddim", [("DDIM", "ddim")]) == "ddim"
    with pytest.raises(InputError, match="There is no 'euler' among the choices for sampler: pick one of DDIM"):
        one_of("sampler", "euler", [("DDIM", "ddim")])
    for value in ([0], {"x": 1}, True, None):  # True is not the choice 1; a list is no choice
        with pytest.raises(InputError, match="must be one of its choices"):
            one_of("class", value, [("zero", 0), ("one", 1)])
    assert one_of("class", 1, [("zero", 0), ("one", 1)]) == 1
    with pytest.raises(InputError, match="There is no 7 among the choices for class"):
        one_of("class", 7, [("zero", 0), ("one", 1)])
    for value, what in ((10**30, "a number with about 31 digits"), (float("nan"), r"NaN \(not a number\)"),
                        (float("inf"), "infinity"), (-float("inf"), "minus infinity")):  # described, not quoted
        with pytest.raises(InputError, match=rf"^The noise schedule must be one of its choices \(linear\), "
                                             rf"not {what}\.$"):
            one_of("noise schedule", value, ["linear"])


def test_number_boxes_take_whole_numbers_and_say_what_to_type():
    assert whole_number("seed", 7.0, 0, 10) == 7 and whole_number("seed", "3", 0, 10) == 3
    for value, message in ((None, "box is empty"), ("", "box is empty"), ("abc", "whole number"),
                           (10**30, r"between 0 and 10 \(you gave a number with about 31 digits\)"),
                           (1e30, r"\(you gave 1e\+30\)"),
                           ("1e30", r"between 0 and 10 \(you gave 1e\+30\)"), (10**400, "between 0 and 10"),
                           (-1, "between 0 and 10"), (float("nan"), "not a number"), (2.5, "whole number such as 2"),
                           (float("inf"), "infinity"), ([3], "not a list"), (False, "not false")):
        with pytest.raises(InputError, match=message):
            whole_number("seed", value, 0, 10)


def test_numbers_written_as_text_and_huge_numbers():
    assert as_number("1e30") == 1e30 and as_number(" 5 ") == 5.0 and as_number(10**400) == math.inf
    assert as_number(-(10**400)) == -math.inf and as_number(True) is None and as_number("five") is None
    assert as_number("9" * 401) is None  # a text too long to be a number a box holds


def test_flags_and_texts():
    assert flag("show x0", True) is True
    for value in (1, "true", None, [True]):
        with pytest.raises(InputError, match="can only be ticked or not"):
            flag("show x0", value)
    assert text("prompt", None) == "" and text("prompt", "a cat") == "a cat"
    with pytest.raises(InputError, match="must be text, not a list"):
        text("prompt", ["a cat"])
    with pytest.raises(InputError, match="20,001 characters long"):
        text("prompt", "x" * 20_001, 10_000)


def test_a_message_never_carries_markup_a_client_sent():
    for value in ("<img src=x onerror=alert(1)>", "[link](https://example.org)", "**bold**", "$$x$$", "a" * 41):
        assert shown(value) in ("a text with symbols", "a very long text")
    assert shown("zigzag") == "'zigzag'" and shown(None) == "nothing" and shown(10**400).endswith("401 digits")
    with pytest.raises(InputError) as refused:
        one_of("schedule", "<b>x</b>", ["linear"])
    assert "<" not in str(refused.value)


def test_markdown_literal_escapes_every_markup_character():
    typed = "<a href='https://example.org/'>Click</a> <h1>H</h1> ![pic](u) **b** $$x$$ # t"
    escaped = markdown_literal(typed)
    for char in "<>[]()!*$#'/":
        assert char not in escaped.replace("\\" + char, "")  # each one escaped
    assert escaped.replace("\\", "") == typed


def test_a_student_s_text_cannot_turn_the_app_s_sentence_around():
    """Bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069) reverse every character after them to the end of
    the paragraph: a prompt quoted in the inspector's verdict would turn the app's own sentence around. They and
    control characters are dropped; right-to-left letters, emoji and their joiners stay."""
    typed = "a\u202eheart\u2066 x\u2069\u202a\u202b\u202c\u202d\u2067\u2068 \x00\x1b[31m \u200f"
    shown_text = markdown_literal(typed)
    assert not any(c in shown_text for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x00\x1b\u200f")
    assert shown_text.replace("\\", "") == "aheart x [31m"
    family = "قلب أحمر שלום 👨\u200d👩\u200d👧 ❤️"
    assert markdown_literal(family) == family


def test_not_a_number_is_named_without_a_double_negative():
    for check in (lambda v: text("pictures", v), lambda v: flag("show x0", v), lambda v: one_of("class", v, [0, 1])):
        with pytest.raises(InputError) as refused:
            check(float("nan"))
        assert "not a number" in str(refused.value) and "not not" not in str(refused.value)


def test_require_image_asks_for_a_picture_with_a_value_error():
    with pytest.raises(InputError, match="Pick an image") as refused:
        require_image(None)
    assert isinstance(refused.value, ValueError)  # no Gradio here: lab/refusals.friendly shows it as a toast
    assert require_image([[[0.5]]]).shape == (1, 1, 1)


@pytest.mark.parametrize("content", [b"", b"not a picture at all", b"\x89PNG\r\n\x1a\n" + b"\0" * 40])
def test_a_file_that_is_no_picture_is_said_in_the_pages_language(tmp_path, content):
    """The engine's sentence (diffusion_core/uploads.py) by its kind: the same words in English, the page's
    language otherwise."""
    from diffusion_core.uploads import PictureError, open_image
    from lab.checks import sentence_of
    from lab.i18n import speaking

    path = tmp_path / "x.png"
    path.write_bytes(content)
    with pytest.raises(PictureError) as refused:
        open_image(str(path))
    assert sentence_of(refused.value) == str(refused.value)
    with speaking("de"):
        german = sentence_of(refused.value)
    assert german != str(refused.value) and "PNG" in german and "picture" not in german
    assert sentence_of(ValueError("plain words")) == "plain words"
