"""Measuring generated images with a small classifier trained on the same dataset.

  domain-FID  = ‖μ_r − μ_g‖² + Tr(Σ_r + Σ_g − 2 (Σ_r Σ_g)^{1/2})   (Heusel et al. 2017)
                on the classifier's penultimate (128-d) features instead of Inception's, so it
                measures MNIST-likeness; always read it next to the real-vs-real floor.
                For emoji ("emoji-FID") the classifier is the colour judge, trained on the google style; its
                "test set" is the twitter style and its floor is n google pictures against it (judged_images).
  agreement   = fraction of samples asked for class c that the classifier labels c.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from ..data import class_names, load_images
from ..model_folder import load_state, read_config
from ..models.classifier import Classifier, ClassifierConfig


def judged_images(dataset: str, split: str, data_root=None, limit: int | None = None):
    """A judge's labelled pictures: (images (N, C, H, W) in [-1, 1], labels (N,)). MNIST and Fashion-MNIST by their
    train and test sets; "emoji" by style (emoji.judge_images: train = google, test = twitter, 32×32×3)."""
    if dataset == "emoji":
        from ..emoji import judge_images

        return judge_images(split, data_root, limit=limit)
    return load_images(dataset, split, data_root, limit=limit)


def judged_class_names(dataset: str) -> list[str]:
    if dataset == "emoji":
        from ..emoji import JUDGE_CATEGORIES

        return list(JUDGE_CATEGORIES)
    return class_names(dataset)


@torch.no_grad()
def predict_labels(model: Classifier, x: torch.Tensor, batch: int = 500) -> torch.Tensor:
    model.eval()
    return torch.cat([model(x[i: i + batch]).argmax(1) for i in range(0, len(x), batch)])


def accuracy(model: Classifier, x, y) -> float:
    return (predict_labels(model, x) == y).float().mean().item()


@torch.no_grad()
def features(model: Classifier, x: torch.Tensor, batch: int = 500) -> np.ndarray:
    model.eval()
    return torch.cat([model.features(x[i: i + batch]) for i in range(0, len(x), batch)]).double().numpy()


def frechet_distance(f1: np.ndarray, f2: np.ndarray) -> float:
    """Fréchet distance of the Gaussians fitted to two (N, D) feature sets."""
    from scipy import linalg

    mu1, mu2 = f1.mean(0), f2.mean(0)
    s1, s2 = np.cov(f1, rowvar=False), np.cov(f2, rowvar=False)
    covmean = linalg.sqrtm(s1 @ s2)
    if not np.isfinite(covmean).all():  # near-singular product: nudge the diagonals (as pytorch-fid does)
        eps = np.eye(len(s1)) * 1e-6
        covmean = linalg.sqrtm((s1 + eps) @ (s2 + eps))
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1 + s2 - 2 * covmean.real))


def psnr(x: torch.Tensor, ref: torch.Tensor) -> float:
    """Peak signal-to-noise ratio in dB for images in [-1, 1]: 10 log10(2² / MSE)."""
    mse = (x.clamp(-1, 1) - ref).pow(2).mean().item()
    return float("inf") if mse == 0 else 10 * np.log10(4.0 / mse)


def load_classifier(directory) -> Classifier:
    """A domain classifier from its model folder (config.json + model.safetensors + README.md)."""
    return load_state(Classifier(ClassifierConfig(**read_config(directory)["model"])), directory).eval()


def neighbour_correlation(x: torch.Tensor) -> float:
    """Pearson correlation of horizontally adjacent pixels over a batch (B, C, H, W): about 0 for
    white noise, about 0.9 for MNIST-like images. A cheap "is this structure or static?" statistic."""
    a, b = x[..., :, :-1].flatten().double(), x[..., :, 1:].flatten().double()
    return torch.corrcoef(torch.stack([a, b]))[0, 1].item()


@dataclass
class Reference:
    """Test-set features of a dataset, and the real-vs-real floor (train subset vs test; emoji: google vs twitter)."""

    classifier: Classifier
    test_features: np.ndarray
    floor: float

    @classmethod
    def build(cls, classifier: Classifier, dataset: str, n_floor: int = 2000, data_root=None, limit: int | None = None):
        """limit: only the first test images (smoke runs); the floor's training subset is the same either way."""
        xt, _ = judged_images(dataset, "test", data_root, limit=limit)
        ref = cls(classifier, features(classifier, xt), float("nan"))
        ref.floor = ref.floor_at(dataset, n_floor, data_root)
        return ref

    def floor_at(self, dataset: str, n: int, data_root=None) -> float:
        """Real-vs-real domain-FID: n training images (a fixed random subset, seed 0) against the test set."""
        xr, _ = judged_images(dataset, "train", data_root)
        idx = torch.randperm(len(xr), generator=torch.Generator().manual_seed(0))[:n]
        return frechet_distance(features(self.classifier, xr[idx]), self.test_features)

    def sampling_floor(self, n: int) -> float:
        """n of the test images themselves (a fixed random subset, seed 0) against all of them: what drawing only n
        costs, with no difference of kind at all (a lower floor than floor_at's)."""
        idx = torch.randperm(len(self.test_features), generator=torch.Generator().manual_seed(0))[:n]
        return frechet_distance(self.test_features[idx.numpy()], self.test_features)

    def fid(self, images: torch.Tensor) -> float:
        return frechet_distance(features(self.classifier, images.clamp(-1, 1)), self.test_features)


