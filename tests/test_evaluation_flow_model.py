"""A flow-matching folder: routed to its own measurement and card, its DDPM twin checked, trajectories.png from the
same noise, the card rendered from a stored evaluation.json, and `evaluate` (--card-only, and a quick run)."""
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from diffusion_core.cli import main
from diffusion_core.evaluation import flow_model
from diffusion_core.evaluation.cards import OBSERVATIONS_NAME, render_card
from diffusion_core.evaluation.folder import kind_module, model_kind
from diffusion_core.evaluation.nfe import compare
from diffusion_core.model_folder import read_config
from diffusion_core.models.classifier import Classifier, ClassifierConfig
from diffusion_core.pipeline import load_pipeline
from diffusion_core.samplers import standard_normal
from diffusion_core.training.classifier import save_classifier
from diffusion_core.training.loop import TrainConfig
from diffusion_core.training.run import export_info
from tests.conftest import require_dataset
from tests.fixtures import make_tiny_flow_model, make_tiny_models, tiny_reference


@pytest.fixture
def models(tmp_path) -> Path:
    """tiny_flow (flow matching) beside tiny_cond (DDPM), both with the training facts a run records."""
    make_tiny_models(make_tiny_flow_model(tmp_path))
    for name, objective in (("tiny_flow", "flow_matching"), ("tiny_cond", "ddpm")):
        config = read_config(tmp_path / name)
        cfg = TrainConfig(dataset="mnist", conditioning="class", objective=objective, steps=4000, batch_size=64,
                          num_threads=1, sample_every=1000, checkpoint_every=200)
        config.update(export_info(cfg, {"steps": 4000, "train_seconds": 1320.0, "parameters": 0}))
        (tmp_path / name / "config.json").write_text(json.dumps(config, indent=2))
    return tmp_path


def stored_report(models: Path) -> dict:
    """What evaluate stores, measured on the tiny models with a stand-in reference (no dataset needed)."""
    flow, ddpm = (load_pipeline(models / name, "cpu") for name in ("tiny_flow", "tiny_cond"))
    trajectories = flow_model.save_trajectories({"tiny_flow": flow, "tiny_cond": ddpm},
                                                models / "tiny_flow" / flow_model.TRAJECTORIES_NAME)
    return {"model": "tiny_flow", "dataset": "mnist", "conditional": True, "parameters": 41961,
            "classifier_test_accuracy": 0.99, "compare_with": "tiny_cond",
            "nfe_comparison": compare({"tiny_cond": ddpm, "tiny_flow": flow}, tiny_reference(), 10, (1, 2, 4)),
            "trajectories": trajectories, "eval_minutes": 0.1, "threads": 1}


def test_a_flow_folder_is_routed_to_the_flow_measurement_and_card(models):
    kind = model_kind(read_config(models / "tiny_flow"))
    assert kind == "flow_model" and kind_module(kind) is flow_model
    assert model_kind(read_config(models / "tiny_cond")) == "diffusion_model"
    assert flow_model.compare_dir(models / "tiny_flow") == (models / "mnist_fast").resolve()


def test_the_twin_must_be_a_ddpm_model_of_the_same_dataset(models):
    flow, ddpm, other = flow_model.load_pair(models / "tiny_flow", models / "tiny_cond")
    assert (flow.objective, ddpm.objective, other.name) == ("flow_matching", "ddpm", "tiny_cond")
    with pytest.raises(ValueError, match="not a DDPM model of mnist"):
        flow_model.load_pair(models / "tiny_flow", models / "tiny_flow")
    with pytest.raises(ValueError, match="not a flow-matching model"):
        flow_model.load_pair(models / "tiny_cond", models / "tiny_cond")


