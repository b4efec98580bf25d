"""lab/live/text.py: codes a class can read off a board, keys compared in constant time, a student's text plain."""
from lab.live.text import CODE_ALPHABET, CODE_LENGTH, new_code, new_key, plain_text, read_code, same_secret


def test_codes_use_the_unambiguous_alphabet_and_differ():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OIL") & set(CODE_ALPHABET)


def test_a_code_reads_as_typed():
    assert read_code(" k7m-3qx ") == "K7M3QX"
    for bad in ("K7M3Q", "K7M3QX9", "K7M3Q0", None, 123456, "K" * 10_000):
        assert read_code(bad) is None


def test_keys_are_long_and_compared_exactly():
    key = new_key()
    assert len(key) >= 32 and key != new_key()
    assert same_secret(key, key) and not same_secret(key[:-1], key) and not same_secret(None, key)
    assert not same_secret(["a"], key)


def test_plain_text_strips_control_and_format_characters():
    assert plain_text("  Ada\n\tLovelace\x00\x1b[31m  ", 40) == "Ada Lovelace[31m"
    assert plain_text("evil\u202egnp.exe", 40) == "evilgnp.exe"  # a right-to-left override is removed
    assert plain_text("\u200bzero\u200bwidth", 40) == "zerowidth"
    assert plain_text("👩\u200d🏫 teacher", 40) == "👩\u200d🏫 teacher"  # an emoji's joiner stays
    assert plain_text("<b>bold</b>", 40) == "<b>bold</b>"  # kept as text: the page shows it with textContent


def test_plain_text_is_bounded_and_never_fails():
    assert plain_text("x" * 10_000, 24) == "x" * 24
    assert plain_text(None, 24) == plain_text(42, 24) == plain_text({"a": 1}, 24) == ""
    assert plain_text("e\u0301", 24) == "é"  # normalised (NFC)
