"""A classifier's evaluation (evaluation/classifier.py): accuracy per class, and the card's section of it."""
import torch

from diffusion_core.evaluation.classifier import (
    DESCRIPTIONS,
    per_class,
    per_class_section,
)


def test_per_class_accuracy_and_the_class_mistaken_for_most_often():
    y = torch.tensor([0, 0, 0, 0, 1, 1])
    pred = torch.tensor([0, 0, 1, 2, 1, 1])
    out = per_class(pred, y, ["a", "b", "c"])
    assert out["a"] == {"accuracy": 0.5, "n": 4, "confused_with": "b"}  # a tie goes to the smaller label
    assert out["b"] == {"accuracy": 1.0, "n": 2, "confused_with": None}
    assert out["c"] == {"accuracy": None, "n": 0, "confused_with": None}


def test_the_section_lists_the_classes_with_pictures_and_the_floors():
    report = {"per_class": {"Flags": {"accuracy": 0.9, "n": 270, "confused_with": "Objects"},
                            "Objects": {"accuracy": None, "n": 0, "confused_with": None}},
              "floor": {"504": 75.9, "1906": 74.0}}
    section = per_class_section(report, DESCRIPTIONS["emoji"])
    assert "\n| Flags | 270 | 90.0 % | Objects |\n" in section and "\n| Objects |" not in section
    assert "**75.90** with 504 and **74.00** with 1,906." in section
    assert per_class_section({"test_accuracy": 0.99}, DESCRIPTIONS["grey"]) == ""  # the grey cards have none
