"""Text to image with CLIP: a prompt's embedding conditions a CLIP-conditioned U-Net, and an inspector
tells how close the prompt is to what the models know.

    studio = TextStudio(clip, pipe, reference_images)       # loaded once
    report = studio.inspect("a bold seven")                  # concepts, nearest images, warning
    images = studio.generate("a bold seven", n=4, guidance_scale=3)
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .captions import ATTRIBUTE_WORDS, CAPTION_TEMPLATES, DATASET_ATTRIBUTES, class_phrases
from .pipeline import Pipeline
from .prior import ImageBank, condition_from_text
from .text import Clip

MAX_PROMPT_CHARS = 300
FAR_AWAY = 0.35  # below this best concept similarity the prompt is reported as unknown territory


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


@dataclass
class Inspection:
    similarities: list[tuple[str, str, float]]  # (kind, phrase, cosine similarity), best first
    nearest: torch.Tensor  # (k, 1, 28, 28) reference images closest to the prompt
    nearest_scores: list[float]
    warning: str | None
    prior_classes: list[tuple[str, int]]  # classes of the training images the retrieval prior averages (empty: no prior)


class TextStudio:
    def __init__(self, clip: Clip, pipe: Pipeline | None, reference_images: torch.Tensor, bank: ImageBank | None = None):
        self.clip, self.pipe, self.reference, self.bank = clip, pipe, reference_images, bank
        self.concepts = concepts()
        with torch.no_grad():
            self.concept_emb = clip.encode_text([p for _, p in self.concepts])  # (K, D)
            self.reference_emb = clip.encode_images(reference_images)  # (N, D)

    @torch.no_grad()
    def embed(self, prompt: str) -> torch.Tensor:
        return self.clip.encode_text([prompt])  # (1, D); the tokenizer truncates to the context length

    @torch.no_grad()
    def inspect(self, prompt: str, k: int = 8) -> Inspection:
        text, _ = clean_prompt(prompt)
        emb = self.embed(text)
        sims = (emb @ self.concept_emb.T)[0]
        order = sims.argsort(descending=True).tolist()
        ranked = [(self.concepts[i][0], self.concepts[i][1], round(sims[i].item(), 3)) for i in order]
        near = (emb @ self.reference_emb.T)[0].topk(min(k, len(self.reference)))
        warning = None
        if ranked[0][2] < FAR_AWAY:
            warning = (f"'{text}' is far from everything this model learned (best match '{ranked[0][1]}' at "
                       f"{ranked[0][2]:.2f}): it only knows handwritten digits and clothing, so expect a guess.")
        prior_classes = self.bank.composition(emb) if self.bank is not None else []
        return Inspection(ranked, self.reference[near.indices], [round(v, 3) for v in near.values.tolist()], warning,
                          prior_classes)

    @torch.no_grad()
    def condition(self, prompt: str, use_prior: bool = True) -> torch.Tensor:
        """(1, D): the retrieval prior's image embedding for the prompt, or the raw text embedding."""
        return condition_from_text(self.embed(prompt), self.bank if use_prior else None)

    def generate(self, prompt: str, n: int = 4, seed: int = 0, use_prior: bool = True, **kwargs):
        """Iterate the sampler's steps for n images of the prompt (see samplers.sample for kwargs)."""
        if self.pipe is None:
            raise RuntimeError("no CLIP-conditioned U-Net is loaded")
        text, _ = clean_prompt(prompt)
        return self.pipe.sample(n, cond=self.condition(text, use_prior).expand(n, -1), seed=seed, **kwargs)
