import numpy as np
import pytest
import torch

from diffusion_core.evaluation.metrics import Reference, class_agreement, frechet_distance
from diffusion_core.models.classifier import Classifier, ClassifierConfig
from diffusion_core.pipeline import load_pipeline
from tests.conftest import require_dataset
from tests.fixtures import make_tiny_models


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


def test_reference_floor_is_its_floor_at_n_floor():
    """The floor of a second n (floor_at) comes from the same test-set features and the same seeded train subset."""
    require_dataset("mnist")
    torch.manual_seed(0)
    ref = Reference.build(Classifier(ClassifierConfig()).eval(), "mnist", n_floor=50)
    assert ref.test_features.shape == (10000, 128) and ref.floor > 0
    assert ref.floor_at("mnist", 50) == ref.floor and ref.floor_at("mnist", 60) != ref.floor
