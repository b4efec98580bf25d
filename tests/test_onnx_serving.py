"""ONNX Runtime serving: the exported U-Net gives the eager model's outputs for every call the samplers and
the app make; a stale or corrupt export is never served; every shipped U-Net has a fresh export."""
import json

import pytest
import torch

from diffusion_core.cli import main as cli_main
from diffusion_core.models import UNetConfig, build_model
from diffusion_core.pipeline import load_pipeline, save_pipeline
from diffusion_core.samplers import generate
from diffusion_core.schedules import make_schedule
from diffusion_core.serving.onnx import (
    ONNX_NAME,
    OnnxModel,
    backend_name,
    export_digest,
    serving_model,
    unwrap,
    weights_digest,
)
from diffusion_core.serving.traced import TracedModel
from lab.zoo import Zoo
from tests.conftest import ROOT

pytest.importorskip("onnxruntime")
SHIPPED_UNETS = sorted(p for p in (ROOT / "pretrained").glob("*/")
                       if json.loads((p / "config.json").read_text()).get("model", {}).get("architecture") == "unet")


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A tiny class-conditional U-Net saved as a model directory and exported through the CLI."""
    pytest.importorskip("onnxscript")
    directory = tmp_path_factory.mktemp("tiny_unet")
    torch.manual_seed(0)
    model = build_model(UNetConfig(base_channels=8, channel_mults=(1, 2), attention_levels=(1,), num_classes=10)).eval()
    save_pipeline(directory, model, make_schedule("cosine", 1000), {"dataset": "mnist"})
    assert cli_main(["export-onnx", str(directory)]) == 0
    return directory, load_pipeline(directory, "cpu").model.eval()


def test_onnx_matches_eager_for_each_call_signature(exported):
    directory, eager = exported
    served = OnnxModel(eager, directory / ONNX_NAME)
    x, t = torch.randn(3, 1, 28, 28), torch.tensor([999, 500, 0])
    labels, drop = torch.tensor([1, 2, 3]), torch.tensor([False, True, False])
    with torch.no_grad():  # batch 1 and 3; no condition, labels, labels with dropped rows; scalar t
        for args in [(x, t), (x, t, labels), (x, t, labels, drop), (x[:1], 10, labels[:1]), (x[:1], torch.tensor(7))]:
            torch.testing.assert_close(served(*args), eager(*args), atol=1e-5, rtol=1e-4)
    assert served.config is eager.config and unwrap(served) is eager and backend_name(served) == "ONNX Runtime"


def test_samplers_give_the_same_images_with_guidance(exported):
    directory, eager = exported
    served, schedule = OnnxModel(eager, directory / ONNX_NAME), make_schedule("cosine", 1000)
    kwargs = dict(sampler="dpm_solver_pp", num_steps=4, cond=torch.tensor([4, 9]), guidance_scale=3.0)
    a = generate(eager, schedule, (2, 1, 28, 28), generator=torch.Generator().manual_seed(0), **kwargs)
    b = generate(served, schedule, (2, 1, 28, 28), generator=torch.Generator().manual_seed(0), **kwargs)
    torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4)


def test_gradients_and_other_shapes_go_to_the_pytorch_model(exported):
    directory, eager = exported
    served = OnnxModel(eager, directory / ONNX_NAME)
    x = torch.randn(1, 1, 28, 28, requires_grad=True)
    served(x, torch.tensor([5])).sum().backward()  # grad mode: the eager network, so gradients flow
    assert x.grad is not None and x.grad.abs().sum() > 0
    with torch.no_grad():  # a 32×32 input is not what was exported: eager too (the U-Net takes any size)
        assert served(torch.randn(1, 1, 32, 32), torch.tensor([5])).shape == (1, 1, 32, 32)


def test_a_stale_or_corrupt_export_is_not_served(exported, tmp_path, caplog):
    directory, eager = exported
    changed = build_model(eager.config).eval()
    changed.load_state_dict(eager.state_dict())
    with torch.no_grad():
        changed.conv_in.bias += 0.1  # retrained weights, old export
    assert export_digest(directory / ONNX_NAME) == weights_digest(eager) != weights_digest(changed)
    with pytest.raises(ValueError, match="export-onnx"):
        OnnxModel(changed, directory / ONNX_NAME)
    assert isinstance(serving_model(changed, directory), TracedModel)
    assert "exported from other weights" in caplog.text  # the server log says why
    (tmp_path / ONNX_NAME).write_bytes(b"not an onnx file")
    assert isinstance(serving_model(eager, tmp_path), TracedModel)
    assert isinstance(serving_model(eager, tmp_path / "missing"), TracedModel)
    assert isinstance(serving_model(eager, directory), OnnxModel) and unwrap(eager) is eager


def test_cli_skips_models_that_are_not_unets(tmp_path, capsys):
    from diffusion_core.models import NoTimeDenoiserConfig

    model = build_model(NoTimeDenoiserConfig())
    save_pipeline(tmp_path, model, make_schedule("cosine", 1000), {"dataset": "mnist"})
    assert cli_main(["export-onnx", str(tmp_path)]) == 0
    assert "skipped" in capsys.readouterr().out and not (tmp_path / ONNX_NAME).exists()


@pytest.mark.parametrize("directory", SHIPPED_UNETS, ids=lambda p: p.name)
def test_every_shipped_unet_has_a_fresh_export(directory):
    eager = load_pipeline(directory, "cpu").model.eval()
    assert export_digest(directory / ONNX_NAME) == weights_digest(eager)
    assert (directory / ONNX_NAME).stat().st_size < 10 * 2**20


def test_zoo_serves_the_shipped_unets_with_onnx_runtime():
    zoo = Zoo.load(device="cpu")
    assert {name for name, pipe in zoo.pipelines.items() if isinstance(pipe.model, OnnxModel)} == \
        {p.name for p in SHIPPED_UNETS}


def test_export_without_the_exporter_packages_says_what_to_install(exported, monkeypatch, capsys):
    directory, _ = exported
    monkeypatch.setitem(__import__("sys").modules, "onnxscript", None)  # as if not installed
    assert cli_main(["export-onnx", str(directory)]) == 2
    assert "needs the onnx and onnxscript packages" in capsys.readouterr().err
