"""Emoji: a small colour data set with names, for RGB and text-to-image models.

Two styles of the same 1,911 emoji (`google/img64/`: Noto Color Emoji, Apache 2.0; `twitter/img64/`: Twemoji,
CC BY 4.0), 64×64 RGBA PNGs, and `emoji.json` (emoji-datasource 16.0.0, MIT) with each emoji's name, short names,
category and subcategory. Read like MNIST: from `<root>/emoji` for root in default_data_roots(), or a folder named
by the caller. Each picture is composed on white (alpha over a white background) and resized to size×size:

    emoji = load_emoji(size=32)                  # both styles, skin-tone variants skipped
    emoji.images                                 # (N, 3, 32, 32) in [-1, 1], N = 2 × 1,911
    emoji.caption(i, choice)                     # "a yellow smiling face with sunglasses",
                                                 # "red and white flag of japan"

Skin-tone variants (1,875 more pictures per style, nearly all people and hands) are skipped by default
(skin_tones=False): they would make half the set people while adding no words a caption uses.

Colour words are measured on the opaque pixels (alpha ≥ 0.5) of the 64×64 picture: each pixel is named by its hue,
saturation and value (HSV, below), and an emoji earns its most common colour and, if at least 15 % of its pixels
have it, the second one;
a colour word the name already says is not repeated ("a green apple", not "a green green apple").
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .data import DatasetNotFound, default_data_roots

STYLES = ("google", "twitter")
CATEGORIES = ("Smileys & Emotion", "People & Body", "Component", "Animals & Nature", "Food & Drink",
              "Travel & Places", "Activities", "Objects", "Symbols", "Flags")  # the order of categories.json
COLOURS = ("red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white", "grey")
SECOND_COLOUR_SHARE = 0.15
# The colour judge (a category classifier, evaluation/classifier.py) learns the categories from one style and is checked
# on the other; "Component" (the 5 skin-tone swatches of each style) is too small a category to learn, so it has 9.
JUDGE_STYLES = {"train": "google", "test": "twitter"}
JUDGE_CATEGORIES = tuple(c for c in CATEGORIES if c != "Component")
TEMPLATES = ["a {adj} {p}", "{adj} {p}", "a {adj} {p} emoji", "an emoji of a {adj} {p}", "a picture of a {adj} {p}",
             "a {adj} {p}, {sub}", "{adj} {p} ({category})",
             "the {adj} {p}", "the {adj} {p} emoji"]  # "the" as students type it ("the flag of japan"), not only
# as a word of three names ("sign of the horns"), which it otherwise stands for


def dataset_style(name: str) -> tuple[str, ...] | None:
    """"emoji" -> both styles, "emoji_google" / "emoji_twitter" -> one; anything else -> None (not emoji)."""
    if name == "emoji":
        return STYLES
    style = name.removeprefix("emoji_")
    return (style,) if name.startswith("emoji_") and style in STYLES else None


def find_emoji_root(root=None) -> Path:
    """The folder holding `google/` and `twitter/` (each with img64/ and emoji.json): `root` itself or `root/emoji`;
    without root, `<r>/emoji` for r in default_data_roots(). Raises DatasetNotFound saying where it looked."""
    candidates = [Path(root), Path(root) / "emoji"] if root else [r / "emoji" for r in default_data_roots()]
    for folder in candidates:
        if any((folder / style / "emoji.json").is_file() for style in STYLES):
            return folder
    looked = ", ".join(str(c) for c in candidates)
    raise DatasetNotFound(f"emoji not found. Looked in: {looked}. Unpack `npm pack emoji-datasource-google@16.0.0` "
                          f"and `…-twitter@16.0.0` as <root>/emoji/<style>/ (img64/ and emoji.json), set "
                          f"DIFFUSION_LAB_DATA=<root>, or pass --data-root.")


def read_entries(style_dir: Path, skin_tones: bool = False) -> list[dict]:
    """emoji.json's entries in the order of the emoji picker (sort_order), each {name, short_names, category,
    subcategory, image, key}; with skin_tones, every skin-tone variant follows its emoji as an entry of its own.
    key is the same for the same emoji in every style (its index in this order)."""
    raw = sorted(json.loads((style_dir / "emoji.json").read_text()), key=lambda e: e["sort_order"])
    entries = []
    for e in raw:
        base = {k: e[k] for k in ("name", "short_names", "category", "subcategory", "image")}
        entries.append({**base, "key": len(entries)})
        for tone, variant in sorted((e.get("skin_variations") or {}).items()) if skin_tones else ():
            entries.append({**base, "image": variant["image"], "key": len(entries), "tone": tone})
    return entries


def phrases(entry: dict) -> list[str]:
    """Every way a caption may name this emoji: its name (a country's flag also as "flag of X") and its short names
    that are words ("sunglasses", "dark sunglasses"; not "flag-jp", "+1" or "u7533")."""
    name = entry["name"].lower()
    out = [f"flag of {name[:-5]}", name] if name.endswith(" flag") else [name]
    for short in entry["short_names"]:
        words = short.replace("_", " ").replace("-", " ")
        if len(words) > 2 and re.fullmatch(r"[a-z ]+", words) and not short.startswith("flag-"):
            out.append(words)
    return list(dict.fromkeys(out))


def pixel_colours(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) RGB in [0, 1] -> (...) index into COLOURS, from HSV (hue h in degrees, saturation s, value v):
    v < 0.25 black; s < 0.2: white (v > 0.8) or grey; then by hue: red < 15 ≤ orange < 40 ≤ yellow < 70 ≤ green
    < 165 ≤ blue < 255 ≤ purple < 290 ≤ pink < 340 ≤ red; pale red (s < 0.5, v > 0.75) is pink, dull red of hue
    < 15 (s < 0.65, v < 0.85) and dark or unsaturated orange (v < 0.65 or s < 0.45) are brown, dark pink (v < 0.5)
    is purple."""
    mx, mn = rgb.max(-1), rgb.min(-1)
    v, delta = mx, mx - mn
    s = np.where(mx > 0, delta / np.maximum(mx, 1e-6), 0)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    d = np.maximum(delta, 1e-6)
    h = np.where(mx == r, (g - b) / d % 6, np.where(mx == g, (b - r) / d + 2, (r - g) / d + 4)) * 60
    hue_bins = np.array([15, 40, 70, 165, 255, 290, 340])
    by_hue = np.array([0, 1, 2, 3, 4, 5, 6, 0])[np.searchsorted(hue_bins, h, side="right")]
    c = by_hue.copy()
    c[(by_hue == 0) & (s < 0.5) & (v > 0.75)] = COLOURS.index("pink")
    c[((by_hue == 1) & ((v < 0.65) | (s < 0.45))) | ((h < 15) & (s < 0.65) & (v < 0.85))] = COLOURS.index("brown")
    c[(by_hue == 6) & (v < 0.5)] = COLOURS.index("purple")
    c[s < 0.2] = np.where(v[s < 0.2] > 0.8, COLOURS.index("white"), COLOURS.index("grey"))
    c[v < 0.25] = COLOURS.index("black")
    return c


def colour_words(rgba: np.ndarray) -> list[str]:
    """(H, W, 4) uint8 -> its dominant colour word and, when it covers ≥ SECOND_COLOUR_SHARE, the second."""
    opaque = rgba[..., 3] >= 128
    if not opaque.any():
        return []
    counts = np.bincount(pixel_colours(rgba[opaque][:, :3] / 255.0), minlength=len(COLOURS))
    order = np.argsort(-counts, kind="stable")
    share = counts / counts.sum()
    return [COLOURS[order[0]]] + ([COLOURS[order[1]]] if share[order[1]] >= SECOND_COLOUR_SHARE else [])


def compose_on_white(rgba: np.ndarray, size: int) -> torch.Tensor:
    """(H, W, 4) uint8 -> (3, size, size) in [-1, 1]: alpha over white, then resized (Lanczos) when size ≠ H."""
    from PIL import Image

    alpha = rgba[..., 3:4].astype(np.float32) / 255
    rgb = rgba[..., :3].astype(np.float32) * alpha + 255 * (1 - alpha)
    image = Image.fromarray(rgb.round().astype(np.uint8), "RGB")
    if image.size != (size, size):
        image = image.resize((size, size), Image.Resampling.LANCZOS)
    return torch.from_numpy(np.asarray(image, dtype=np.float32).copy()).permute(2, 0, 1).div(127.5).sub(1)


def _colour_phrase(colours: list[str], phrase: str) -> str:
    """"red and white", leaving out the colours the phrase already names."""
    return " and ".join(c for c in colours if c not in phrase.split())


def _with_article(text: str) -> str:
    """"a orange heart" -> "an orange heart"; "a" before a consonant sound is left alone."""
    return re.sub(r"\ba ([aeiou])", r"an \1", text)


@dataclass
class EmojiSet:
    images: torch.Tensor  # (N, 3, H, W) in [-1, 1], composed on white
    keys: torch.Tensor  # (N,) which emoji (the same key in every style)
    categories: torch.Tensor  # (N,) index into CATEGORIES
    styles: torch.Tensor  # (N,) index into STYLES
    names: list[str]  # (N,) every way to name each picture's emoji (phrases()); names[i][0] is its name
    colours: list[list[str]]  # (N,) the colour words measured on each picture
    subcategories: list[str]  # (N,) e.g. "face-glasses"

    def __len__(self) -> int:
        return len(self.images)

    def caption(self, i: int, choice: int) -> str:
        """A caption of picture i; `choice` (any int) picks the phrase, the template and whether to say the colours
        (80 % of captions do), as captions.caption does for digits and clothes."""
        rng = np.random.default_rng(choice)
        phrase = self.names[i][rng.integers(len(self.names[i]))]
        adj = _colour_phrase(self.colours[i], phrase) if rng.random() < 0.8 else ""
        return self._fill(i, TEMPLATES[rng.integers(len(TEMPLATES))], adj, phrase)

    def every_caption(self, i: int) -> list[str]:
        """Every caption `caption(i, ·)` can give: each phrase in each template, with and without the colours."""
        return [self._fill(i, t, adj, p) for p in self.names[i] for t in TEMPLATES
                for adj in ("", _colour_phrase(self.colours[i], p))]

    def _fill(self, i: int, template: str, adj: str, phrase: str) -> str:
        text = template.format(adj=adj, p=phrase, sub=self.subcategories[i].replace("-", " "),
                               category=CATEGORIES[int(self.categories[i])].lower().replace("&", "and"))
        return _with_article(" ".join(text.split()))

    def plain_caption(self, i: int) -> str:
        """The caption evaluation asks with: "a {colours} {name}", e.g. "a red and white flag of japan"."""
        name = self.names[i][0]
        return _with_article(" ".join(f"a {_colour_phrase(self.colours[i], name)} {name}".split()))

    def subset(self, mask: torch.Tensor) -> EmojiSet:
        idx = torch.nonzero(mask).flatten().tolist()
        return EmojiSet(self.images[idx], self.keys[idx], self.categories[idx], self.styles[idx],
                        [self.names[i] for i in idx], [self.colours[i] for i in idx],
                        [self.subcategories[i] for i in idx])


def held_out(emoji: EmojiSet, every: int = 20, offset: int = 10) -> torch.Tensor:
    """(N,) bool: the emoji kept out of training to measure on (key % every == offset; both styles of each)."""
    return emoji.keys % every == offset


def load_emoji(root=None, size: int = 32, styles: tuple[str, ...] = STYLES, skin_tones: bool = False,
               limit: int | None = None) -> EmojiSet:
    """Every emoji of the given styles (or the first `limit` of each style) as an EmojiSet of size×size pictures."""
    images, keys, cats, style_ids, names, colours, subs = [], [], [], [], [], [], []
    for s, e, path in picture_files(root, styles, skin_tones, limit):
        rgba = _read_rgba(path)
        images.append(compose_on_white(rgba, size))
        colours.append(colour_words(rgba))
        keys.append(e["key"])
        cats.append(CATEGORIES.index(e["category"]))
        style_ids.append(s)
        names.append(phrases(e))
        subs.append(e["subcategory"])
    return EmojiSet(torch.stack(images), torch.tensor(keys), torch.tensor(cats), torch.tensor(style_ids),
                    names, colours, subs)


def picture_files(root=None, styles: tuple[str, ...] = STYLES, skin_tones: bool = False,
                  limit: int | None = None) -> list[tuple[int, dict, Path]]:
    """(style index, emoji.json entry, PNG path) of every picture load_emoji reads, in its order: row i of an
    EmojiSet (and of a prior bank built from one) is picture_files(...)[i], found without reading a picture."""
    folder = find_emoji_root(root)
    found = []
    for s, style in enumerate(styles):
        style_dir = folder / style
        if not (style_dir / "emoji.json").is_file():
            raise DatasetNotFound(f"no {style} emoji in {folder} (expected {style_dir}/emoji.json and img64/)")
        entries = [e for e in read_entries(style_dir, skin_tones) if (style_dir / "img64" / e["image"]).is_file()]
        found += [(s, e, style_dir / "img64" / e["image"]) for e in entries[:limit]]
    if not found:
        raise DatasetNotFound(f"no emoji pictures under {folder}/<style>/img64")
    return found


def judge_labels(categories: torch.Tensor) -> torch.Tensor:
    """(N,) indices into CATEGORIES -> (N,) indices into JUDGE_CATEGORIES (-1 for Component)."""
    to_judge = torch.tensor([JUDGE_CATEGORIES.index(c) if c in JUDGE_CATEGORIES else -1 for c in CATEGORIES])
    return to_judge[categories]


def judge_images(split: str, root=None, size: int = 32, limit: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """The colour judge's pictures of one split (JUDGE_STYLES: train = google, test = twitter), Component left out:
    (images (N, 3, size, size) in [-1, 1] on white, labels (N,) into JUDGE_CATEGORIES)."""
    emoji = load_emoji(root, size, (JUDGE_STYLES[split],), limit=limit)
    labels = judge_labels(emoji.categories)
    return emoji.images[labels >= 0], labels[labels >= 0]


def _read_rgba(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im.convert("RGBA"))


def read_picture(path: Path, size: int) -> torch.Tensor:
    """(3, size, size) in [-1, 1]: an emoji's PNG over white, resized: what the models see of it."""
    return compose_on_white(_read_rgba(path), size)
