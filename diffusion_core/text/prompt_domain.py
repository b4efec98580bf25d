"""Prompt domains: the words one text model learned, so that one prompt warning serves every text model.

The warning (prompt_warning.py) reads three features of a prompt's words (known_fraction, names_object,
log_unknown) against the words of a model's training captions, and turns them into P(far) with coefficients fitted
once, on digits and clothes. A PromptDomain holds what changes from one model to the next:

  vocabulary    every word of every caption the model was trained on
  object_words  the words that name a thing it can draw (digits and clothes; for emoji, the words of the emoji's
                names and short names, less STOP_WORDS and colour words)
  knows         one sentence of what it knows, for the student-facing warning
  examples      prompts it knows, to suggest

Coefficients and threshold stay prompt_warning's (COEFFICIENTS, INTERCEPT, THRESHOLD): measure() tells how well
they carry over to a domain, at THRESHOLD and at a threshold re-chosen on that domain's calibration prompts.
A domain is a small JSON file (prompt_domain.json) that ships in the model folder, so the app needs no data set:

    domain = emoji_domain(load_emoji())                  # once, from the data (emoji.py)
    save_domain(domain, "runs/emoji_text/model")         # -> runs/emoji_text/model/prompt_domain.json
    domain = load_domain("pretrained/emoji_text")        # in the app
    text, notice = domain.clean("two red hearts")        # "two red heart", "read as singular ...: 'hearts' → 'heart'"
    check = domain.check(text)                           # PromptCheck: .far, .unknown, .names_object, .probability
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..emoji import COLOURS
from . import prompt_lists
from .prompt_warning import (
    OBJECT_WORDS,
    STOP_WORDS,
    THRESHOLD,
    PromptCheck,
    check_prompt,
    prompt_words,
    score_row,
    youden_threshold,
)
from .prompts import MAX_PROMPT_CHARS, VOCABULARY, singular_nouns

DOMAIN_FILE = "prompt_domain.json"
FIELDS = ("name", "knows", "examples", "object_words", "vocabulary")  # the JSON's keys, in the file's order


@dataclass(frozen=True)
class PromptDomain:
    name: str  # e.g. "emoji"
    knows: str  # "it only knows ...": the warning says it after "looks far from what this model learned: "
    vocabulary: frozenset[str]  # every word of the training captions (lower case, as prompt_words splits them)
    object_words: frozenset[str]  # the words that name a thing the model can draw
    examples: tuple[str, ...]  # prompts it knows; the first one is suggested for an empty prompt

    def clean(self, prompt: str | None) -> tuple[str, str | None]:
        """(prompt to use, notice for the user), as prompts.clean_prompt but with this domain's words: empty
        prompts refused, long ones cut, plurals of caption words made singular."""
        text = " ".join((prompt or "").split())
        if not text:
            raise ValueError(f"the prompt is empty: describe something the model knows, e.g. '{self.examples[0]}'")
        notices = []
        if len(text) > MAX_PROMPT_CHARS:
            text = text[:MAX_PROMPT_CHARS]
            notices.append(f"the prompt was cut to its first {MAX_PROMPT_CHARS} characters")
        text, changed = singular_nouns(text, self.vocabulary)
        if changed:
            notices.append("read as singular (the training captions name one object): " + ", ".join(changed))
        return text, "; ".join(notices) or None

    def check(self, text: str) -> PromptCheck:
        """The warning's view of a prompt that went through clean(): prompt_warning.check_prompt on these words."""
        return check_prompt(text, self.vocabulary, self.object_words)

    def probabilities(self, prompts: list[str]) -> np.ndarray:
        """(len(prompts),) P(far) of each raw prompt, cleaned first as the app does."""
        return np.array([self.check(self.clean(p)[0]).probability for p in prompts])


DIGITS_AND_CLOTHES = PromptDomain(
    name="digits and clothes",
    knows=("it only knows handwritten digits and ten kinds of clothing (t-shirts, trousers, pullovers, dresses, "
           "coats, sandals, shirts, sneakers, bags and ankle boots), described in short English captions"),
    vocabulary=frozenset(VOCABULARY), object_words=OBJECT_WORDS, examples=tuple(prompt_lists.MUST_NOT_WARN))

EMOJI_KNOWS = ("it only knows emoji (faces, people, animals and plants, food, places, travel, activities, objects, "
               "symbols and flags), described in short English captions by their names and colours")
