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

from diffusion_core.data import (
    DatasetNotFound,
    class_names,
    dataset_available,
    load_images,
)
from diffusion_core.emoji import find_emoji_root, read_entries, read_picture
from diffusion_core.images import photo_tensor, picture, pil_to_tensor
from diffusion_core.text.clip import load_clip_of
from diffusion_core.text.prior import load_bank
from diffusion_core.text.prompt_domain import DIGITS_AND_CLOTHES, load_domain
from diffusion_core.uploads import open_image
from lab.browser_sampler import BrowserRuns
from lab.checks import InputError
from lab.exports import Exports
from lab.i18n import text
from lab.lessons.memorising import Memorising
from lab.lessons.text import TextStudio
from lab.server.batcher import Batcher
from lab.server.interactive_first import InteractiveFirst
from lab.server.replay_cache import ReplayCache
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
    text_studios: dict[str, TextStudio] = field(default_factory=dict)  # tab 5's models, digits and clothes first
    interactive: InteractiveFirst = field(default_factory=InteractiveFirst)  # slider & co. before sampling
    batcher: Batcher = field(init=False)  # one batched network call per step for every user
    cache: ReplayCache = field(default_factory=lambda: ReplayCache(recording_bytes))  # runs a class repeats
    exports: Exports = field(default_factory=Exports)  # trajectory exports, pruned as new ones come
    browser: BrowserRuns = field(init=False)  # what a student's browser needs to sample on its own

    def __post_init__(self):
        self.batcher = Batcher(gate=self.interactive)
        self.browser = BrowserRuns(self.batcher)

    @property
    def text_model(self) -> str | None:
        """Tab 5's first model (what the page opens with)."""
        return next(iter(self.text_studios), None)

    @property
    def text_studio(self) -> TextStudio | None:
        return self.text_studios.get(self.text_model)

    def chosen_picture(self, image: str | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(x0 of tabs 1-2: the picture as it is, in colour up to PHOTO_SIZE; x0 of the models: IMAGE_SIZE grey),
        from a gallery item's number ("3"), an image file's path, or None: the gallery's first picture."""
        if image is None or str(image).isdigit():
            index = int(image or 0)
            if index >= len(self.gallery):
                raise InputError(text("checks.gallery_index", n=len(self.gallery), last=len(self.gallery) - 1)
                                 if self.gallery else text("checks.gallery_empty"))
            return self.gallery[index].photo, self.gallery[index].x0
        picture = open_image(image)
        return photo_tensor(picture, PHOTO_SIZE), pil_to_tensor(picture, IMAGE_SIZE)

    @classmethod
    def load(cls, models_root=None, assets: Path = ASSETS, sampling_threads: int | None = None) -> Classroom:
        """sampling_threads: ONNX Runtime's threads for the shared sampling worker (default: torch's count)."""
        zoo = Zoo.load(models_root, threads=sampling_threads)
        return cls(zoo, load_gallery(assets), load_text_studios(zoo))


# Thread budget of a 2-vCPU Space, set explicitly (two busy thread pools on 2 cores run several times slower):
# the shared sampling worker's ONNX Runtime pool gets both cores and sleeps when idle; the interactive lane (torch:
# the t slider, schedules, one-step denoise) gets one thread.
SAMPLING_THREADS, INTERACTIVE_THREADS = 2, 1


def load_classroom(models_root=None) -> Classroom:
    """The classroom with the app's thread budget (the app, `diffusion-lab` and `python -m lab.handout`)."""
    torch.set_num_threads(INTERACTIVE_THREADS)
    return Classroom.load(models_root, sampling_threads=SAMPLING_THREADS)


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
            items.append(GalleryItem(pil_to_tensor(im, IMAGE_SIZE), np.asarray(im.convert("RGB")),
                                     f"example: {path.stem}"))
    return items + emoji_gallery()


GALLERY_EMOJI = ("heart", "sunglasses", "jp", "green_apple", "cat", "rocket", "rainbow", "pizza")  # short names


def emoji_gallery(root=None, style: str = "google") -> list[GalleryItem]:
    """A few emoji (GALLERY_EMOJI) when the emoji data is here (diffusion_core/emoji.py): the 64×64 picture on white
    in colour for tabs 1-2 and the colour models, its grey 28×28 version for the grey ones; none when it is not."""
    style_dir, entries = emoji_entries(style, root)
    entries = {short: e for e in entries for short in e["short_names"]}
    items = []
    for short in GALLERY_EMOJI:
        entry = entries.get(short)
        photo = emoji_picture(style_dir / "img64" / entry["image"], 64) if entry else None  # (3, 64, 64)
        if photo is None:
            continue
        grey = torch.nn.functional.interpolate(photo.mean(0, keepdim=True)[None], size=IMAGE_SIZE, mode="bilinear",
                                               antialias=True)[0]
        items.append(GalleryItem(grey, picture(photo, 2), f"emoji: {entry['name'].lower()}", photo))
    return items


TEXT_DATASETS = ("mnist+fashion_mnist", "mnist", "fashion_mnist")  # the digits-and-clothes text models


def load_text_studios(zoo: Zoo) -> dict[str, TextStudio]:
    """Tab 5's models: every model folder conditioned on CLIP embeddings, with its CLIP, retrieval prior, prompt
    domain (digits and clothes, or the prompt_domain.json it ships) and reference pictures; digits and clothes
    first. A model whose CLIP or domain cannot be loaded is listed in zoo.problems; the other tabs go on."""
    studios = {}
    for name, pipe in sorted(zoo.pipelines.items(), key=lambda item: item[1].info.get("dataset") not in TEXT_DATASETS):
        if not (pipe.info.get("clip") and pipe.config.cond_dim):
            continue
        try:
            digits = pipe.info.get("dataset") in TEXT_DATASETS
            domain = DIGITS_AND_CLOTHES if digits else load_domain(pipe.info["path"])
            reference = digit_references() if digits else emoji_references(pipe.config.image_size)
            clip, bank = load_clip_of(pipe.info), load_bank(pipe.info["path"])
            studios[name] = TextStudio(clip, pipe, reference, bank, domain, Memorising.of_model(pipe, clip, bank))
        except Exception as e:  # noqa: BLE001 - a broken CLIP or domain must not take the other tabs down
            zoo.problems[name] = f"its text side could not be loaded ({type(e).__name__}); tab 5 leaves it out"
    return studios


def digit_references() -> torch.Tensor:
    refs = [load_images(d, "test", limit=500)[0] for d in ("mnist", "fashion_mnist") if dataset_available(d, "test")]
    return torch.cat(refs) if refs else torch.zeros(0, 1, IMAGE_SIZE, IMAGE_SIZE)


def emoji_references(size: int, every: int = 10, style: str = "google") -> torch.Tensor:
    """Every `every`-th emoji of one style on white at the model's size, (N, 3, size, size): the pictures the
    prompt inspector shows nearest to a prompt; none when the emoji data is not here."""
    style_dir, entries = emoji_entries(style)
    found = [p for e in entries[::every] if (p := emoji_picture(style_dir / "img64" / e["image"], size)) is not None]
    return torch.stack(found) if found else torch.zeros(0, 3, size, size)


def emoji_entries(style: str, root=None) -> tuple[Path | None, list[dict]]:
    """(the style's folder, its emoji.json entries) when the emoji data is here, else (None, [])."""
    try:
        style_dir = find_emoji_root(root) / style
        return style_dir, read_entries(style_dir)
    except (DatasetNotFound, OSError, ValueError):
        return None, []


def emoji_picture(path: Path, size: int) -> torch.Tensor | None:
    """(3, size, size) in [-1, 1]: an emoji's 64×64 RGBA picture over white; None when the file is missing."""
    return read_picture(path, size) if path.is_file() else None
