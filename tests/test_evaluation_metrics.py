import numpy as np
import pytest
import torch

from diffusion_core.emoji import CATEGORIES, JUDGE_CATEGORIES, judge_labels
from diffusion_core.evaluation.metrics import (
    Reference,
    class_agreement,
    frechet_distance,
    judged_class_names,
    judged_images,
    timed_generate,
)
from diffusion_core.models.classifier import Classifier, ClassifierConfig
from diffusion_core.pipeline import load_pipeline
from tests.conftest import require_dataset
from tests.fixtures import make_fake_emoji, make_tiny_models


def test_frechet_distance_closed_form():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20000, 3))
    b = rng.normal(size=(20000, 3)) * 2 + 1  # N(1, 4I): FD = 3·1² + 3·(1 + 4 − 2·2) = 6
    assert frechet_distance(a, a) == pytest.approx(0, abs=1e-6)
    assert frechet_distance(a, b) == pytest.approx(6.0, rel=0.05)


def test_class_agreement_shape(tmp_path):
    pipe = load_pipeline(make_tiny_models(tmp_path) / "tiny_cond", device="cpu")
    clf = Classifier(ClassifierConfig()).eval()
    result = class_agreement(pipe, clf, per_class=2, guidance_scales=(1.0, 3.0), sampler="ddim", num_steps=2)
    assert set(result) == {1.0, 3.0} and len(result[3.0]["per_class"]) == 10
    assert 0 <= result[1.0]["overall"] <= 1


def test_timed_generate_slices_the_condition_with_its_batches(tmp_path):
    pipe = load_pipeline(make_tiny_models(tmp_path, with_clip=True) / "tiny_text", device="cpu")
    cond = torch.randn(5, 64)  # (n, D): one embedding per image
    options = dict(sampler="ddim", num_steps=2, guidance_scale=2.0)
    images, seconds = timed_generate(pipe, 5, batch=2, cond=cond, seed=7, **options)
    assert images.shape == (5, 1, 28, 28) and seconds > 0
    assert torch.equal(images[2:4], pipe.generate(2, cond=cond[2:4], seed=9, **options))  # batch i: seed + i


def test_reference_floor_is_its_floor_at_n_floor():
    """The floor of a second n (floor_at) comes from the same test-set features and the same seeded train subset."""
    require_dataset("mnist")
    torch.manual_seed(0)
    ref = Reference.build(Classifier(ClassifierConfig()).eval(), "mnist", n_floor=50)
    assert ref.test_features.shape == (10000, 128) and ref.floor > 0
    assert ref.floor_at("mnist", 50) == ref.floor and ref.floor_at("mnist", 60) != ref.floor


def test_emoji_are_judged_by_style_train_google_test_twitter_component_left_out(tmp_path):
    root = make_fake_emoji(tmp_path / "emoji")
    (xg, yg), (xt, yt) = judged_images("emoji", "train", root), judged_images("emoji", "test", root)
    assert xg.shape == xt.shape == (6, 3, 32, 32) and torch.equal(yg, yt)
    assert not torch.equal(xg, xt)  # the fake twitter discs are 10 levels lighter
    assert judged_class_names("emoji") == list(JUDGE_CATEGORIES) and "Component" not in JUDGE_CATEGORIES
    assert judge_labels(torch.tensor([0, 2, 9])).tolist() == [0, -1, 8]  # Component has no judge class
    assert [JUDGE_CATEGORIES[int(c)] for c in yg[:3]] == ["Smileys & Emotion", "Smileys & Emotion", "Flags"]
    assert len(CATEGORIES) == len(JUDGE_CATEGORIES) + 1


def test_an_emoji_reference_compares_with_twitter_and_its_floor_is_google(tmp_path):
    root = make_fake_emoji(tmp_path / "emoji", repeat=4)
    judge = Classifier(ClassifierConfig(in_channels=3, image_size=32, num_classes=9)).eval()
    ref = Reference.build(judge, "emoji", n_floor=24, data_root=root)
    assert ref.test_features.shape == (24, 128) and ref.floor >= 0


def test_the_sampling_floor_is_a_subset_of_the_test_features_against_all_of_them():
    rng = np.random.default_rng(0)
    ref = Reference(None, rng.normal(size=(400, 3)), 1.0)
    assert ref.sampling_floor(400) == pytest.approx(0, abs=1e-6)  # all of them: the same Gaussian
    assert 0 < ref.sampling_floor(100) < 0.2  # a quarter: sampling noise only
