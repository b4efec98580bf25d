import pytest

from diffusion_core.text.prompts import MAX_PROMPT_CHARS, VOCABULARY, clean_prompt, concepts, singular_nouns


def test_prompt_cleaning():
    assert clean_prompt("  a   bold\nseven ") == ("a bold seven", None)
    with pytest.raises(ValueError, match="empty"):
        clean_prompt("   ")
    text, notice = clean_prompt("x" * 1000)
    assert len(text) == MAX_PROMPT_CHARS and "cut" in notice
    assert ("clothing", "sneaker") in concepts() and ("attribute", "bold") in concepts()


def test_plurals_of_caption_nouns_become_singular():
    assert singular_nouns("dark ankle boots", VOCABULARY) == ("dark ankle boot", ["'boots' → 'boot'"])
    assert singular_nouns("Dresses and sneakers!", VOCABULARY)[0] == "dress and sneaker"
    assert singular_nouns("a pair of jeans", VOCABULARY) == ("a pair of jeans", [])  # 'jeans' is a caption word
    assert singular_nouns("its cats", VOCABULARY) == ("its cats", [])  # 'cat' is not: left alone
    text, notice = clean_prompt("two sevens")
    assert text == "two seven" and "singular" in notice
