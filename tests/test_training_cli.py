"""`train-classifier` and `train-clip`: train, save the folder, then evaluate it and write its card."""
import json

from diffusion_core.cli import main
from diffusion_core.evaluation.cards import render_card
from diffusion_core.model_folder import read_config
from diffusion_core.text.clip import load_clip_dir
from diffusion_core.training import cli as training_cli
from tests.conftest import require_dataset


def test_train_classifier_saves_evaluates_and_writes_its_card(tmp_path):
    require_dataset("mnist")
    out = tmp_path / "classifier_mnist"
    assert main(["train-classifier", "mnist", "--epochs", "1", "--limit", "512", "--threads", "2", "--out", str(out)]) == 0
    config, evaluation = read_config(out), json.loads((out / "evaluation.json").read_text())
    assert evaluation["n"] == 10000 and config["test_accuracy"] == evaluation["test_accuracy"] and config["epochs"] == 1
    card = (out / "README.md").read_text()
    assert "- Reproduce: `python -m diffusion_core train-classifier mnist --epochs 1 --out pretrained/classifier_mnist`" in card
    assert card == render_card(out)


def test_train_clip_saves_its_folder_then_evaluates_it(tmp_path, monkeypatch):
    require_dataset("mnist")
    require_dataset("fashion_mnist")
    evaluated = []
    monkeypatch.setattr(training_cli, "evaluate_and_write_card", lambda folder, data_root=None: evaluated.append(folder))
    out = tmp_path / "tiny_clip"
    assert main(["train-clip", "--steps", "2", "--batch-size", "8", "--limit", "40", "--threads", "2", "--out", str(out)]) == 0
    assert evaluated == [str(out)]
    clip = load_clip_dir(out)
    assert clip.info["steps"] == 2 and clip.info["batch_size"] == 8 and set(clip.info["caption_thresholds"]) == {
        "mnist", "fashion_mnist"}
