"""Text to image with CLIP: a prompt's embedding conditions a CLIP-conditioned U-Net, and an inspector
tells how close the prompt is to what the models know.

    studio = TextStudio(clip, pipe, reference_images)       # loaded once
    report = studio.inspect("a bold seven")                  # concepts, nearest images, warning
    images = studio.generate("a bold seven", n=4, guidance_scale=3)
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from types import SimpleNamespace

import torch

from diffusion_core.emoji import CATEGORIES
from diffusion_core.images import picture
from diffusion_core.pipeline import Pipeline
from diffusion_core.text.clip import Clip
from diffusion_core.text.prior import ImageBank, condition_from_text
from diffusion_core.text.prompt_domain import DIGITS_AND_CLOTHES, PromptDomain
from diffusion_core.text.prompt_warning import PromptCheck
from diffusion_core.text.prompts import concepts
from lab.checks import MAX_GUIDANCE, MAX_SEED, InputError, check_range, one_of, whole_number
from lab.i18n import sentences
from lab.i18n import text as say
from lab.lessons.memorising import Memorising

KNOWS = DIGITS_AND_CLOTHES.knows
THUMBNAIL_SCALE = 4  # 28 px -> 112 px


def domain_concepts(domain: PromptDomain) -> list[tuple[str, str]]:
    """(kind, phrase) pairs the inspector ranks a prompt against: the digits' and clothes' classes and attributes,
    or an emoji model's categories and example prompts."""
    if domain is DIGITS_AND_CLOTHES:
        return concepts()
    return ([("category", f"{c.lower().replace('&', 'and')} emoji") for c in CATEGORIES if c != "Component"]
            + [("example", e) for e in domain.examples])


def far_warning(check: PromptCheck, concept: str, similarity: float, knows: str = KNOWS) -> str | None:
    """Why the prompt looks far from what the model learned (prompt_warning.py decides), or None when it does not."""
    if not check.far:
        return None
    reasons = []
    if check.foreign:
        reasons.append(say("text.reason_foreign"))
    elif check.unknown:
        quoted = [f"'{w}'" for w in check.unknown[:3]] + ([say("text.other_words")] if len(check.unknown) > 3 else [])
        listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + say("text.and") + quoted[-1]
        reasons.append(say("text.reason_words" if len(check.unknown) > 1 else "text.reason_word", words=listed))
    if not check.names_object:
        reasons.append(say("text.reason_nothing"))
    why = say("text.and_also").join(reasons) or say("text.reason_default")
    return say("text.far", prompt=check.text, knows=knows, why=why, concept=concept, similarity=f"{similarity:.2f}")


@dataclass
class Inspection:
    similarities: list[tuple[str, str, float]]  # (kind, phrase, cosine similarity), best first
    nearest: torch.Tensor  # (k, C, H, W) reference images closest to the prompt
    nearest_scores: list[float]
    warning: str | None
    prior_classes: list[tuple[str, int]]  # classes of the training images the retrieval prior averages (empty: none)


