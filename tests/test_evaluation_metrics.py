import numpy as np
import pytest
import torch

from diffusion_core.evaluation.metrics import accuracy, class_agreement, frechet_distance, load_classifier
from diffusion_core.models.classifier import Classifier, ClassifierConfig
from diffusion_core.training.classifier import save_classifier, train_classifier
from diffusion_core.pipeline import load_pipeline
from tests.conftest import require_dataset
from tests.fixtures import make_tiny_models


def test_frechet_distance_closed_form():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(20000, 3))
    b = rng.normal(size=(20000, 3)) * 2 + 1  # N(1, 4I): FD = 3·1² + 3·(1 + 4 − 2·2) = 6
    assert frechet_distance(a, a) == pytest.approx(0, abs=1e-6)
    assert frechet_distance(a, b) == pytest.approx(6.0, rel=0.05)


def test_classifier_learns_mnist_subset_and_round_trips(tmp_path):
    require_dataset("mnist")
    model, acc = train_classifier("mnist", epochs=1, batch_size=64, limit=3000)
    assert acc > 0.8  # measured on the first 3000 test images after ~47 steps
    save_classifier(model, tmp_path / "c", {"dataset": "mnist"}, "# card")
    again = load_classifier(tmp_path / "c")
    x = torch.rand(4, 1, 28, 28)
    assert torch.equal(again(x), model.eval()(x))


def test_class_agreement_shape(tmp_path):
    pipe = load_pipeline(make_tiny_models(tmp_path) / "tiny_cond", device="cpu")
    clf = Classifier(ClassifierConfig()).eval()
    result = class_agreement(pipe, clf, per_class=2, guidance_scales=(1.0, 3.0), sampler="ddim", num_steps=2)
    assert set(result) == {1.0, 3.0} and len(result[3.0]["per_class"]) == 10
    assert 0 <= result[1.0]["overall"] <= 1
