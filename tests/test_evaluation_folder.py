"""A model folder's kind, and evaluate_folder writing evaluation.json in place (a domain classifier: the cheapest)."""
import json

import pytest
import torch

from diffusion_core.evaluation.folder import Options, evaluate_folder, model_kind, read_evaluation
from diffusion_core.model_folder import read_config
from diffusion_core.models.classifier import Classifier, ClassifierConfig
from diffusion_core.training.classifier import save_classifier
from tests.conftest import ROOT, require_dataset

KINDS = {"mnist_flow": "flow_model", "classifier_mnist": "classifier", "tiny_clip": "clip",
         "fashion_mnist_notime": "no_time_denoiser", "text_cond": "text_model", "mnist_cond": "diffusion_model",
         "classifier_emoji": "classifier", "emoji_clip": "emoji_clip", "emoji_text": "emoji_text_model"}


@pytest.mark.parametrize("name", list(KINDS))
def test_kind_of_each_shipped_folder(name):
    assert model_kind(read_config(ROOT / "pretrained" / name)) == KINDS[name]


def test_evaluating_a_classifier_records_its_accuracy_in_both_files(tmp_path):
    require_dataset("mnist")
    torch.manual_seed(0)
    folder = save_classifier(Classifier(ClassifierConfig()), tmp_path / "classifier_mnist",
                             {"dataset": "mnist", "test_accuracy": 0.0, "epochs": 0, "train_minutes": 0.0})
    assert read_evaluation(folder) == {}
    report = evaluate_folder(folder, Options())
    assert report["n"] == 10000 and 0 <= report["test_accuracy"] <= 1
    assert json.loads((folder / "evaluation.json").read_text()) == report
    assert read_config(folder)["test_accuracy"] == report["test_accuracy"]


def test_a_flow_matching_folder_is_its_own_kind(tmp_path):
    from tests.fixtures import make_tiny_flow_model

    config = read_config(make_tiny_flow_model(tmp_path) / "tiny_flow")
    assert "flow" in config and model_kind(config) == "flow_model"
