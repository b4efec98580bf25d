"""A U-Net trained on a folder of pictures: its own kind, measured with a judge the caller names (judge-FID next to
a real-vs-real floor of the folder's two halves), its card rendered; no judge named gets a sentence."""
import json

import pytest
import torch
from PIL import Image

from diffusion_core.cli import main
from diffusion_core.evaluation.cards import render_card
from diffusion_core.evaluation.folder import Options, evaluate_folder, model_kind
from diffusion_core.evaluation.folder_model import ResizedJudge
from diffusion_core.evaluation.models_table import models_table
from diffusion_core.model_folder import ModelLoadError, read_config
from diffusion_core.models.classifier import Classifier, ClassifierConfig
from diffusion_core.training.classifier import save_classifier


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """(a 16×16×3 model folder trained 2 steps on 12 coloured pictures, a random 8×8×3 judge)."""
    root = tmp_path_factory.mktemp("folder_model")
    pictures = root / "pictures"
    pictures.mkdir()
    for i in range(12):
        Image.new("RGBA", (20, 20), (20 * i, 200 - 10 * i, 90, 255 if i % 3 else 0)).save(pictures / f"{i:02d}.png")
    assert main(["train", "--dataset", str(pictures), "--image-size", "16", "--in-channels", "3",
                 "--base-channels", "8", "--channel-mults", "1", "2", "--attention-levels", "1", "--steps", "2",
                 "--batch-size", "4", "--threads", "1", "--sample-every", "0", "--checkpoint-every", "2",
                 "--run-dir", str(root / "run"), "--out", str(root / "models" / "pictures16")]) == 0
    torch.manual_seed(0)
    judge = save_classifier(Classifier(ClassifierConfig(in_channels=3, image_size=8)), root / "judge",
                            {"dataset": "emoji", "test_accuracy": 0.5, "epochs": 0, "train_minutes": 0.0})
    return root / "models" / "pictures16", judge


def test_a_folder_model_is_measured_with_the_judge_it_is_given(trained):
    folder, judge = trained
    assert model_kind(read_config(folder)) == "folder_model"
    with pytest.raises(ModelLoadError, match="--classifier"):
        evaluate_folder(folder, Options())
    report = evaluate_folder(folder, Options(classifier=str(judge), n=6))
    assert report["pictures"] == 12 and report["judge"] == "judge" and report["judge_size"] == 8
    assert len(report["quality_vs_steps"]) == 3
    assert all(q["fid"] >= 0 and q["n"] == 6 for q in report["quality_vs_steps"])
    assert report["floor"] >= 0 and (folder / "samples.png").is_file()
    assert json.loads((folder / "evaluation.json").read_text()) == report
    card = render_card(folder)
    assert "12 pictures" in card and "judge-FID" in card and "16×16" in card and "--dataset" in card
    assert "judge-FID" in models_table(folder.parent)


def test_the_judge_sees_every_picture_at_its_own_size():
    judge = ResizedJudge(Classifier(ClassifierConfig(in_channels=3, image_size=8)).eval())
    x = torch.rand(2, 3, 16, 16) * 2 - 1
    assert judge.resize(x).shape == (2, 3, 8, 8) and judge.resize(x[..., :4, :4]).shape == (2, 3, 8, 8)
    assert torch.allclose(judge.resize(x)[0, 0, 0, 0], x[0, 0, :2, :2].mean())  # area: the mean of each 2×2 block
    assert judge.features(x).shape == (2, 128)
