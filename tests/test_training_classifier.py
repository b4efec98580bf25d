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
