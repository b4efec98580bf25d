"""A domain classifier (models/classifier.py), measured on its dataset's 10,000 test images and described by its
card. The test accuracy also goes into config.json, where the diffusion models' evaluation reads it."""
from __future__ import annotations

from pathlib import Path

from ..model_folder import read_config
from .folder import record_in_config

TEMPLATE = "classifier.md"


def evaluate(folder: Path, options) -> dict:
    """{dataset, test_accuracy, n}: the fraction of test images whose argmax logit is their label."""
    from ..data import load_images
    from .metrics import accuracy, load_classifier

    config = read_config(folder)
    x, y = load_images(config["dataset"], "test", options.data_root)
    figures = {"dataset": config["dataset"], "test_accuracy": accuracy(load_classifier(folder), x, y), "n": len(x)}
    record_in_config(folder, {"test_accuracy": figures["test_accuracy"]})
    return figures


def card_fields(folder: Path, config: dict, r: dict) -> dict:
    """What classifier.md is filled with: the architecture from config.json, its training and its accuracy."""
    from ..models import count_parameters
    from ..models.classifier import Classifier, ClassifierConfig

    m = ClassifierConfig(**config["model"])
    return {"dataset": config["dataset"], "feature_dim": m.feature_dim, "num_classes": m.num_classes,
            "parameters": count_parameters(Classifier(m)), "epochs": config["epochs"],
            "train_minutes": config["train_minutes"], "accuracy_percent": {**config, **r}["test_accuracy"] * 100}
