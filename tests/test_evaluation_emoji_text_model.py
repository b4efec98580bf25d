"""The emoji text model's evaluation (evaluation/emoji_text_model.py) on a tiny random 32×32×3 model, its random
emoji CLIP, an untrained colour judge beside it and a fake emoji folder: every figure of the card, and the card."""
import json

import pytest
import torch

from diffusion_core.evaluation.cards import render_card
from diffusion_core.evaluation.emoji_text_model import (
    GRID_ROW,
    NAMED,
    lineage_text,
    majority,
    style_pairs,
)
from diffusion_core.evaluation.folder import Options, evaluate_folder, model_kind
from diffusion_core.model_folder import read_config
from diffusion_core.models.classifier import Classifier, ClassifierConfig
from diffusion_core.near_copies import CARD_PROMPTS, load_report
from diffusion_core.training.classifier import save_classifier
from tests.fixtures import make_fake_emoji, make_tiny_rgb_model


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory):
    """A tiny emoji text model with a prior bank and a judge beside it, evaluated with 2 samples per prompt."""
    from diffusion_core.emoji import JUDGE_CATEGORIES
    from diffusion_core.text.prior import build_bank_for_model

    root = tmp_path_factory.mktemp("models")
    data = make_fake_emoji(tmp_path_factory.mktemp("data") / "emoji", repeat=4)
    make_tiny_rgb_model(root, "tiny_emoji_text")
    folder = root / "tiny_emoji_text"
    build_bank_for_model(folder, data_root=data)
    torch.manual_seed(0)
    judge = Classifier(ClassifierConfig(in_channels=3, image_size=32, num_classes=len(JUDGE_CATEGORIES)))
    save_classifier(judge, root / "classifier_emoji", {"dataset": "emoji", "test_accuracy": 0.5, "epochs": 0,
                                                       "train_minutes": 0.0, "class_names": list(JUDGE_CATEGORIES)})
    config = json.loads((folder / "config.json").read_text())
    config["training"] = {"summary": {"steps": 2, "train_seconds": 6.0}, "steps": 2, "schedule": "cosine",
                          "num_timesteps": 1000, "min_snr_gamma": 5.0, "ema_decay": 0.999, "cond_drop_prob": 0.1,
                          "batch_size": 4, "lr": 1e-3, "warmup_steps": 1, "dataset": "emoji", "conditioning": "clip",
                          "clip": config["clip"], "num_threads": 1, "sample_every": 0, "checkpoint_every": 2}
    (folder / "config.json").write_text(json.dumps(config))
    report = evaluate_folder(folder, Options(per_class=2, data_root=str(data)))
    return folder, report


def test_a_clip_conditioned_model_of_emoji_is_its_own_kind(evaluated):
    folder, _ = evaluated
    assert model_kind(read_config(folder)) == "emoji_text_model"


def test_every_prompt_gets_its_scores_names_and_agreement(evaluated):
    folder, r = evaluated
    assert list(r["prompts"]) == list(CARD_PROMPTS) and r["per_prompt"] == 2 and r["training_pictures"] == 48
    heart = r["prompts"]["a red heart"]
    assert heart["emoji"] == "heavy black heart" and heart["category"] == "Smileys & Emotion"  # in the fake data
    assert r["prompts"]["a rocket"]["category"] is None  # not in the fake data: no named category
    for row in r["prompts"].values():
        assert -1 <= row["clip_score"] <= 1 and -1 <= row["clip_score_real"] <= 1
        assert 1 <= len(row["nearest"]) <= min(2, GRID_ROW) and 1 <= len(row["retrieved"]) <= 2
        assert 0 <= row["agrees_named"] <= 1 and 0 <= row["agrees_retrieved"] <= 1
    assert r["prior"] == {"images": 48, "k": 2, "every_picture": True} and r["judge"] == "classifier_emoji"
    assert r["emoji_fid"]["n"] == 24 and r["emoji_fid"]["floor"] >= 0 and r["ms_per_image"] > 0
    copies = r["near_copies"]
    assert copies["samples"] == 24 and 0 <= copies["share"] <= 1 and copies["training_pictures"] == 48
    assert load_report(folder).share == copies["share"]  # near_copies.json written beside, for the app
    assert copies["style_pairs"]["pairs"] == 24  # every fake emoji is drawn in both styles
    assert (folder / "samples_prompts.png").is_file()


def test_the_prompt_warning_is_measured_on_both_emoji_prompt_lists(evaluated):
    _, r = evaluated
    w = r["prompt_warning"]
    assert w["domain"] == "emoji" and len(w["rows"]) == 2
    assert sum(w["sizes"]["held_out"].values()) + sum(w["sizes"]["calibration"].values()) == 88 + 63
    assert all(0 <= row["auroc"] <= 1 for row in w["rows"])


def test_the_card_renders_from_the_stored_report(evaluated):
    folder, _ = evaluated
    card = render_card(folder)
    assert card.startswith("# tiny_emoji_text: an RGB U-Net that draws emoji from a prompt (32×32×3")
    assert "| a red heart | " in card and "| all | " in card and "**emoji-FID**" in card
    assert "**Near-copies**" in card and "## Prompt warning" in card
    assert "AUROC | hit rate" in card and "`samples_prompts.png`" in card


def test_every_card_prompt_names_an_emoji():
    assert set(NAMED) == set(CARD_PROMPTS)


def test_style_pairs_of_identical_drawings_are_one_and_zero(tmp_path):
    from diffusion_core.emoji import load_emoji

    emoji = load_emoji(make_fake_emoji(tmp_path / "emoji"))
    emoji.images[6:] = emoji.images[:6]  # the twitter pictures drawn exactly as the google ones
    pairs = style_pairs(emoji, torch.nn.functional.normalize(emoji.images.flatten(1), dim=1))
    assert pairs["pairs"] == 6 and pairs["median_rmse"] == 0 and abs(pairs["median_cosine"] - 1) < 1e-6


def test_majority_breaks_ties_by_the_nearest():
    assert majority(["Flags", "Symbols"]) == "Flags" and majority(["a", "b", "b"]) == "b"


def test_a_fine_tuned_cards_training_names_what_it_started_from_and_the_minutes_in_all():
    assert lineage_text({"steps": 10, "train_seconds": 60.0}) == ""
    before = {"from": "pretrained/emoji_text", "dataset": "emoji", "steps": 30000, "train_seconds": 600.0}
    line = lineage_text({"steps": 10, "train_seconds": 60.0, "init": before})
    assert "from the weights of `pretrained/emoji_text` (30,000 steps on `emoji`, 10 minutes)" in line
    assert line.endswith("**11 minutes** in all.")
