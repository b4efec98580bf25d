"""Prompt clean-up shared by the text tab and the text model's evaluation: empty prompts refused, long ones cut,
plural nouns read as the singular the training captions use; the concepts and words those captions know."""
from __future__ import annotations

from .captions import ATTRIBUTE_WORDS, CAPTION_TEMPLATES, DATASET_ATTRIBUTES, class_phrases

MAX_PROMPT_CHARS = 300


def concepts() -> list[tuple[str, str]]:
    """(kind, phrase): every class phrase of both datasets and every attribute word."""
    out = [("digit", p) for d in range(10) for p in class_phrases("mnist", d)[:2]]
    out += [("clothing", p) for c in range(10) for p in class_phrases("fashion_mnist", c)]
    words = {w for ds in DATASET_ATTRIBUTES.values() for a in ds for w in ATTRIBUTE_WORDS[a]}
    return out + [("attribute", w) for w in sorted(words)]


def caption_vocabulary() -> set[str]:
    """Every word that occurs in a training caption (captions.py)."""
    phrases = [p for ds in ("mnist", "fashion_mnist") for c in range(10) for p in class_phrases(ds, c)]
    phrases += [w for pair in ATTRIBUTE_WORDS.values() for w in pair]
    phrases += [t.replace("{adj}", "").replace("{p}", "") for ts in CAPTION_TEMPLATES.values() for t in ts]
    return {w for p in phrases for w in p.lower().split()}


def singular_nouns(text: str, vocabulary: set[str]) -> tuple[str, list[str]]:
    """'dark ankle boots' -> 'dark ankle boot': captions only ever name one object, so the small CLIP never saw
    plurals and reads 'boots' as an unknown word. A word is made singular when it is not a caption word but the
    word without its final 's' (or 'es') is; 'jeans' and 'pants' are caption words and stay."""
    words, changed = [], []
    for word in text.split():
        core = word.lower().strip(".,;:!?")
        for suffix in ("s", "es"):
            stem = core[:-len(suffix)]
            if core not in vocabulary and core.endswith(suffix) and stem in vocabulary:
                changed.append(f"'{core}' → '{stem}'")
                word = stem
                break
        words.append(word)
    return " ".join(words), changed


def clean_prompt(prompt: str | None) -> tuple[str, str | None]:
    """(prompt to use, notice for the user). Empty prompts are refused; long ones are cut; plurals of the
    nouns the captions use are made singular."""
    text = " ".join((prompt or "").split())
    if not text:
        raise ValueError("the prompt is empty: describe a digit or a piece of clothing, e.g. 'a bold seven'")
    notices = []
    if len(text) > MAX_PROMPT_CHARS:
        text = text[:MAX_PROMPT_CHARS]
        notices.append(f"the prompt was cut to its first {MAX_PROMPT_CHARS} characters")
    text, changed = singular_nouns(text, VOCABULARY)
    if changed:
        notices.append("read as singular (the training captions name one object): " + ", ".join(changed))
    return text, "; ".join(notices) or None


VOCABULARY = caption_vocabulary()
