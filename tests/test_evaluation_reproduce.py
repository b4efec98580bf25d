"""The Reproduce line of a card, read back by the `train` command line, gives the settings in config.json."""
import argparse
import shlex
from dataclasses import asdict

import pytest

from diffusion_core.cli import add_train
from diffusion_core.evaluation.reproduce import reproduce_command, train_command, train_defaults
from diffusion_core.model_folder import read_config
from diffusion_core.training.config import from_arguments
from tests.conftest import ROOT

TRAINED = ["mnist_cond", "mnist_fast", "fashion_mnist_notime", "text_cond"]


def parse_train(command: str) -> argparse.Namespace:
    sub = argparse.ArgumentParser().add_subparsers()
    add_train(sub)
    words = shlex.split(command.split(" && ")[0])
    assert words[:4] == ["python", "-m", "diffusion_core", "train"]
    return sub.choices["train"].parse_args(words[4:])


@pytest.mark.parametrize("name", TRAINED)
def test_train_command_gives_back_the_recorded_settings(name):
    config = read_config(ROOT / "pretrained" / name)
    m, t = config["model"], config["training"]
    a = parse_train(train_command(name, config))
    assert (a.dataset, a.steps, a.batch_size, a.threads, a.seed) == (t["dataset"], t["steps"], t["batch_size"],
                                                                      t["num_threads"], t["seed"])
    gamma = train_defaults()["min_snr_gamma"] if a.min_snr_gamma is None else a.min_snr_gamma  # None: by objective
    assert (a.lr, gamma, a.ema_decay, a.schedule) == (t["lr"], t["min_snr_gamma"], t["ema_decay"], t["schedule"])
    assert (a.sample_every, a.checkpoint_every) == (t["sample_every"], t["checkpoint_every"])
    assert a.out == f"pretrained/{name}"
    assert a.architecture == m["architecture"] and a.prediction_type == m["prediction_type"]
    if m["architecture"] == "unet":
        assert (a.conditioning, a.base_channels, a.channel_mults, a.attention_levels) == (
            t["conditioning"], m["base_channels"], m["channel_mults"], m["attention_levels"])


def test_text_model_command_builds_the_prior_bank_and_judges_name_their_commands():
    text = read_config(ROOT / "pretrained" / "text_cond")
    command = reproduce_command("text_model", "text_cond", text, {"prior": {"images": 10000, "k": 32}})
    assert command.endswith("--out pretrained/text_cond --sample-every 700 --checkpoint-every 200 && "
                            "python -m diffusion_core prior-bank pretrained/text_cond")
    assert reproduce_command("text_model", "t", text, {"prior": {"images": 400, "k": 32}}).endswith("--per-dataset 200")
    classifier = read_config(ROOT / "pretrained" / "classifier_mnist")
    assert reproduce_command("classifier", "classifier_mnist", classifier, {}) == (
        "python -m diffusion_core train-classifier mnist --epochs 2 --out pretrained/classifier_mnist")
    clip = read_config(ROOT / "pretrained" / "tiny_clip")
    assert reproduce_command("clip", "tiny_clip", clip, {}) == (
        "python -m diffusion_core train-clip --steps 1500 --batch-size 256 --threads 1 --out pretrained/tiny_clip")


@pytest.mark.parametrize("name", TRAINED + ["mnist_flow", "fashion_mnist_cond", "emoji_text"])
def test_train_command_gives_back_the_whole_recorded_training_config(name):
    """Every setting config.json records (all of TrainConfig) is what the card's command gives."""
    config = read_config(ROOT / "pretrained" / name)
    recorded = {k: v for k, v in config["training"].items() if k != "summary"}
    given = asdict(from_arguments(parse_train(train_command(name, config))))
    assert {k: given[k] for k in recorded} == recorded
