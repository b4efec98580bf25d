"""CLIP for text conditioning, all through open_clip: its model classes, tokenizer, ClipLoss and factory.

Offline, the project's own small CLIP (`model_configs/diffusion-lab-tiny-clip.json`, registered with
open_clip.add_model_config) is trained from scratch on captioned MNIST + Fashion-MNIST (captions.py).
Online, the same functions load a pretrained open_clip model instead:

    clip = load_clip("ViT-B-32", pretrained="laion2b_s34b_b79k")     # or a local checkpoint file
    clip = load_clip_dir("pretrained/tiny_clip")                      # the project's own
    text_emb = clip.encode_text(["a bold seven"])                      # (B, embed_dim), unit length
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

import open_clip
import torch
import torch.nn.functional as F

from ..model_folder import load_state, read_config, read_weights, save_model_folder
from .captions import ATTRIBUTE_WORDS, DATASET_ATTRIBUTES, attribute_words, caption, class_phrases, measure, thresholds

CONFIG_DIR = Path(__file__).parent / "model_configs"
TINY_CLIP = "diffusion-lab-tiny-clip"
open_clip.add_model_config(CONFIG_DIR)


@dataclass
class Clip:
    model: torch.nn.Module  # an open_clip CLIP
    tokenizer: object
    name: str
    info: dict = field(default_factory=dict)  # what it was trained on, caption thresholds

    @property
    def embed_dim(self) -> int:
        return (self.model.text_projection.shape[1] if hasattr(self.model, "text_projection")
                else self.model.visual.output_dim)

    def prepare_images(self, images: torch.Tensor) -> torch.Tensor:
        """(B, 1 or 3, H, W) in [-1, 1] -> the model's input: 3 channels at its image size."""
        size = self.model.visual.image_size
        size = size[0] if isinstance(size, (tuple, list)) else size
        x = images.expand(-1, 3, -1, -1) if images.shape[1] == 1 else images
        return F.interpolate(x, size=size, mode="bilinear", align_corners=False) if x.shape[-1] != size else x

    def encode_images(self, images: torch.Tensor, batch: int = 500) -> torch.Tensor:
        """(N, C, H, W) -> (N, embed_dim) unit vectors, `batch` images at a time to bound memory."""
        return torch.cat([F.normalize(self.model.encode_image(self.prepare_images(images[i:i + batch])), dim=-1)
                          for i in range(0, len(images), batch)])

    def encode_text(self, texts: list[str]) -> torch.Tensor:
        return F.normalize(self.model.encode_text(self.tokenizer(texts)), dim=-1)


def create_clip(name: str = TINY_CLIP, pretrained: str | None = None) -> Clip:
    """An open_clip model by config name; `pretrained` is a tag (needs internet) or a local file."""
    model, _, _ = open_clip.create_model_and_transforms(name, pretrained=pretrained)
    return Clip(model, open_clip.get_tokenizer(name), name)


TOKEN_TABLE, KEPT_ROWS = "token_embedding.weight", "token_embedding.kept_rows"


def save_clip(clip: Clip, directory, card: str | None = None, keep_tokens: list[int] | None = None):
    """A model folder: config.json (the open_clip config + our info), model.safetensors in float16 (half the size).
    keep_tokens: store only these rows of the (49,408, width) token table, with their indices (KEPT_ROWS); the
    others load as zeros. For a CLIP whose captions use a few thousand tokens, the rest were never trained."""
    config = {"open_clip_model": clip.name, "model_cfg": open_clip.get_model_config(clip.name), **clip.info}
    state = {k: v.half() for k, v in clip.model.state_dict().items()}
    if keep_tokens is not None:
        rows = torch.tensor(sorted(set(keep_tokens)), dtype=torch.int64)
        state[TOKEN_TABLE], state[KEPT_ROWS] = state[TOKEN_TABLE][rows], rows
    return save_model_folder(directory, config, state, card)


