import json

import torch

from diffusion_core.evaluation.metrics import load_classifier
from diffusion_core.training.classifier import save_classifier, train_classifier
from tests.conftest import require_dataset


def test_classifier_learns_mnist_subset_and_round_trips(tmp_path):
    require_dataset("mnist")
    model, acc = train_classifier("mnist", epochs=1, batch_size=64, limit=3000)
    assert acc > 0.8  # measured on the first 3000 test images after ~47 steps
    save_classifier(model, tmp_path / "c", {"dataset": "mnist"}, "# card")
    again = load_classifier(tmp_path / "c")
    x = torch.rand(4, 1, 28, 28)
    assert torch.equal(again(x), model.eval()(x))


def test_the_colour_judge_learns_categories_from_one_style_and_is_checked_on_the_other(tmp_path, capsys):
    """train-classifier emoji on a fake emoji folder: a 32×32×3 classifier of the 9 categories, its folder, its
    accuracy on the twitter pictures per category, its emoji-FID floor and its card."""
    from diffusion_core.cli import main
    from diffusion_core.emoji import JUDGE_CATEGORIES
    from diffusion_core.evaluation.cards import render_card
    from diffusion_core.model_folder import read_config
    from tests.fixtures import make_fake_emoji

    root = make_fake_emoji(tmp_path / "emoji", repeat=4)
    out = tmp_path / "classifier_emoji"
    assert main(["train-classifier", "emoji", "--epochs", "3", "--batch-size", "8", "--data-root", str(root),
                 "--out", str(out)]) == 0
    config = read_config(out)
    assert config["model"] == {"architecture": "classifier", "in_channels": 3, "image_size": 32, "num_classes": 9,
                               "feature_dim": 128}
    assert config["class_names"] == list(JUDGE_CATEGORIES) and config["train_images"] == 24
    judge = load_classifier(out)
    assert judge(torch.rand(2, 3, 32, 32)).shape == (2, 9)
    report = json.loads((out / "evaluation.json").read_text())
    assert report["n"] == 24 and set(report["per_class"]) == set(JUDGE_CATEGORIES)
    assert report["per_class"]["Flags"]["n"] == 4 and report["per_class"]["Objects"] == {
        "accuracy": None, "n": 0, "confused_with": None}
    assert set(report["floor"]) == {"504", "24"} and set(report["sampling_floor"]) == {"504"}  # n > 24: all 24
    card = (out / "README.md").read_text()
    assert card == render_card(out) and card.startswith("# Colour judge for emoji")
    assert "\n| Flags | 4 |" in card and "\n| Objects |" not in card and "emoji-FID" in card
    assert "train-classifier emoji --epochs 3 --batch-size 8 --out pretrained/classifier_emoji" in card
