"""`train` is built from TrainConfig and the U-Net's defaults; `train-classifier` and `train-clip` train, save the
folder, then evaluate it and write its card."""
import argparse
import json

from diffusion_core.cli import main
from diffusion_core.evaluation.cards import render_card
from diffusion_core.model_folder import read_config
from diffusion_core.models import NoTimeDenoiserConfig, UNetConfig
from diffusion_core.text.clip import load_clip_dir
from diffusion_core.training import cli as training_cli
from diffusion_core.training.config import TrainConfig, from_arguments
from tests.conftest import require_dataset


def parse_train(args: list[str]) -> argparse.Namespace:
    sub = argparse.ArgumentParser().add_subparsers()
    training_cli.add_train(sub)
    return sub.choices["train"].parse_args(args)


def test_train_without_flags_is_the_dataclasses_defaults():
    a = parse_train([])
    cfg = from_arguments(a)
    assert cfg == TrainConfig() and a.handler is training_cli.cmd_train and (a.run_dir, a.out) == ("runs/train", None)
    assert training_cli.model_config(a, cfg) == UNetConfig()
    flow = parse_train(["--objective", "flow_matching"])
    assert from_arguments(flow).min_snr_gamma == 0.0 and from_arguments(a).min_snr_gamma == 5.0


def test_train_flags_build_the_model_config():
    a = parse_train(["--dataset", "mnist+fashion_mnist", "--conditioning", "class", "--base-channels", "16",
                     "--channel-mults", "1", "2", "--attention-levels"])
    assert training_cli.model_config(a, from_arguments(a)) == UNetConfig(base_channels=16, channel_mults=(1, 2),
                                                                       attention_levels=(), num_classes=20)
    a = parse_train(["--architecture", "no_time_denoiser", "--image-size", "32"])
    assert training_cli.model_config(a, from_arguments(a)) == NoTimeDenoiserConfig(image_size=32)


def test_a_clip_without_clip_conditioning_is_a_message(capsys):
    assert main(["train", "--conditioning", "class", "--clip", "pretrained/tiny_clip"]) == 2
    assert "CLIP of conditioning 'clip'" in capsys.readouterr().err


def test_train_classifier_saves_evaluates_and_writes_its_card(tmp_path):
    require_dataset("mnist")
    out = tmp_path / "classifier_mnist"
    assert main(["train-classifier", "mnist", "--epochs", "1", "--limit", "512", "--threads", "2",
                 "--out", str(out)]) == 0
    config, evaluation = read_config(out), json.loads((out / "evaluation.json").read_text())
    assert evaluation["n"] == 10000 and config["test_accuracy"] == evaluation["test_accuracy"] and config["epochs"] == 1
    card = (out / "README.md").read_text()
    assert ("- Reproduce: `python -m diffusion_core train-classifier mnist --epochs 1 "
            "--out pretrained/classifier_mnist`" in card)
    assert card == render_card(out)


def test_train_clip_saves_its_folder_then_evaluates_it(tmp_path, monkeypatch):
    require_dataset("mnist")
    require_dataset("fashion_mnist")
    evaluated = []
    monkeypatch.setattr(training_cli, "evaluate_and_write_card",
                        lambda folder, data_root=None: evaluated.append(folder))
    out = tmp_path / "tiny_clip"
    assert main(["train-clip", "--steps", "2", "--batch-size", "8", "--limit", "40", "--threads", "2",
                 "--out", str(out)]) == 0
    assert evaluated == [str(out)]
    clip = load_clip_dir(out)
    assert clip.info["steps"] == 2 and clip.info["batch_size"] == 8 and set(clip.info["caption_thresholds"]) == {
        "mnist", "fashion_mnist"}