def _full_token_table(weights: dict, model) -> dict:
    """Undo save_clip's keep_tokens: the stored rows back in place, zeros elsewhere."""
    if KEPT_ROWS not in weights:
        return weights
    table = torch.zeros_like(model.state_dict()[TOKEN_TABLE], dtype=weights[TOKEN_TABLE].dtype)
    table[weights.pop(KEPT_ROWS)] = weights[TOKEN_TABLE]
    return {**weights, TOKEN_TABLE: table}


def load_clip_dir(directory) -> Clip:
    config = read_config(directory)
    quiet = logging.getLogger().level
    logging.getLogger().setLevel(logging.ERROR)  # open_clip warns "initialized randomly": the weights load next
    try:
        clip = create_clip(config["open_clip_model"])
    finally:
        logging.getLogger().setLevel(quiet)
    load_state(clip.model, directory, _full_token_table(read_weights(directory), clip.model)).eval()
    clip.info = {k: v for k, v in config.items() if k not in ("open_clip_model", "model_cfg")}
    return clip


def load_clip(name_or_dir: str, pretrained: str | None = None, beside=None) -> Clip:
    """A project CLIP directory, or an open_clip model name with a pretrained tag or local weights file.
    A relative directory is looked up from the working directory, then as a sibling of the model folder
    `beside` (a text model's config names "pretrained/tiny_clip"; the CLIP lives next to it)."""
    folders = [Path(name_or_dir)] + ([Path(beside).parent / Path(name_or_dir).name] if beside else [])
    for folder in folders:
        if folder.is_dir():
            return load_clip_dir(folder)
    clip = create_clip(name_or_dir, pretrained)
    clip.model.eval()
    return clip


@dataclass
class CaptionedData:
    images: torch.Tensor  # (N, 1, 28, 28) in [-1, 1]
    labels: torch.Tensor  # (N,)
    datasets: list[str]  # per image: "mnist" or "fashion_mnist"
    cuts: dict  # dataset -> attribute thresholds
    words: list[list[str]]  # per image: the attribute words its measurements earn

    def caption(self, i: int, choice: int) -> str:
        return caption(self.datasets[i], int(self.labels[i]), self.words[i], choice)


def captioned_data(parts: dict[str, tuple[torch.Tensor, torch.Tensor]]) -> CaptionedData:
    """parts: dataset name -> (images, labels). Thresholds are measured per dataset on these images."""
    cuts, words = {}, []
    for name, (x, _) in parts.items():
        values = measure(x)
        cuts[name] = thresholds(values)
        words += attribute_words(values, cuts[name], name)
    images = torch.cat([x for x, _ in parts.values()])
    labels = torch.cat([y for _, y in parts.values()])
    names = [name for name, (x, _) in parts.items() for _ in range(len(x))]
    return CaptionedData(images, labels, names, cuts, words)


def train_clip_steps(clip: Clip, data: CaptionedData, steps: int, batch_size: int = 256, lr: float = 3e-4,
                     seed: int = 0, warmup_steps: int = 100, lock_image: bool = False):
    """Contrastive training with open_clip's ClipLoss; yields {step, loss, seconds} after each step.
    Each step captions its batch afresh (seed, step), so the model sees many phrasings of each image.

    lock_image: locked-image text tuning (LiT, Zhai et al. 2022): the image tower stays as it is, its unit
    embeddings of data.images (N, D) are computed once and are the targets; only the text tower and the
    temperature learn. The image space, and whatever was trained on it, does not move."""
    loss_fn = open_clip.ClipLoss()
    images = _locked_image_features(clip, data.images) if lock_image else None
    params = [p for n, p in clip.model.named_parameters() if not (lock_image and n.startswith("visual."))]
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.1)
    clip.model.train()
    for step in range(steps):
        start = time.perf_counter()
        g = torch.Generator().manual_seed(seed * 1_000_003 + step)
        idx = torch.randint(0, len(data.images), (batch_size,), generator=g)
        tokens = clip.tokenizer([data.caption(i, step * 7919 + i) for i in idx.tolist()])
        for group in opt.param_groups:
            group["lr"] = lr * min(1.0, (step + 1) / warmup_steps)
        if lock_image:
            out = (images[idx], clip.model.encode_text(tokens, normalize=True), clip.model.logit_scale.exp())
        else:
            out = clip.model(clip.prepare_images(data.images[idx]), tokens)
            if isinstance(out, dict):
                out = (out["image_features"], out["text_features"], out["logit_scale"])
        loss = loss_fn(*out[:3])  # symmetric cross-entropy over the batch's image-text similarities
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            clip.model.logit_scale.clamp_(0, 4.6052)  # τ ≥ 1/100, as in CLIP
        yield {"step": step + 1, "loss": loss.item(), "seconds": time.perf_counter() - start}
    clip.model.eval()