def test_trajectories_start_from_the_same_noise_and_are_labelled(models, tmp_path):
    pipes = {name: load_pipeline(models / name, "cpu") for name in ("tiny_flow", "tiny_cond")}
    noise = standard_normal((2, 1, 28, 28), torch.Generator().manual_seed(0), "cpu")
    (fx, f0, ft), (dx, d0, dt) = (flow_model.trajectory(p, noise, torch.tensor([1, 2]), 8) for p in pipes.values())
    assert fx.shape == d0.shape == (2, 9, 1, 28, 28) and ft[0] == 1.0 and dt[0] == 999 and len(ft) == len(dt) == 8
    torch.testing.assert_close(fx[:, 0], noise)
    torch.testing.assert_close(dx[:, 0], noise)
    torch.testing.assert_close(fx[:, -1], f0[:, -1])  # the last column is the finished sample in both rows
    shown = flow_model.save_trajectories(pipes, tmp_path / "t.png", classes=(0, 3, 7), steps=8)
    assert [run["sampler"] for run in shown["runs"]] == ["euler", "ddim"] and shown["runs"][1]["times"] == dt
    picture = np.asarray(Image.open(tmp_path / "t.png"))
    assert picture.shape == (18 + (12 * 30 + 2) * 2, 150 + (9 * 30 + 2) * 2, 3)  # 3 classes x 2 models x 2 rows


def test_the_card_renders_from_the_stored_evaluation(models):
    folder = models / "tiny_flow"
    (folder / "evaluation.json").write_text(json.dumps(stored_report(models)))
    (folder / OBSERVATIONS_NAME).write_text("Looked at: the 3s are open.\n")
    card = render_card(folder)
    assert card.startswith("# tiny_flow: class-conditional flow matching on mnist\n")
    assert "x_t = (1 − t)·x0 + t·ε" in card and "v = ε − x0" in card and "AdamW lr 0.001" in card
    assert "--objective flow_matching --steps 4000" in card and "--prediction-type" not in card
    assert "equal in parameters, training steps and batch size" in card and "**1.00 with 10 images**" in card
    assert "| NFE | tiny_cond (DDPM) |" in card and "\n| 4 | " in card and "| tiny_flow | heun | 2 | 3 |" in card
    assert "(model, flow path, training settings)" in card and "](trajectories.png)" in card
    assert "8 euler steps of `tiny_flow` (rows \"flow\", t = 1.00, 0.88, …, 0.12)" in card
    assert card.endswith("guidance 1.\n\nLooked at: the 3s are open.\n")


def test_card_only_writes_the_card_of_a_tiny_flow_folder(models, capsys):
    folder = models / "tiny_flow"
    (folder / "evaluation.json").write_text(json.dumps(stored_report(models)))
    assert main(["evaluate", str(folder), "--card-only"]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {folder / 'README.md'}"
    assert (folder / "README.md").read_text() == render_card(folder)


def test_evaluate_measures_a_tiny_flow_model_next_to_its_twin(models):
    """The quick run: budgets 1 and 2, judged by an untrained classifier beside the models."""
    require_dataset("mnist")
    torch.manual_seed(0)
    save_classifier(Classifier(ClassifierConfig()), models / "classifier_mnist",
                    {"dataset": "mnist", "test_accuracy": 0.1, "epochs": 0, "train_minutes": 0.0})
    folder = models / "tiny_flow"
    assert main(["evaluate", str(folder), "--compare", str(models / "tiny_cond"), "--quick", "-n", "10",
                 "--write-card"]) == 0
    report = json.loads((folder / "evaluation.json").read_text())
    c = report["nfe_comparison"]
    assert (report["compare_with"], c["n"], c["budgets"], list(c["models"])) == ("tiny_cond", 10, [1, 2],
                                                                                ["tiny_cond", "tiny_flow"])
    assert [(r["sampler"], r["steps"], r["nfe"]) for r in c["rows"]["tiny_flow"]] == [
        ("euler", 1, 1), ("euler", 2, 2), ("heun", 1, 1), ("midpoint", 1, 2)]
    assert (folder / "trajectories.png").is_file() and (folder / "README.md").read_text() == render_card(folder)
