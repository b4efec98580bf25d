"""A domain classifier (models/classifier.py), measured on its test split and described by its card. The test
accuracy also goes into config.json, where the diffusion models' evaluation reads it.

  mnist, fashion_mnist   the 10,000 test images
  emoji                  the colour judge: trained on the google style, tested on the twitter one (the same emoji
                         drawn by other artists), per category too; with the real-vs-real floor of its emoji-FID
                         (n google pictures against the twitter ones) at the text model's sample size and at all"""
from __future__ import annotations

from pathlib import Path

import torch

from ..model_folder import read_config
from .folder import record_in_config

TEMPLATE = "classifier.md"
FLOOR_N = 504  # the emoji text model's samples (12 prompts × 42): its emoji-FID is read next to the floor at this n
# what the card says of each dataset's data (the grey sets: their 60,000 training and 10,000 test images)
DESCRIPTIONS = {
    "emoji": {"title": "Colour judge for emoji: a category classifier",
              "data": "the {train_images:,} google-style emoji pictures (Noto Color Emoji, 32×32 on white) in the 9 "
                      "categories of emoji.json with more than 5 emoji (Component, the skin-tone swatches, left out)",
              "test_set": "the {n:,} twitter-style pictures, never seen: Twemoji, the same emoji by other artists",
              "reference": "the twitter-style pictures", "fid": "emoji-FID"},
    "grey": {"title": "Domain classifier for {dataset}", "data": "the {dataset} training set (60,000 images)",
             "test_set": "the 10,000 test images", "reference": "the 10,000 test images", "fid": "domain-FID"},
}


def evaluate(folder: Path, options) -> dict:
    """{dataset, test_accuracy, n}: the fraction of test images whose argmax logit is their label; for a classifier
    whose config names its classes (the colour judge), also per_class {name: {accuracy, n, confused_with}} and the
    floors of its FID {n: real-vs-real FID}: floor (training style vs test style), sampling_floor (n test pictures
    vs all of them)."""
    from .metrics import Reference, judged_images, load_classifier, predict_labels

    config = read_config(folder)
    x, y = judged_images(config["dataset"], "test", options.data_root)
    model = load_classifier(folder)
    pred = predict_labels(model, x)
    figures = {"dataset": config["dataset"], "test_accuracy": (pred == y).float().mean().item(), "n": len(x)}
    if "class_names" in config:
        figures["per_class"] = per_class(pred, y, config["class_names"])
        ref = Reference.build(model, config["dataset"], n_floor=FLOOR_N, data_root=options.data_root)
        train_n = config.get("train_images", FLOOR_N)
        figures["floor"] = {str(FLOOR_N): ref.floor, str(train_n): ref.floor_at(config["dataset"], train_n,
                                                                                options.data_root)}
        figures["sampling_floor"] = {str(FLOOR_N): ref.sampling_floor(FLOOR_N)}
    record_in_config(folder, {"test_accuracy": figures["test_accuracy"]})
    return figures


def per_class(pred: torch.Tensor, y: torch.Tensor, names: list[str]) -> dict:
    """{name: {accuracy, n, confused_with}}: the share of a class's test pictures labelled it, and the class its
    wrong labels most often name (None when there are none)."""
    out = {}
    for c, name in enumerate(names):
        mine = pred[y == c]
        wrong = mine[mine != c]
        out[name] = {"accuracy": (mine == c).float().mean().item() if len(mine) else None, "n": len(mine),
                     "confused_with": names[int(wrong.mode().values)] if len(wrong) else None}
    return out


def per_class_section(r: dict, description: dict) -> str:
    """The card's table of accuracy per class and the FID floor ("" for a classifier measured without them)."""
    if "per_class" not in r:
        return ""
    rows = "\n".join(f"| {name} | {v['n']:,} | {v['accuracy'] * 100:.1f} % | {v['confused_with'] or '–'} |"
                     for name, v in r["per_class"].items() if v["n"])
    floors = " and ".join(f"**{fid:.2f}** with {int(n):,}" for n, fid in r["floor"].items())
    sampling = " and ".join(f"**{fid:.2f}** with {int(n):,}" for n, fid in r.get("sampling_floor", {}).items())
    same = f"; n of {description['reference']} against all of them (sampling alone): {sampling}" if sampling else ""
    return (f"\nAccuracy per class on {description['reference']}, and the class its mistakes most often name:\n\n"
            f"| class | pictures | accuracy | mistaken most often for |\n|---|---|---|---|\n{rows}\n\n"
            f"Real-vs-real floors of the {description['fid']}: n training-style pictures against "
            f"{description['reference']}: {floors}{same}. Read a generator's {description['fid']} next to the "
            f"floors at its own n.\n")


def card_fields(folder: Path, config: dict, r: dict) -> dict:
    """What classifier.md is filled with: the architecture from config.json, its data, training and accuracy."""
    from ..models import count_parameters
    from ..models.classifier import Classifier, ClassifierConfig

    m, figures = ClassifierConfig(**config["model"]), {**config, **r}
    values = {"dataset": config["dataset"], "train_images": config.get("train_images", 0), "n": r.get("n", 0)}
    description = {k: v.format(**values) for k, v in DESCRIPTIONS.get(config["dataset"], DESCRIPTIONS["grey"]).items()}
    return {**description, "dataset": config["dataset"], "feature_dim": m.feature_dim, "num_classes": m.num_classes,
            "parameters": count_parameters(Classifier(m)), "epochs": config["epochs"],
            "batch_size": config.get("batch_size", 128),
            "flips": ", mirrored left-right half the time" if config.get("flip") else "",
            "train_minutes": config["train_minutes"],
            "accuracy_percent": figures["test_accuracy"] * 100, "per_class": per_class_section(r, description)}
