"""The project's small CLIP, measured on the 10,000 test images of each set and described by its card:

  zero-shot accuracy            10-way, each image to the class whose prompts (phrases averaged) are most similar
  attribute retrieval accuracy  two-way, "a {high} {class}" vs "a {low} {class}" on the bottom and top thirds

The figures also go into config.json, where the CLIP's info (clip.info, read by the app) carries them."""
from __future__ import annotations

from pathlib import Path

from ..model_folder import read_weights
from .folder import record_in_config

TEMPLATE = "clip.md"
DATASETS = ("mnist", "fashion_mnist")


def evaluate(folder: Path, options) -> dict:
    """{zero_shot_accuracy: {dataset: acc}, attribute_retrieval_accuracy: {dataset: {attribute: acc}}}."""
    from ..data import load_images
    from ..text.clip import (
        attribute_retrieval_accuracy,
        load_clip_dir,
        zero_shot_accuracy,
    )

    clip = load_clip_dir(folder)
    zero_shot, retrieval = {}, {}
    for name in DATASETS:
        x, y = load_images(name, "test", options.data_root)
        zero_shot[name] = zero_shot_accuracy(clip, name, x, y)
        retrieval[name] = attribute_retrieval_accuracy(clip, name, x, y, clip.info["caption_thresholds"][name])
    figures = {"zero_shot_accuracy": zero_shot, "attribute_retrieval_accuracy": retrieval}
    record_in_config(folder, figures)
    return figures


def architecture_fields(folder: Path, config: dict) -> dict:
    """A CLIP card's description of the network, from its open_clip config, and its training facts."""
    cfg = config["model_cfg"]
    vision, text = cfg["vision_cfg"], cfg["text_cfg"]
    return {"name": folder.name, "open_clip_model": config["open_clip_model"], "vision_layers": vision["layers"],
            "vision_width": vision["width"], "patches": vision["image_size"] // vision["patch_size"],
            "patch_size": vision["patch_size"], "image_size": vision["image_size"], "text_layers": text["layers"],
            "text_width": text["width"], "embed_dim": cfg["embed_dim"],
            "parameters": sum(v.numel() for v in read_weights(folder).values()),
            "steps": config["steps"], "batch_size": config["batch_size"], "train_minutes": config["train_minutes"]}


def card_fields(folder: Path, config: dict, r: dict) -> dict:
    """What clip.md is filled with: the architecture from the open_clip config, training facts, the figures."""
    from ..text.captions import ATTRIBUTE_WORDS

    figures = {**config, **r}
    retrieval = figures["attribute_retrieval_accuracy"]
    return {**architecture_fields(folder, config),
            "zero_shot_mnist": figures["zero_shot_accuracy"]["mnist"] * 100,
            "zero_shot_fashion_mnist": figures["zero_shot_accuracy"]["fashion_mnist"] * 100,
            "retrieval_rows": "\n".join(f"| {ds} | {attr} | {' / '.join(ATTRIBUTE_WORDS[attr])} | {acc * 100:.1f} % |"
                                        for ds in DATASETS for attr, acc in retrieval[ds].items())}
