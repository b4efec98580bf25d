"""int8 serving: the quantized export keeps the weights digest, is served when asked for, and stays close to float32."""
import shutil

import pytest
import torch

from diffusion_core.pipeline import load_pipeline
from diffusion_core.serving.onnx import INT8_NAME, OnnxModel, serving_model
from diffusion_core.serving.quantize import calibration_feeds, output_error, quantize_int8
from tests.conftest import ROOT

SHIPPED = ROOT / "pretrained" / "mnist_fast"


@pytest.fixture(scope="module")
def quantized(tmp_path_factory):
    pytest.importorskip("onnx")
    folder = tmp_path_factory.mktemp("q") / "mnist_fast"
    shutil.copytree(SHIPPED, folder, ignore=shutil.ignore_patterns(INT8_NAME))
    pipe = load_pipeline(folder, "cpu")
    images = torch.rand(64, 1, 28, 28, generator=torch.Generator().manual_seed(0)) * 2 - 1
    quantize_int8(pipe, folder, images)
    return pipe, folder, images


def test_calibration_covers_noise_levels_and_both_guidance_halves(quantized):
    pipe, _, images = quantized
    feeds = calibration_feeds(pipe, images, batches=4, batch=32)
    t = torch.cat([torch.as_tensor(f["t"]) for f in feeds])
    drop = torch.cat([torch.as_tensor(f["drop_cond"]) for f in feeds])
    assert t.min() < 250 and t.max() > 750 and 0 < drop.float().mean() < 0.5


def test_int8_is_served_when_asked_and_stays_close_to_float32(quantized):
    pipe, folder, images = quantized
    int8 = serving_model(pipe.model, folder, threads=1, precision="int8")
    assert isinstance(int8, OnnxModel) and int8.backend == "ONNX Runtime int8"
    assert serving_model(pipe.model, folder, threads=1).backend == "ONNX Runtime"  # float32 unless asked
    assert output_error(pipe, folder, images) < 0.08  # relative RMS of the network's output (ε̂)
    x = pipe.generate(4, labels=[0, 1, 2, 3], sampler="dpm_solver_pp", num_steps=10)
    pipe_int8 = type(pipe)(int8, pipe.schedule, pipe.info)
    y = pipe_int8.generate(4, labels=[0, 1, 2, 3], sampler="dpm_solver_pp", num_steps=10)
    assert (x - y).abs().mean() < 0.1  # the same digits, a few grey levels apart


def test_a_stale_int8_export_is_not_served(quantized):
    pipe, folder, _ = quantized
    other = load_pipeline(folder, "cpu")
    torch.nn.init.normal_(next(other.model.parameters()))
    assert "int8" not in serving_model(other.model, folder, threads=1, precision="int8").backend


@pytest.mark.parametrize("path", sorted((ROOT / "pretrained").glob(f"*/{INT8_NAME}")), ids=lambda p: p.parent.name)
def test_every_shipped_int8_export_is_fresh_and_served(path):
    from diffusion_core.serving.onnx import export_digest, weights_digest

    pipe = load_pipeline(path.parent, "cpu")
    assert export_digest(path) == weights_digest(pipe.model)
    assert serving_model(pipe.model, path.parent, threads=1, precision="int8").backend == "ONNX Runtime int8"
