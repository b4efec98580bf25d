import json

import pytest
import torch

from diffusion_core.models import UNetConfig, build_model
from diffusion_core.model_folder import ModelLoadError
from diffusion_core.pipeline import load_pipeline, save_pipeline
from diffusion_core.schedules import make_schedule


@pytest.fixture
def model_dir(tmp_path):
    torch.manual_seed(0)
    model = build_model(UNetConfig(base_channels=8, channel_mults=(1, 2), attention_levels=(), num_classes=10))
    save_pipeline(tmp_path / "m", model, make_schedule("cosine", 100), {"dataset": "mnist"}, "# card\n")
    return tmp_path / "m", model


def test_save_load_gives_identical_outputs(model_dir):
    path, model = model_dir
    pipe = load_pipeline(path, device="cpu")
    x, t, y = torch.randn(2, 1, 28, 28), torch.tensor([3, 50]), torch.tensor([1, 7])
    with torch.no_grad():
        assert torch.equal(pipe.model(x, t, y), model.eval()(x, t, y))
    assert pipe.schedule.num_timesteps == 100 and pipe.schedule.name == "cosine"
    assert pipe.info["dataset"] == "mnist" and (path / "README.md").read_text() == "# card\n"
    a = pipe.generate(2, labels=[1, 2], seed=3, sampler="ddim", num_steps=4)
    b = pipe.generate(2, labels=[1, 2], seed=3, sampler="ddim", num_steps=4)
    assert torch.equal(a, b) and a.shape == (2, 1, 28, 28) and a.abs().max() <= 1


def test_no_pickle_in_model_dir(model_dir):
    path, _ = model_dir
    assert sorted(p.name for p in path.iterdir()) == ["README.md", "config.json", "model.safetensors"]
    json.loads((path / "config.json").read_text())


def test_missing_and_corrupt_files_give_clear_errors(model_dir, tmp_path):
    path, _ = model_dir
    with pytest.raises(ModelLoadError, match="no config.json"):
        load_pipeline(tmp_path / "nowhere")
    (path / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelLoadError, match="corrupt"):
        load_pipeline(path)
    (path / "model.safetensors").unlink()
    with pytest.raises(ModelLoadError, match="no model.safetensors"):
        load_pipeline(path)