@torch.no_grad()
def _locked_image_features(clip: Clip, images: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) -> (N, D) unit embeddings from the frozen image tower (eval mode, no gradient)."""
    clip.model.eval()
    for p in clip.model.visual.parameters():
        p.requires_grad_(False)
    return clip.encode_images(images)


def fit_clip(steps: int, batch_size: int = 256, lr: float = 3e-4, data_root=None, limit: int | None = None,
             log_every: int = 50) -> Clip:
    """The project's small CLIP (TINY_CLIP) trained from scratch on captioned MNIST + Fashion-MNIST training images,
    seed 0; its info records the caption thresholds, steps, batch size and minutes (save_clip writes them)."""
    from ..data import load_images

    torch.manual_seed(0)
    data = captioned_data({name: load_images(name, "train", data_root, limit=limit)
                           for name in ("mnist", "fashion_mnist")})
    clip = create_clip(TINY_CLIP)
    start, losses = time.perf_counter(), []
    for stats in train_clip_steps(clip, data, steps, batch_size, lr):
        losses.append(stats["loss"])
        if stats["step"] % log_every == 0:
            print(f"step {stats['step']}/{steps} loss {sum(losses[-log_every:]) / log_every:.3f}", flush=True)
    clip.info = {"trained_on": "MNIST + Fashion-MNIST training sets with generated captions",
                 "caption_thresholds": data.cuts,
                 "steps": steps, "batch_size": batch_size, "train_minutes": (time.perf_counter() - start) / 60}
    return clip


@torch.no_grad()
def zero_shot_accuracy(clip: Clip, dataset: str, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Classify each image by the class whose prompts (all phrases, averaged) are most similar."""
    class_emb = torch.stack([F.normalize(clip.encode_text([f"a {p}" for p in class_phrases(dataset, c)]).mean(0), dim=0)
                             for c in range(10)])
    img = clip.encode_images(images)  # (N, D)
    return ((img @ class_emb.T).argmax(1) == labels).float().mean().item()


@torch.no_grad()
def attribute_retrieval_accuracy(clip: Clip, dataset: str, images: torch.Tensor, labels: torch.Tensor,
                                 cuts: dict) -> dict:
    """For each attribute, the two-way choice between "a {low} {class}" and "a {high} {class}" on the test images
    whose measured value lies in the bottom or top third (captions.py): {attribute: accuracy}; chance is 0.5."""
    words = attribute_words(measure(images), cuts, dataset)
    img = clip.encode_images(images)  # (N, D)
    out = {}
    for attr in DATASET_ATTRIBUTES[dataset]:
        low, high = ATTRIBUTE_WORDS[attr]
        prompts = {(c, w): clip.encode_text([f"a {w} {p}" for p in class_phrases(dataset, c)]).mean(0)
                   for c in range(10) for w in (low, high)}
        correct = total = 0
        for i, ws in enumerate(words):
            truth = high if high in ws else low if low in ws else None
            if truth is None:
                continue
            c = int(labels[i])
            sim_low, sim_high = (img[i] @ F.normalize(prompts[(c, w)], dim=0) for w in (low, high))
            correct += int((sim_high > sim_low) == (truth == high))
            total += 1
        out[attr] = correct / max(total, 1)
    return out


def load_clip_of(info: dict) -> Clip:
    """The CLIP a text-conditioned model folder names in its config (Pipeline.info)."""
    return load_clip(info["clip"], info.get("clip_pretrained"), beside=info.get("path"))
