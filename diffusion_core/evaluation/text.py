"""How well does text steer a CLIP-conditioned U-Net? Three measurements, each a plain loop over prompts:

  prompt_agreement   prompts naming each class -> the dataset's domain classifier's accuracy on the samples,
                     and the CLIP cosine similarity between the prompt and its samples, per guidance scale w
  label_agreement    the same figures for a class-conditional model asked for the same classes (the baseline)
  attribute_control  "a thin seven" vs "a bold seven": the attribute measured on the samples (captions.measure)
                     should be larger for the high word; fraction of classes where it is

    text_rows = prompt_agreement(lambda emb, n, w, seed: pipe.generate(n, cond=emb, guidance_scale=w, seed=seed), ...)
"""
from __future__ import annotations

from collections.abc import Callable

import torch

from ..models.classifier import Classifier
from ..text.captions import ATTRIBUTE_WORDS, DATASET_ATTRIBUTES, class_phrases, measure
from .metrics import predict_labels

# (text embedding (n, D) or class labels (n,), n, guidance w, seed) -> images (n, 1, 28, 28) in [-1, 1]
Generator = Callable[[torch.Tensor, int, float, int], torch.Tensor]


def class_prompt(dataset: str, label: int) -> str:
    """The prompt used to ask for a class: 'a digit 7', 'a trousers' reads oddly, so clothing gets 'a photo of a'."""
    phrase = class_phrases(dataset, label)[0]
    return f"a handwritten digit {label}" if dataset == "mnist" else f"a photo of a {phrase}"


def _scores(clip, classifier: Classifier, images: torch.Tensor, prompt_emb: torch.Tensor, label: int):
    with torch.no_grad():
        agree = (predict_labels(classifier, images) == label).float()  # (n,)
        similarity = clip.encode_images(images) @ prompt_emb  # (n,) cosines; both unit length
    return agree, similarity


def _agreement(make_images, clip, classifiers: dict, guidance_scales) -> dict:
    """make_images(dataset, label, prompt_emb, w) -> images; returns
    {w: {dataset: {agreement, clip_similarity, per_class}}}."""
    result = {}
    for w in guidance_scales:
        result[w] = {}
        for dataset, classifier in classifiers.items():
            agree, sims, per = [], [], []
            for c in range(10):
                with torch.no_grad():
                    emb = clip.encode_text([class_prompt(dataset, c)])[0]  # (D,)
                a, s = _scores(clip, classifier, make_images(dataset, c, emb, w), emb, c)
                agree.append(a), sims.append(s), per.append(a.mean().item())
            result[w][dataset] = {"agreement": torch.cat(agree).mean().item(),
                                  "clip_similarity": torch.cat(sims).mean().item(), "per_class": per}
    return result


def prompt_agreement(generate: Generator, clip, classifiers: dict, per_class: int = 20,
                     guidance_scales=(1.0, 2.0, 3.0, 4.0, 5.0), seed: int = 0) -> dict:
    """The text-conditioned model, asked with class_prompt(dataset, c) for every class of every dataset."""
    def make(dataset, c, emb, w):
        return generate(emb.expand(per_class, -1), per_class, w, seed + 1000 * c)
    return _agreement(make, clip, classifiers, guidance_scales)


def label_agreement(generators: dict[str, Generator], clip, classifiers: dict, per_class: int = 20,
                    guidance_scales=(1.0, 2.0, 3.0, 4.0, 5.0), seed: int = 0) -> dict:
    """The class-conditional models (one per dataset) asked for the same classes by label."""
    def make(dataset, c, emb, w):
        return generators[dataset](torch.full((per_class,), c), per_class, w, seed + 1000 * c)
    return _agreement(make, clip, classifiers, guidance_scales)


def attribute_control(generate: Generator, clip, per_class: int = 8, guidance_scale: float = 3.0,
                      seed: int = 0) -> dict:
    """{dataset: {attribute: {low, high, fraction}}}: mean measured value for prompts with the low and the high word
    (all classes together) and the fraction of classes whose high-word samples measure larger."""
    out = {}
    for dataset, attributes in DATASET_ATTRIBUTES.items():
        out[dataset] = {}
        for attr in attributes:
            low_word, high_word = ATTRIBUTE_WORDS[attr]
            means = {low_word: [], high_word: []}
            for c in range(10):
                phrase = class_prompt(dataset, c).removeprefix("a ").removeprefix("photo of a ")
                for word in (low_word, high_word):
                    with torch.no_grad():
                        emb = clip.encode_text([f"a {word} {phrase}"])  # (1, D)
                    images = generate(emb.expand(per_class, -1), per_class, guidance_scale, seed + c)
                    means[word].append(float(measure(images)[attr].mean()))
            low, high = torch.tensor(means[low_word]), torch.tensor(means[high_word])
            out[dataset][attr] = {"words": [low_word, high_word], "low": low.mean().item(), "high": high.mean().item(),
                                  "fraction": (high > low).float().mean().item()}
    return out
