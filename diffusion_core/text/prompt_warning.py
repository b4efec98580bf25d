"""The prompt warning: does a prompt ask for something the text model never learned?

The model learned from short English captions of handwritten digits and ten kinds of clothing (captions.py). The
small CLIP's best concept similarity cannot tell (every prompt, even "zzzz", lands above 0.45), so the warning reads
the words instead. Three features of the prompt after clean_prompt (plurals of caption nouns made singular):

  known_fraction  the fraction of its words that are caption words or little English words (STOP_WORDS)
  names_object    1 when a word names a digit or a piece of clothing (OBJECT_WORDS), else 0
  log_unknown     log(1 + the number of its words that are neither)

and a logistic regression turns them into P(far) = 1 / (1 + exp(-(INTERCEPT + COEFFICIENTS · features))).
The coefficients were fitted by fit_warning() on the calibration half of prompt_lists.py (features standardised,
L2 penalty 1, Newton's method) and THRESHOLD is the one that maximises hit rate minus false-alarm rate there.
The three were chosen while designing (a one-off 5-fold cross-validation on the calibration half, not kept here)
among every set of at most four of them, the best concept similarity, its margin over the mean concept similarity
and the fraction of non-Latin characters: adding a CLIP feature or the character check did not lower the
cross-validated log-loss. warning_table() measures the old and the new score on the held-out half.

    check = check_prompt("a cat")            # cleaned text in
    check.far, check.unknown                 # True, ['cat']
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from . import prompt_lists
from .captions import DIGIT_WORDS, FASHION_NOUNS
from .prompts import VOCABULARY, clean_prompt, concepts

STOP_WORDS = frozenset("a an the of in on at by with and or to for from some my your his her its this that is are "
                       "very".split())
OBJECT_WORDS = frozenset(DIGIT_WORDS + [str(d) for d in range(10)]
                         + [n.split()[-1] for ns in FASHION_NOUNS for n in ns])
PUNCTUATION = ".,;:!?\"'()[]"
FEATURES = ("known_fraction", "names_object", "log_unknown")
COEFFICIENTS = (-4.6154, -4.2775, 2.6681)  # per feature, on the raw features; fit_warning() on the calibration half
INTERCEPT = 3.213
THRESHOLD = 0.4454  # warn when P(far) is above it; chosen on the calibration half
OLD_THRESHOLD = 0.35  # the warning before: best concept similarity below this
L2 = 1.0


def prompt_words(text: str) -> list[str]:
    """Lower-case words without surrounding punctuation ("?????" stays a word)."""
    return [token.strip(PUNCTUATION) or token for token in text.lower().split()]


def is_foreign(char: str) -> bool:
    """Outside the Latin alphabets: other scripts, emoji, symbols."""
    return ord(char) > 0x2FF


@dataclass(frozen=True)
class PromptCheck:
    text: str
    unknown: list[str]  # words the captions never used (in order, once each)
    names_object: bool  # a word names a thing the model draws (a digit or clothing; a domain's object words)
    foreign: bool  # it has characters outside the Latin alphabets (another script, emoji)
    probability: float  # P(far), the logistic regression's output

    @property
    def far(self) -> bool:
        return self.probability > THRESHOLD


def unknown_words(words: list[str], vocabulary=VOCABULARY) -> list[str]:
    """The words that are neither caption words (of `vocabulary`) nor STOP_WORDS."""
    return [w for w in words if w not in vocabulary and w not in STOP_WORDS]


def word_features(text: str, vocabulary=VOCABULARY, object_words=OBJECT_WORDS) -> np.ndarray:
    """(3,) the FEATURES of a cleaned prompt (against another domain's words when given: prompt_domain.py)."""
    words = prompt_words(text)
    unknown = unknown_words(words, vocabulary)
    known = 1 - len(unknown) / len(words) if words else 0.0
    return np.array([known, float(any(w in object_words for w in words)), math.log1p(len(unknown))])


def far_probability(features: np.ndarray, coefficients=COEFFICIENTS, intercept: float = INTERCEPT) -> np.ndarray:
    return 1 / (1 + np.exp(-(intercept + features @ np.asarray(coefficients))))


def check_prompt(text: str, vocabulary=VOCABULARY, object_words=OBJECT_WORDS) -> PromptCheck:
    """The warning's view of a prompt that went through clean_prompt (or a PromptDomain's clean, with its words)."""
    features = word_features(text, vocabulary, object_words)
    unknown = unknown_words(list(dict.fromkeys(prompt_words(text))), vocabulary)
    return PromptCheck(text, unknown, bool(features[1]), any(is_foreign(c) for c in text),
                       float(far_probability(features)))


def auroc(scores, labels) -> float:
    """P(score of a random positive > score of a random negative), ties counting one half (Mann-Whitney U / n1 n0)."""
    scores, labels = np.asarray(scores, float), np.asarray(labels)
    pos, neg = scores[labels == 1][:, None], scores[labels == 0][None, :]
    return float((pos > neg).mean() + 0.5 * (pos == neg).mean())


def rates(scores, labels, threshold: float) -> tuple[float, float]:
    """(hit rate, false-alarm rate): the fractions of positives and of negatives whose score is above threshold."""
    scores, labels = np.asarray(scores, float), np.asarray(labels)
    warned = scores > threshold
    return float(warned[labels == 1].mean()), float(warned[labels == 0].mean())


def youden_threshold(scores, labels) -> float:
    """The threshold between two neighbouring scores that maximises hit rate minus false-alarm rate; when several
    do, the middle one of them."""
    values = np.unique(np.asarray(scores, float))
    candidates = (values[1:] + values[:-1]) / 2
    gains = np.array([np.subtract(*rates(scores, labels, t)) for t in candidates])
    best = np.flatnonzero(np.isclose(gains, gains.max()))
    return float(candidates[best[len(best) // 2]])


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> tuple[np.ndarray, float]:
    """(coefficients, intercept) on the raw features of a logistic regression fitted on standardised ones, with an
    L2 penalty on the coefficients (not the intercept), by Newton's method."""
    mean, std = x.mean(0), x.std(0)
    z = np.c_[np.ones(len(x)), (x - mean) / np.where(std > 0, std, 1)]
    penalty = l2 * np.diag([0.0] + [1.0] * x.shape[1])
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-z @ w))
        w -= np.linalg.solve(z.T @ (z * (p * (1 - p))[:, None]) + penalty, z.T @ (p - y) + penalty @ w)
    coefficients = w[1:] / np.where(std > 0, std, 1)
    return coefficients, float(w[0] - coefficients @ mean)


def features_of(prompts: list[str]) -> np.ndarray:
    return np.stack([word_features(clean_prompt(p)[0]) for p in prompts])


def fit_warning() -> dict:
    """COEFFICIENTS, INTERCEPT and THRESHOLD as fitted on the calibration half (rounded to 4 decimals, the
    threshold chosen with the rounded coefficients)."""
    prompts, labels = prompt_lists.labelled(0)
    x = features_of(prompts)
    coefficients, intercept = fit_logistic(x, labels)
    coefficients, intercept = [round(float(c), 4) for c in coefficients], round(intercept, 4)
    threshold = youden_threshold(far_probability(x, coefficients, intercept), labels)
    return {"coefficients": coefficients, "intercept": intercept, "threshold": round(threshold, 4)}


@torch.no_grad()
def best_similarity(clip, prompts: list[str]) -> np.ndarray:
    """The old score: each cleaned prompt's best cosine similarity to a concept (prompts.concepts)."""
    concept_emb = clip.encode_text([p for _, p in concepts()])
    emb = clip.encode_text([clean_prompt(p)[0] for p in prompts])
    return (emb @ concept_emb.T).max(1).values.numpy().astype(float)


def score_row(name: str, warns_when: str, threshold: float, far: np.ndarray, labels: np.ndarray) -> dict:
    hit, false_alarm = rates(far, labels, threshold)
    return {"score": name, "warns_when": warns_when, "auroc": auroc(far, labels), "hit_rate": hit,
            "false_alarm_rate": false_alarm}


def warning_table(clip, examples: list[str] = ()) -> dict:
    """Old score (best concept similarity, at 0.35 and at a threshold chosen on the calibration half) and the new
    one (P(far) with the stored coefficients), measured on the held-out half; plus the scores of `examples`."""
    (cal, cal_labels), (held, labels) = prompt_lists.labelled(0), prompt_lists.labelled(1)
    old_threshold = -youden_threshold(-best_similarity(clip, cal), cal_labels)
    old_far, new_far = -best_similarity(clip, held), far_probability(features_of(held))
    rows = [score_row("best CLIP concept similarity (before)", f"similarity < {OLD_THRESHOLD}", -OLD_THRESHOLD,
                      old_far, labels),
            score_row("best CLIP concept similarity, threshold from the calibration half",
                      f"similarity < {old_threshold:.3f}", -old_threshold, old_far, labels),
            score_row("word check: logistic regression on " + ", ".join(FEATURES), f"P(far) > {THRESHOLD}", THRESHOLD,
                      new_far, labels)]
    sizes = {name: {"in_domain": int((y == 0).sum()), "out_of_domain": int((y == 1).sum())}
             for name, y in (("calibration", cal_labels), ("held_out", labels))}
    similarity = best_similarity(clip, list(examples)) if examples else []
    checks = [check_prompt(clean_prompt(p)[0]) for p in examples]
    scored = {p: {"similarity": float(s), "probability": c.probability, "warned": c.far}
              for p, s, c in zip(examples, similarity, checks)}
    missed = [p for p, warned, y in zip(held, new_far > THRESHOLD, labels) if warned != bool(y)]
    return {"sizes": sizes, "features": list(FEATURES), "coefficients": list(COEFFICIENTS), "intercept": INTERCEPT,
            "threshold": THRESHOLD, "old_threshold_calibrated": old_threshold, "rows": rows, "examples": scored,
            "held_out_errors": missed}
