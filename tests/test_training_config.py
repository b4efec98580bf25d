"""TrainConfig is the one source of training defaults: the `train` command line is built from its fields."""
import argparse
from dataclasses import asdict, fields

import pytest

from diffusion_core.training.config import MIN_SNR_GAMMA, TrainConfig, add_arguments, flag, from_arguments


def parse(args: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(args)


def test_no_flags_give_the_dataclass_defaults():
    assert from_arguments(parse([])) == TrainConfig()
    assert (TrainConfig().steps, TrainConfig().batch_size, TrainConfig().min_snr_gamma) == (3000, 64, 5.0)


def test_every_field_is_a_flag_with_help_and_the_documented_names_stay():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    by_flag = {a.option_strings[0]: a for a in parser._actions if a.option_strings and a.dest != "help"}
    assert set(by_flag) == {flag(f) for f in fields(TrainConfig)}
    assert all(a.help for a in by_flag.values())
    assert {"--steps", "--batch-size", "--min-snr-gamma", "--threads", "--sample-every", "--checkpoint-every",
            "--objective", "--conditioning", "--clip", "--ema-decay", "--lr", "--amp"} <= set(by_flag)
    assert by_flag["--objective"].choices == ("ddpm", "flow_matching")
    parser.format_help()  # help texts with % are escaped


def test_flags_reach_the_config():
    cfg = from_arguments(parse(["--steps", "7", "--batch-size", "3", "--threads", "2", "--no-channels-last",
                                "--objective", "flow_matching", "--limit", "5", "--lr", "2e-3"]))
    assert ((cfg.steps, cfg.batch_size, cfg.num_threads, cfg.channels_last, cfg.limit, cfg.lr)
            == (7, 3, 2, False, 5, 2e-3))
    assert cfg.min_snr_gamma == 0.0 and asdict(cfg)["objective"] == "flow_matching"


def test_min_snr_gamma_is_chosen_by_the_objective_unless_given():
    assert TrainConfig().min_snr_gamma == MIN_SNR_GAMMA["ddpm"] == 5.0
    assert TrainConfig(objective="flow_matching").min_snr_gamma == 0.0
    assert TrainConfig(min_snr_gamma=0.0).min_snr_gamma == 0.0
    assert TrainConfig(**asdict(TrainConfig())) == TrainConfig()  # a saved config reads back the same


def test_settings_are_checked():
    with pytest.raises(ValueError, match="unknown conditioning 'text'"):
        TrainConfig(conditioning="text")
    with pytest.raises(ValueError, match="unknown loss"):
        TrainConfig(loss="huber")
    with pytest.raises(ValueError, match="CLIP of conditioning 'clip'"):
        TrainConfig(conditioning="class", clip="pretrained/tiny_clip")
    assert TrainConfig(conditioning="clip").clip == "pretrained/tiny_clip"
