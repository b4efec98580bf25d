"""Text to image with CLIP: a prompt's embedding conditions a CLIP-conditioned U-Net, and an inspector
tells how close the prompt is to what the models know.

    studio = TextStudio(clip, pipe, reference_images)       # loaded once
    report = studio.inspect("a bold seven")                  # concepts, nearest images, warning
    images = studio.generate("a bold seven", n=4, guidance_scale=3)
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from .captions import ATTRIBUTE_WORDS, DATASET_ATTRIBUTES, class_phrases
from .pipeline import Pipeline
from .text import Clip

MAX_PROMPT_CHARS = 300
FAR_AWAY = 0.35  # below this best concept similarity the prompt is reported as unknown territory


def concepts() -> list[tuple[str, str]]:
    """(kind, phrase): every class phrase of both datasets and every attribute word."""
    out = [("digit", p) for d in range(10) for p in class_phrases("mnist", d)[:2]]
    out += [("clothing", p) for c in range(10) for p in class_phrases("fashion_mnist", c)]
    words = {w for ds in DATASET_ATTRIBUTES.values() for a in ds for w in ATTRIBUTE_WORDS[a]}
    return out + [("attribute", w) for w in sorted(words)]


def clean_prompt(prompt: str | None) -> tuple[str, str | None]:
    """(prompt to use, notice for the user). Empty prompts are refused; long ones are cut."""
    text = " ".join((prompt or "").split())
    if not text:
        raise ValueError("the prompt is empty: describe a digit or a piece of clothing, e.g. 'a bold seven'")
    if len(text) > MAX_PROMPT_CHARS:
        return text[:MAX_PROMPT_CHARS], f"the prompt was cut to its first {MAX_PROMPT_CHARS} characters"
    return text, None


@dataclass
class Inspection:
    similarities: list[tuple[str, str, float]]  # (kind, phrase, cosine similarity), best first
    nearest: torch.Tensor  # (k, 1, 28, 28) reference images closest to the prompt
    nearest_scores: list[float]
    warning: str | None


class TextStudio:
    def __init__(self, clip: Clip, pipe: Pipeline | None, reference_images: torch.Tensor):
        self.clip, self.pipe, self.reference = clip, pipe, reference_images
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
        return Inspection(ranked, self.reference[near.indices], [round(v, 3) for v in near.values.tolist()], warning)

    def generate(self, prompt: str, n: int = 4, seed: int = 0, **kwargs):
        """Iterate the sampler's steps for n images of the prompt (see samplers.sample for kwargs)."""
        if self.pipe is None:
            raise RuntimeError("no CLIP-conditioned U-Net is loaded")
        text, _ = clean_prompt(prompt)
        cond = self.embed(text).expand(n, -1)
        return self.pipe.sample(n, cond=cond, seed=seed, **kwargs)
