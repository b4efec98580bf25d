"""A retrieval prior: turn a prompt's CLIP *text* embedding into the kind of CLIP *image* embedding the U-Net
was trained on.

The CLIP-conditioned U-Net learned p(x | z_img). A prompt gives z_text, and CLIP's text and image embeddings lie
in different regions of the sphere (the "modality gap", Liang et al. 2022). DALL·E 2 (Ramesh et al. 2022) trains a
prior p(z_img | z_text) to bridge them; the non-parametric prior here (as in kNN-Diffusion, Sheynin et al. 2022)
averages the image embeddings of the k training images closest to the prompt:

    z = normalize( (1/k) Σ_{i ∈ top-k ⟨z_text, z_img_i⟩} z_img_i )          # (D,)

    bank = ImageBank.build(clip, {"mnist": (x, y)})        # (N, D) embeddings of training images
    cond = bank.prior(clip.encode_text(["a bold seven"]))    # (1, D), fed to the U-Net as cond
    bank.save("pretrained/text_cond/prior_bank.safetensors")
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

BANK_NAME = "prior_bank.safetensors"
DEFAULT_K = 32  # MNIST + Fashion-MNIST: thousands of pictures per class
# emoji: two pictures per emoji (one per style; a one-style model's bank averages 1).
# With the emoji CLIP, "a {colour} {name}" of 96 trained emoji gives a
# prior whose cosine to the named emoji's picture is 0.935 / 0.933 / 0.912 / 0.875 for k = 1 / 2 / 4 / 32
EMOJI_K = 2


@dataclass(frozen=True)
class ImageBank:
    embeddings: torch.Tensor  # (N, D) unit CLIP image embeddings of training images
    labels: torch.Tensor  # (N,) class index within its dataset
    dataset_index: torch.Tensor  # (N,) index into `datasets`
    datasets: tuple[str, ...]
    class_names: tuple[tuple[str, ...], ...]  # per dataset
    k: int = DEFAULT_K  # how many nearest images the prior averages unless told otherwise (saved with the bank)

    @classmethod
    def build(cls, clip, parts: dict[str, tuple[torch.Tensor, torch.Tensor]], class_names: dict | None = None,
              k: int = DEFAULT_K):
        """parts: dataset name -> (images (N, C, H, W) in [-1, 1], labels (N,))."""
        from ..data import class_names as dataset_class_names

        names = tuple(parts)
        with torch.no_grad():
            emb = torch.cat([clip.encode_images(x) for x, _ in parts.values()])  # (N, D)
        labels = torch.cat([y.long() for _, y in parts.values()])
        index = torch.cat([torch.full((len(y),), i) for i, (_, y) in enumerate(parts.values())])
        class_names = class_names or {n: dataset_class_names(n) for n in names}
        return cls(emb, labels, index, names, tuple(tuple(class_names[n]) for n in names), k)

    def __len__(self) -> int:
        return len(self.embeddings)

    def nearest(self, text_emb: torch.Tensor, k: int | None = None) -> torch.Tensor:
        """(B, D) -> (B, k) indices of the bank images most similar to each prompt (k: the bank's own by default)."""
        return (text_emb @ self.embeddings.T).topk(min(k or self.k, len(self)), dim=1).indices

    def prior(self, text_emb: torch.Tensor, k: int | None = None) -> torch.Tensor:
        """(B, D) text embeddings -> (B, D) unit image embeddings: the mean of the k nearest, renormalised."""
        return F.normalize(self.embeddings[self.nearest(text_emb, k)].mean(1), dim=-1)

    def composition(self, text_emb: torch.Tensor, k: int | None = None) -> list[tuple[str, int]]:
        """For one prompt (1, D): which classes the k retrieved images belong to, most frequent first."""
        idx = self.nearest(text_emb, k)[0]
        counts = Counter(f"{self.datasets[int(self.dataset_index[i])]}: "
                         f"{self.class_names[int(self.dataset_index[i])][int(self.labels[i])]}" for i in idx)
        return counts.most_common()

    def save(self, path) -> Path:
        path = Path(path)
        meta = {"datasets": json.dumps(self.datasets), "class_names": json.dumps(self.class_names), "k": str(self.k)}
        save_file({"embeddings": self.embeddings.half().contiguous(), "labels": self.labels.to(torch.int16),
                   "dataset_index": self.dataset_index.to(torch.int8)}, str(path), metadata=meta)
        return path

    @classmethod
    def load(cls, path) -> ImageBank:
        from safetensors import safe_open

        t = load_file(str(path))
        with safe_open(str(path), "pt") as f:
            meta = f.metadata()
        return cls(F.normalize(t["embeddings"].float(), dim=-1), t["labels"].long(), t["dataset_index"].long(),
                   tuple(json.loads(meta["datasets"])), tuple(tuple(c) for c in json.loads(meta["class_names"])),
                   int(meta.get("k", DEFAULT_K)))


def build_bank_for_model(model_dir, per_dataset: int = 5000, data_root=None) -> Path:
    """Embed the first `per_dataset` training images of each dataset the model was trained on with its CLIP (for emoji:
    of each style), and save the bank beside the weights (model_dir/prior_bank.safetensors)."""
    from ..data import load_images
    from ..emoji import CATEGORIES, dataset_style, load_emoji
    from ..pipeline import load_pipeline
    from .clip import load_clip_of

    pipe = load_pipeline(model_dir, device="cpu")
    if not pipe.info.get("clip"):
        raise ValueError(f"{model_dir} is not conditioned on CLIP embeddings; a prior bank is only for such models")
    clip = load_clip_of(pipe.info)
    styles = dataset_style(pipe.info["dataset"])
    if styles:  # emoji: one bank of the styles it trained on, labelled by category
        emoji = load_emoji(data_root, pipe.config.image_size, styles, limit=per_dataset)
        k = len(styles)  # the pictures of the emoji a prompt names, one per style (EMOJI_K with both styles)
        bank = ImageBank.build(clip, {"emoji": (emoji.images, emoji.categories)}, {"emoji": CATEGORIES}, k)
        return bank.save(Path(model_dir) / BANK_NAME)
    parts = {name: load_images(name, "train", root=data_root, limit=per_dataset)
             for name in pipe.info["dataset"].split("+")}
    return ImageBank.build(clip, parts).save(Path(model_dir) / BANK_NAME)


def condition_from_text(text_emb: torch.Tensor, bank: ImageBank | None, k: int | None = None) -> torch.Tensor:
    """(B, D): what the U-Net is conditioned on for these prompts: the prior's image embedding when a bank is
    given, else the raw text embedding."""
    return bank.prior(text_emb, k) if bank is not None else text_emb


def load_bank(model_dir) -> ImageBank | None:
    path = Path(model_dir) / BANK_NAME
    return ImageBank.load(path) if path.exists() else None