class TextStudio:
    def __init__(self, clip: Clip, pipe: Pipeline | None, reference_images: torch.Tensor, bank: ImageBank | None = None,
                 domain: PromptDomain = DIGITS_AND_CLOTHES, memorising: Memorising | None = None):
        """reference_images: (N, C, H, W) pictures of what the model learned, the nearest shown for a prompt;
        memorising: the near-copy lesson of a model that measured its near-copies (lessons/memorising.py)."""
        self.clip, self.pipe, self.reference, self.bank, self.domain = clip, pipe, reference_images, bank, domain
        self.memorising = memorising
        self.concepts = domain_concepts(domain)
        with torch.no_grad():
            self.concept_emb = clip.encode_text([p for _, p in self.concepts])  # (K, D)
            # (N, D); none when the pictures are not on this machine (the inspector then shows no nearest pictures)
            self.reference_emb = clip.encode_images(reference_images) if len(reference_images) else None

    @torch.no_grad()
    def embed(self, prompt: str) -> torch.Tensor:
        return self.clip.encode_text([prompt])  # (1, D); the tokenizer truncates to the context length

    @torch.no_grad()
    def inspect(self, prompt: str, k: int = 8) -> Inspection:
        text, _ = self.domain.clean(prompt)
        emb = self.embed(text)
        sims = (emb @ self.concept_emb.T)[0]
        order = sims.argsort(descending=True).tolist()
        ranked = [(self.concepts[i][0], self.concepts[i][1], round(sims[i].item(), 3)) for i in order]
        near = ((emb @ self.reference_emb.T)[0] if self.reference_emb is not None else emb[0, :0]).topk(
            min(k, len(self.reference)))
        warning = far_warning(self.domain.check(text), ranked[0][1], ranked[0][2], self.domain.knows)
        prior_classes = self.bank.composition(emb) if self.bank is not None else []
        return Inspection(ranked, self.reference[near.indices], [round(v, 3) for v in near.values.tolist()], warning,
                          prior_classes)

    @torch.no_grad()
    def condition(self, prompt: str, use_prior: bool = True) -> torch.Tensor:
        """(1, D): the retrieval prior's image embedding for the prompt, or the raw text embedding."""
        return condition_from_text(self.embed(prompt), self.bank if use_prior else None)

    def generate(self, prompt: str, n: int = 4, seed: int = 0, use_prior: bool = True, pipe: Pipeline | None = None,
                 **kwargs):
        """Iterate the sampler's steps for n images of the prompt (see samplers.sample for kwargs); `pipe` replaces
        the studio's own (e.g. the same network through the shared batcher)."""
        pipe = pipe or self.pipe
        if pipe is None:
            raise RuntimeError("no CLIP-conditioned U-Net is loaded")
        text, _ = self.domain.clean(prompt)
        return pipe.sample(n, cond=self.condition(text, use_prior).expand(n, -1), seed=seed, **kwargs)


def text_studio(classroom, text_model: str | None, what: str = "text.no_clip_unet") -> tuple[str, TextStudio]:
    """(name, studio) of the classroom's text model `text_model` (None: the one the page opens with); `what`: the
    catalogue's sentence saying that none is installed (text.no_clip_unet, text.no_clip)."""
    if not classroom.text_studios:
        raise InputError(sentences(say(what), classroom.zoo.how_to_get_models()))
    name = one_of("text model", text_model or classroom.text_model, list(classroom.text_studios))
    return name, classroom.text_studios[name]


def text_request(classroom, prompt, guidance, steps, sampler, seed, n, text_model=None) -> SimpleNamespace:
    """Tab 5's values (its widgets', the handout's, a script's) checked, an InputError with a sentence for a student
    if one is refused; the prompt cleaned by the model's domain (`notice` says what was changed)."""
    name, studio = text_studio(classroom, text_model)
    steps, n = whole_number("steps", steps, 1, 1000), whole_number("number of images", n, 1, 16)
    guidance = check_range("guidance scale w", guidance, 1, MAX_GUIDANCE)
    one_of("sampler", sampler, studio.pipe.sampler_names)
    text, notice = studio.domain.clean(prompt if isinstance(prompt, str) else None)
    seed = whole_number("seed", seed, 0, MAX_SEED)
    return SimpleNamespace(text=text, notice=notice, steps=steps, n=n, guidance=guidance, seed=seed, studio=studio,
                           model=name)


def batched_pictures(batcher, studio: TextStudio, text: str, n: int, seed: int, use_prior: bool, num_steps: int,
                     **kwargs):
    """(step, thumbnails of x̂0) about ten times a run and at its end; the network's calls batched with every other
    user's by `batcher` (lab/server/batcher.py)."""
    with batcher.join(studio.pipe.model) as shared_model:
        pipe = replace(studio.pipe, model=shared_model)
        for step in studio.generate(text, n=n, seed=seed, use_prior=use_prior, pipe=pipe, num_steps=num_steps,
                                    **kwargs):
            if step.t == -1 or step.index % max(1, num_steps // 10) == 0:
                yield step, [picture(x, THUMBNAIL_SCALE) for x in step.x0.cpu()]
