"""Datasets, all scaled to [-1, 1] as (N, C, H, W) float tensors or (image, label) pairs.

MNIST and Fashion-MNIST are read from the official IDX gzip files in a local folder (the layout of
../shared/data, or torchvision's ROOT/<Name>/raw), or downloaded by torchvision when online.
An RGB image folder (resize + centre crop) serves any other data, e.g. Stanford Cars.
"""
from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import Dataset

from .images import pil_to_tensor

DATASETS = {  # name -> (folder in ../shared/data, torchvision class name, class names)
    "mnist": ("mnist", "MNIST", [str(d) for d in range(10)]),
    "fashion_mnist": ("fashion_mnist", "FashionMNIST", [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]),
}
_FILES = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
          "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


class DatasetNotFound(FileNotFoundError):
    pass


def default_data_roots() -> list[Path]:
    """Where to look, in order: $DIFFUSION_LAB_DATA, then ./data and ../shared/data from the working directory."""
    roots = [os.environ.get("DIFFUSION_LAB_DATA"), Path("data"), Path("..") / "shared" / "data"]
    return [Path(r) for r in roots if r]


def class_names(name: str) -> list[str]:
    return DATASETS[name][2]


def _read_idx(path: Path) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    ndim = data[3]  # magic: 0, 0, dtype=0x08 (uint8), ndim
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _find_idx(name: str, split: str, roots: list[Path]) -> tuple[Path, Path] | None:
    folder, tv_name, _ = DATASETS[name]
    for root in roots:
        for d in (root / folder, root / tv_name / "raw", root):
            found = []
            for stem in _FILES[split]:
                hits = [d / (stem + ext) for ext in (".gz", "") if (d / (stem + ext)).is_file()]
                found.append(hits[0] if hits else None)
            if all(found):
                return found[0], found[1]
    return None


def load_images(name: str, split: str = "train", root: str | Path | None = None, download: bool = False,
                limit: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Images (N, 1, 28, 28) in [-1, 1] and labels (N,) for "mnist" or "fashion_mnist".

    Looks in `root` (or default_data_roots()); with download=True, falls back to torchvision's
    downloader into `root` (needs internet). Raises DatasetNotFound saying where it looked."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)} or use ImageFolder")
    roots = [Path(root)] if root else default_data_roots()
    paths = _find_idx(name, split, roots)
    if paths is None and download:
        import torchvision

        tv = getattr(torchvision.datasets, DATASETS[name][1])
        tv(str(roots[0]), train=split == "train", download=True)
        paths = _find_idx(name, split, roots)
    if paths is None:
        looked = ", ".join(str(r) for r in roots)
        raise DatasetNotFound(
            f"{name} ({split}) not found. Looked in: {looked}. Put the four official IDX .gz files in "
            f"<root>/{DATASETS[name][0]}/ (or <root>/{DATASETS[name][1]}/raw/), set DIFFUSION_LAB_DATA=<root>, "
            f"or pass download=True / --download when online.")
    images, labels = _read_idx(paths[0]), _read_idx(paths[1])
    if limit:
        images, labels = images[:limit], labels[:limit]
    x = torch.from_numpy(images.copy()).float().div(127.5).sub(1).unsqueeze(1)  # (N, 1, 28, 28)
    return x, torch.from_numpy(labels.astype(np.int64))


def dataset_available(name: str, split: str = "test", root=None) -> bool:
    roots = [Path(root)] if root else default_data_roots()
    return _find_idx(name, split, roots) is not None


class ImageFolder(Dataset):
    """Every image under a folder (any format PIL opens), RGB, resized and centre-cropped to size; transparency on
    white (icons and emoji are drawn on white)."""

    EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".gif", ".tif", ".tiff"}

    def __init__(self, folder: str | Path, image_size: int = 64):
        self.paths = sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in self.EXTENSIONS)
        if not self.paths:
            raise DatasetNotFound(f"no images ({', '.join(sorted(self.EXTENSIONS))}) under {folder}")
        self.image_size = image_size

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, i):
        from PIL import Image

        with Image.open(self.paths[i]) as im:
            return pil_to_tensor(im, self.image_size, channels=3, background=255), 0
