"""int8 serving: static post-training quantization of an exported U-Net for CPUs with int8 dot products (VNNI).

ONNX Runtime's QDQ format: Conv / MatMul / Gemm weights int8 per output channel, their input activations uint8
with one scale and zero point per tensor, fixed from calibration inputs; GroupNorm, SiLU, softmax and the
residual additions stay float32. Calibration feeds what the network meets while sampling:
x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε for training images x0 at timesteps spread over [0, T), with their classes (or the null
class) so that both halves of classifier-free guidance are covered.

    python -m diffusion_core quantize pretrained/mnist_fast      # writes model.int8.onnx beside model.onnx

The int8 network's outputs differ from float32 by a few percent RMS (tests/test_quantize.py holds the bound);
bench/unet_speed.py measures the speed and the domain-FID of samples side by side.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import torch

from ..flow import path_sample
from ..forward import q_sample
from .onnx import DIGEST_KEY, INT8_NAME, ONNX_NAME, weights_digest


def calibration_feeds(pipe, images: torch.Tensor, batches: int = 16, batch: int = 16, seed: int = 0) -> list[dict]:
    """ONNX input dicts: images (N, C, H, W) in [-1, 1] noised to random noise levels of the model's own process
    (DDPM: q(x_t | x0) at t ~ U{0..T−1}; flow matching: (1 − t)·x0 + t·ε at t ~ U(0, 1), fed as t·time_scale);
    a quarter of the rows unconditional."""
    cfg, g = pipe.config, torch.Generator().manual_seed(seed)
    feeds = []
    for _ in range(batches):
        x0 = images[torch.randint(0, len(images), (batch,), generator=g)]
        eps = torch.randn(x0.shape, generator=g)
        if pipe.objective == "ddpm":
            t = torch.randint(0, pipe.schedule.num_timesteps, (batch,), generator=g)
            xt, network_t = q_sample(x0, t, pipe.schedule.to("cpu"), eps=eps)[0], t.float()
        else:
            t = torch.rand(batch, generator=g)
            xt, network_t = path_sample(x0, t, eps)[0], pipe.flow.network_time(t).float()
        feed = {"xt": xt.float().numpy(), "t": network_t.numpy()}
        if cfg.num_classes or cfg.cond_dim:
            cond = torch.randint(0, max(cfg.num_classes, 1), (batch,), generator=g) if cfg.num_classes \
                else torch.nn.functional.normalize(torch.randn(batch, cfg.cond_dim, generator=g), dim=-1)
            feed["cond"] = cond.numpy()
            feed["drop_cond"] = (torch.rand(batch, generator=g) < 0.25).numpy()
        feeds.append(feed)
    return feeds


def quantize_int8(pipe, directory, images: torch.Tensor) -> Path:
    """directory/model.onnx -> directory/model.int8.onnx, calibrated on `images`; records the weights digest."""
    try:
        import onnx
        from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
        from onnxruntime.quantization.shape_inference import quant_pre_process
    except ImportError as e:
        raise ValueError(f"quantizing needs the onnx package ({e}); `pip install -r requirements-test.txt`") from None

    class Reader(CalibrationDataReader):
        def __init__(self, feeds):
            self.feeds = iter(feeds)

        def get_next(self):
            return next(self.feeds, None)

    source, target = Path(directory) / ONNX_NAME, Path(directory) / INT8_NAME
    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "prepared.onnx"
        quant_pre_process(str(source), str(prepared), skip_symbolic_shape=True)
        quantize_static(str(prepared), str(target), Reader(calibration_feeds(pipe, images)),
                        quant_format=QuantFormat.QDQ, activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                        op_types_to_quantize=["Conv", "MatMul", "Gemm"], per_channel=True)
    model = onnx.load(str(target))
    del model.metadata_props[:]
    model.metadata_props.add(key=DIGEST_KEY, value=weights_digest(pipe.model))
    onnx.save(model, str(target))
    return target


def output_error(pipe, directory, images: torch.Tensor) -> float:
    """RMS of (int8 − float32 output) relative to the float32 output's RMS, on fresh calibration-like inputs."""
    import onnxruntime as ort

    sessions = [ort.InferenceSession(str(Path(directory) / name), providers=["CPUExecutionProvider"])
                for name in (ONNX_NAME, INT8_NAME)]
    diff = norm = 0.0
    for feed in calibration_feeds(pipe, images, batches=4, seed=1):
        reference, quantized = (s.run(None, feed)[0] for s in sessions)
        diff, norm = diff + float(np.square(quantized - reference).sum()), norm + float(np.square(reference).sum())
    return (diff / norm) ** 0.5
