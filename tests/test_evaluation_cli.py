"""`python -m diffusion_core evaluate` on model folders where they are, and `models-table`."""
import json
import shutil

import torch

from diffusion_core.cli import main
from diffusion_core.models.classifier import Classifier, ClassifierConfig
from diffusion_core.training.classifier import save_classifier
from tests.conftest import ROOT, require_dataset

PRETRAINED = ROOT / "pretrained"
FOLDERS = sorted(p for p in PRETRAINED.glob("*/") if (p / "config.json").exists())


def test_card_only_rewrites_copied_shipped_cards_identically(tmp_path, capsys):
    copies = []
    for folder in FOLDERS:  # the exports, grids, prior bank and near-copy report are not needed for a card
        shutil.copytree(folder, tmp_path / folder.name,
                        ignore=shutil.ignore_patterns("*.onnx", "*.png", "prior_bank.*", "near_copies.json"))
        (tmp_path / folder.name / "README.md").unlink()
        copies.append(str(tmp_path / folder.name))
    assert main(["evaluate", *copies, "--card-only"]) == 0
    for folder in FOLDERS:
        assert (tmp_path / folder.name / "README.md").read_text() == (folder / "README.md").read_text(), folder.name
        assert (tmp_path / folder.name / "config.json").read_text() == (folder / "config.json").read_text()
    assert capsys.readouterr().out.count("wrote") == len(FOLDERS)


def test_evaluate_measures_a_tiny_model_in_place(tmp_path):
    """A 2-step U-Net judged by an untrained classifier beside it: evaluation.json, samples.png and a card."""
    require_dataset("mnist")
    models = tmp_path / "models"
    assert main(["train", "--dataset", "mnist", "--conditioning", "class", "--base-channels", "8", "--channel-mults",
                 "1", "2", "--attention-levels", "--steps", "2", "--batch-size", "8", "--limit", "64", "--sample-every",
                 "0", "--checkpoint-every", "2", "--run-dir", str(tmp_path / "run"),
                 "--out", str(models / "tiny")]) == 0
    torch.manual_seed(0)
    save_classifier(Classifier(ClassifierConfig()), models / "classifier_mnist",
                    {"dataset": "mnist", "test_accuracy": 0.1, "epochs": 0, "train_minutes": 0.0})
    assert main(["evaluate", str(models / "tiny"), "--quick", "-n", "20", "--per-class", "1", "--write-card"]) == 0
    report = json.loads((models / "tiny" / "evaluation.json").read_text())
    assert [(q["sampler"], q["steps"], q["n"]) for q in report["quality_vs_steps_guidance_1"]] == [("ddim", 5, 20)]
    assert report["n_big"] == 50 and set(report["agreement"]) == {"1.0", "2.0", "3.0"} and report["floor_at_n"] > 0
    assert (models / "tiny" / "samples.png").is_file()
    card = (models / "tiny" / "README.md").read_text()
    assert card.startswith("# tiny: class-conditional DDPM on mnist") and "| ddim | 5 |" in card
    assert "--base-channels 8 --channel-mults 1 2 --attention-levels --limit 64 --steps 2" in card


def test_models_table_prints_every_folder(capsys):
    assert main(["models-table", str(PRETRAINED)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| model | what | train min | measured quality |")
    assert all(f"[`{folder.name}`](" in out for folder in FOLDERS)