EMOJI_EXAMPLES = ("a red heart", "a smiling face with sunglasses", "the flag of japan", "a green apple", "a rocket")


def emoji_domain(emoji, name: str = "emoji") -> PromptDomain:
    """The domain of a text model trained on these emoji (an emoji.EmojiSet): the words of every caption it can be
    given (EmojiSet.every_caption) and, as object words, the words of the emoji's names and short names (phrases)
    that are neither STOP_WORDS nor colour words. Pass the emoji the model was trained on: all of them (as the
    emoji CLIP's token table), or emoji.subset(~held_out(emoji)) for a model that never saw the held-out ones."""
    captions = {c for i in range(len(emoji)) for c in emoji.every_caption(i)}
    vocabulary = {w for c in captions for w in prompt_words(c)}
    named = {w for names in emoji.names for phrase in names for w in prompt_words(phrase)}
    return PromptDomain(name, EMOJI_KNOWS, frozenset(vocabulary), frozenset(named - STOP_WORDS - set(COLOURS)),
                        EMOJI_EXAMPLES)


def domain_file(path) -> Path:
    """A model folder's prompt_domain.json, or `path` itself when it names a .json file."""
    path = Path(path)
    return path if path.suffix == ".json" else path / DOMAIN_FILE


def save_domain(domain: PromptDomain, path) -> Path:
    """Write the domain as JSON (one key a line, word lists sorted) into the folder `path` (as DOMAIN_FILE) or to
    the .json file `path`; returns the file written."""
    out = domain_file(path)
    values = {"name": domain.name, "knows": domain.knows, "examples": list(domain.examples),
              "object_words": sorted(domain.object_words), "vocabulary": sorted(domain.vocabulary)}
    lines = [f"  {json.dumps(k)}: {json.dumps(values[k], ensure_ascii=False)}" for k in FIELDS]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    return out


def load_domain(path) -> PromptDomain:
    """The domain saved by save_domain in the folder `path` (or the .json file `path`)."""
    source = domain_file(path)
    if not source.is_file():
        raise FileNotFoundError(f"no prompt domain at {source}: write one with save_domain(domain, folder), for an "
                                f"emoji model save_domain(emoji_domain(load_emoji()), folder)")
    values = json.loads(source.read_text(encoding="utf-8"))
    missing = [k for k in FIELDS if k not in values]
    if missing:
        raise ValueError(f"{source} is not a prompt domain: it lacks {', '.join(missing)}; write it again with "
                         f"save_domain")
    return PromptDomain(values["name"], values["knows"], frozenset(values["vocabulary"]),
                        frozenset(values["object_words"]), tuple(values["examples"]))


def measure(domain: PromptDomain, calibration: tuple[list[str], np.ndarray],
            held_out: tuple[list[str], np.ndarray]) -> dict:
    """How well the stored coefficients carry over to a domain: AUROC, hit rate and false-alarm rate of P(far) on
    the held-out (prompts, labels) (label 1 = out of domain), at THRESHOLD and at the threshold that maximises hit
    rate minus false-alarm rate on the calibration (prompts, labels); with the held-out prompts each gets wrong."""
    (cal, cal_labels), (held, labels) = calibration, held_out
    cal_far, far = domain.probabilities(cal), domain.probabilities(held)
    rechosen = youden_threshold(cal_far, cal_labels)
    rows = [score_row(f"word check, {domain.name}, stored threshold", f"P(far) > {THRESHOLD}", THRESHOLD, far,
                      labels),
            score_row(f"word check, {domain.name}, threshold from the calibration half", f"P(far) > {rechosen:.4f}",
                      rechosen, far, labels)]
    sizes = {part: {"in_domain": int((y == 0).sum()), "out_of_domain": int((y == 1).sum())}
             for part, y in (("calibration", cal_labels), ("held_out", labels))}
    errors = {row["warns_when"]: [p for p, warned, y in zip(held, far > t, labels) if warned != bool(y)]
              for row, t in zip(rows, (THRESHOLD, rechosen))}
    scores = {p: round(float(s), 4) for p, s in zip(held, far)}
    return {"domain": domain.name, "sizes": sizes, "threshold": THRESHOLD, "threshold_calibrated": rechosen,
            "rows": rows, "held_out_errors": errors, "held_out_scores": scores}
