import json

import pytest
import torch

from diffusion_core.flow import FlowPath, velocity_eps_x0
from diffusion_core.model_folder import ModelLoadError
from diffusion_core.models import UNetConfig, build_model
from diffusion_core.pipeline import FlowPipeline, Pipeline, load_pipeline, save_pipeline
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
    assert isinstance(pipe, Pipeline) and pipe.objective == "ddpm" and "ddim" in pipe.sampler_names
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


def test_a_flow_model_folder_loads_a_flow_pipeline(tmp_path):
    """config.json records "flow" instead of "schedule"; the pipeline samples with euler/heun/midpoint and predicts
    (ε̂, x̂0) from the velocity at continuous t."""
    torch.manual_seed(0)
    model = build_model(UNetConfig(base_channels=8, channel_mults=(1, 2), attention_levels=(), num_classes=10,
                                   prediction_type="velocity"))
    save_pipeline(tmp_path / "f", model, FlowPath(shift=2.0), {"dataset": "mnist"})
    config = json.loads((tmp_path / "f" / "config.json").read_text())
    assert config["flow"] == {"path": "linear", "time_scale": 1000.0, "shift": 2.0} and "schedule" not in config
    pipe = load_pipeline(tmp_path / "f", device="cpu")
    assert isinstance(pipe, FlowPipeline) and pipe.flow == FlowPath(shift=2.0) and pipe.info["dataset"] == "mnist"
    assert pipe.objective == "flow_matching" and pipe.sampler_names == ("euler", "heun", "midpoint")
    for sampler in pipe.sampler_names:
        a = pipe.generate(2, labels=[1, 2], seed=3, sampler=sampler, num_steps=3, guidance_scale=2.0)
        b = pipe.generate(2, labels=[1, 2], seed=3, sampler=sampler, num_steps=3, guidance_scale=2.0)
        assert torch.equal(a, b) and a.shape == (2, 1, 28, 28) and a.abs().max() <= 1
    steps = list(pipe.sample(2, labels=[1, 2], sampler="heun", num_steps=3))
    assert [s.t for s in steps] == [1.0, pytest.approx(0.8), 0.5, 0.0]  # 2t/(1+t) at t = 1, 2/3, 1/3, 0

    xt, t = torch.randn(2, 1, 28, 28), torch.tensor([0.3, 0.8])
    eps, x0 = pipe.predict_eps_and_x0(xt, t)
    with torch.no_grad():
        v = model.eval()(xt, t * 1000)
    torch.testing.assert_close(x0, xt - t[:, None, None, None] * v)
    torch.testing.assert_close((eps, x0), velocity_eps_x0(v, xt, t)[1:])
    torch.testing.assert_close((1 - t[:, None, None, None]) * x0 + t[:, None, None, None] * eps, xt)


def test_an_unknown_flow_config_is_a_clear_error(tmp_path):
    model = build_model(UNetConfig(base_channels=8, channel_mults=(1, 2), attention_levels=()))
    save_pipeline(tmp_path / "f", model, FlowPath())
    config = json.loads((tmp_path / "f" / "config.json").read_text())
    config["flow"]["path"] = "cosine"
    (tmp_path / "f" / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelLoadError, match="does not describe a model this version knows"):
        load_pipeline(tmp_path / "f")
