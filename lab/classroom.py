"""Everything the tabs share, loaded once at start-up and handed to each tab explicitly: the models (zoo), the
gallery of images to pick from, and the text studio of the CLIP tab. Per-user values live in gr.State, not here.

    classroom = Classroom.load()            # pretrained/ of the repository, or $DIFFUSION_LAB_MODELS
    demo = build_demo(classroom)            # lab/demo.py
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from diffusion_core.data import DatasetNotFound, class_names, dataset_available, load_images
from diffusion_core.emoji import compose_on_white, find_emoji_root, read_entries
from diffusion_core.images import photo_tensor, picture, pil_to_tensor
from diffusion_core.text.clip import load_clip_of
from diffusion_core.text.prior import load_bank
from lab.batcher import Batcher
from lab.interactive_first import InteractiveFirst
from lab.browser_sampler import BrowserRuns
from lab.exports import Exports
from lab.lessons.text import TextStudio
from lab.replay_cache import ReplayCache
from lab.zoo import Zoo

ASSETS = Path(__file__).resolve().parent.parent / "assets"
IMAGE_SIZE = 28  # what the models see: 28×28 grey, [-1, 1]
PHOTO_SIZE = 512  # tabs 1-2 keep a photo in colour, at most this many pixels on its long side
GALLERY_SCALE = 4  # gallery thumbnails: 28 px -> 112 px


@dataclass
class GalleryItem:
    x0: torch.Tensor  # (1, 28, 28) in [-1, 1]: what a click on it hands to the models (tab 3)
    picture: np.ndarray  # (H, W, 3) uint8 thumbnail
    caption: str
    photo: torch.Tensor | None = None  # (C, H, W) in [-1, 1] as tabs 1-2 show it; x0 itself when None

    def __post_init__(self):
        self.photo = self.x0 if self.photo is None else self.photo


@dataclass
class Classroom:
    zoo: Zoo
    gallery: list[GalleryItem] = field(default_factory=list)
    text_model: str | None = None  # the CLIP-conditioned model of tab 5
    text_studio: TextStudio | None = None
    interactive: InteractiveFirst = field(default_factory=InteractiveFirst)  # slider & co. before sampling
    batcher: Batcher = field(init=False)  # one batched network call per step for every user
    cache: ReplayCache = field(default_factory=lambda: ReplayCache(recording_bytes))  # runs a class repeats
    exports: Exports = field(default_factory=Exports)  # trajectory exports, pruned as new ones come
    browser: BrowserRuns = field(init=False)  # what a student's browser needs to sample on its own

    def __post_init__(self):
        self.batcher = Batcher(gate=self.interactive)
        self.browser = BrowserRuns(self.batcher)

    @classmethod
    def load(cls, models_root=None, assets: Path = ASSETS, sampling_threads: int | None = None) -> "Classroom":
        """sampling_threads: ONNX Runtime's threads for the shared sampling worker (default: torch's count)."""
        zoo = Zoo.load(models_root, threads=sampling_threads)
        text_model, studio = load_text_studio(zoo)
        return cls(zoo, load_gallery(assets), text_model, studio)


def recording_bytes(item) -> int:
    """Memory of a cached run's last item, (step, frames or pictures): the sum of its arrays."""
    return sum(getattr(x, "nbytes", 0) + getattr(getattr(x, "xt", None), "nbytes", 0)
               + getattr(getattr(x, "x0", None), "nbytes", 0) for x in item[1])


def load_gallery(assets: Path, per_dataset: int = 8) -> list[GalleryItem]:
    """Dataset test images when the data is here, the example photos in assets/photos (colour, licences in its
    README) and the example drawings in assets/examples."""
    items = []
    for name in ("fashion_mnist", "mnist"):
        if dataset_available(name, "test"):
            x, y = load_images(name, "test", limit=per_dataset)
            items += [GalleryItem(x[i], picture(x[i], GALLERY_SCALE), f"{name}: {class_names(name)[y[i]]}")
                      for i in range(len(x))]
    for path in sorted((assets / "photos").glob("*.jpg")):
        with Image.open(path) as im:
            thumbnail = im.convert("RGB")
            thumbnail.thumbnail((168, GALLERY_SCALE * IMAGE_SIZE))
            items.append(GalleryItem(pil_to_tensor(im, IMAGE_SIZE), np.asarray(thumbnail), f"photo: {path.stem}",
                                     photo_tensor(im, PHOTO_SIZE)))
    for path in sorted((assets / "examples").glob("*.png")):
        with Image.open(path) as im:
            items.append(GalleryItem(pil_to_tensor(im, IMAGE_SIZE), np.asarray(im.convert("RGB")), f"example: {path.stem}"))
    return items + emoji_gallery()


GALLERY_EMOJI = ("heart", "sunglasses", "jp", "green_apple", "cat", "rocket", "rainbow", "pizza")  # short names


def emoji_gallery(root=None, style: str = "google") -> list[GalleryItem]:
    """A few emoji (GALLERY_EMOJI) when the emoji data is here (diffusion_core/emoji.py): the 64×64 picture on white
    in colour for tabs 1-2 and the colour models, its grey 28×28 version for the grey ones; none when it is not."""
    try:
        style_dir = find_emoji_root(root) / style
        entries = {short: e for e in read_entries(style_dir) for short in e["short_names"]}
    except (DatasetNotFound, OSError, ValueError):
        return []
    items = []
    for short in GALLERY_EMOJI:
        entry = entries.get(short)
        if entry is None or not (style_dir / "img64" / entry["image"]).is_file():
            continue
        with Image.open(style_dir / "img64" / entry["image"]) as im:
            photo = compose_on_white(np.asarray(im.convert("RGBA")), 64)  # (3, 64, 64) in [-1, 1]
        grey = torch.nn.functional.interpolate(photo.mean(0, keepdim=True)[None], size=IMAGE_SIZE, mode="bilinear",
                                               antialias=True)[0]
        items.append(GalleryItem(grey, picture(photo, 2), f"emoji: {entry['name'].lower()}", photo))
    return items


TEXT_DATASETS = ("mnist+fashion_mnist", "mnist", "fashion_mnist")  # what tab 5's prompt inspector and warning know


def load_text_studio(zoo: Zoo) -> tuple[str | None, TextStudio | None]:
    """Tab 5's models: the first model folder of digits and clothes conditioned on CLIP embeddings, its CLIP and
    retrieval prior. (A CLIP-conditioned colour model, pretrained/emoji_text, samples in tabs 3-4; tab 5 needs the
    emoji's own prompt warning and inspector first.)"""
    for name, pipe in zoo.pipelines.items():
        if pipe.info.get("clip") and pipe.config.cond_dim and pipe.info.get("dataset") in TEXT_DATASETS:
            try:
                clip = load_clip_of(pipe.info)
                refs = [load_images(d, "test", limit=500)[0] for d in ("mnist", "fashion_mnist") if dataset_available(d, "test")]
                reference = torch.cat(refs) if refs else torch.zeros(1, 1, IMAGE_SIZE, IMAGE_SIZE) - 1
                return name, TextStudio(clip, pipe, reference, load_bank(pipe.info["path"]))
            except Exception as e:  # a broken CLIP must not take the other tabs down
                zoo.problems[pipe.info["clip"]] = f"CLIP could not be loaded: {e}"
    return None, None