def timed_generate(pipe, n: int, batch: int = 250, labels=None, seed: int = 0, cond=None, **kwargs):
    """Generate n images in batches (labels (n,) and cond (n, D) sliced with them; the batch from image i on has
    seed + i); returns (images, seconds per image)."""
    out, start = [], time.perf_counter()
    for i in range(0, n, batch):
        lab = None if labels is None else labels[i: i + batch]
        c = None if cond is None else cond[i: i + batch]
        out.append(pipe.generate(min(batch, n - i), labels=lab, seed=seed + i, cond=c, **kwargs))
    return torch.cat(out), (time.perf_counter() - start) / n


SAMPLER_GRID = [("ddpm", 1000), ("ddim", 50), ("ddim", 20), ("ddim", 10), ("dpm_solver_pp", 20), ("dpm_solver_pp", 10),
                ("dpm_solver_pp_sde", 20)]


def quality_vs_steps(pipe, ref: Reference, n: int, guidance: float = 1.0, grid=SAMPLER_GRID, n_slow: int | None = None):
    """Rows of sampler, steps, domain-FID, seconds per image. The 1000-step DDPM may use n_slow samples."""
    labels = torch.arange(n) % pipe.config.num_classes if pipe.config.num_classes else None
    rows = []
    for sampler, steps in grid:
        m = n_slow if (n_slow and steps >= 500) else n
        images, spi = timed_generate(pipe, m, labels=None if labels is None else labels[:m], sampler=sampler,
                                     num_steps=steps, guidance_scale=guidance)
        rows.append({"sampler": sampler, "steps": steps, "n": m, "fid": ref.fid(images), "sec_per_image": spi})
    return rows


def class_agreement(pipe, classifier: Classifier, per_class: int, guidance_scales=(1.0, 2.0, 3.0), **kwargs):
    """Accuracy of the classifier on samples asked for each class, per guidance scale."""
    k = pipe.config.num_classes
    labels = torch.arange(k).repeat_interleave(per_class)
    result = {}
    for w in guidance_scales:
        images, _ = timed_generate(pipe, len(labels), labels=labels, guidance_scale=w, **kwargs)
        pred = predict_labels(classifier, images)
        per = [(pred[labels == c] == c).float().mean().item() for c in range(k)]
        result[w] = {"overall": (pred == labels).float().mean().item(), "per_class": per}
    return result
