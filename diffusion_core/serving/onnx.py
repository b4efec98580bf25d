"""Serving the U-Nets on the CPU with ONNX Runtime: the same network, exported once, run by a leaner engine.

At the app's sizes (one 28×28 image per step for a 1000-step animation) a U-Net step is a few hundred
small ops and PyTorch spends most of its time between them. ONNX Runtime runs the exported graph with
less overhead per op and fast small convolutions (MLAS), with the same outputs to 1e-5 (tests/test_onnx_serving.py;
bench/sampling_speed.py measures the speed side by side).

    python -m diffusion_core export-onnx pretrained/mnist_fast      # writes pretrained/mnist_fast/model.onnx
    model = serving_model(pipe.model, "pretrained/mnist_fast")      # OnnxModel, or TracedModel as a fallback

The .onnx file records a SHA-256 of the weights it was exported from. If the weights change (retrained)
and the export does not, the digest disagrees and the model is served by TracedModel instead: a stale
export is never used. Exporting needs the `onnx` and `onnxscript` packages; serving needs only
`onnxruntime`. Without it, or off the CPU, or while gradients are on, the PyTorch model runs.
"""
from __future__ import annotations

import hashlib
import logging
import warnings
from pathlib import Path

import torch
from torch import nn

ONNX_NAME = "model.onnx"
INT8_NAME = "model.int8.onnx"  # the same network with int8 convolutions (quantize.py)
DIGEST_KEY = "diffusion_lab.weights_sha256"


def weights_digest(model: nn.Module) -> str:
    """SHA-256 over the state dict (names, shapes and float32 bytes, in name order)."""
    h = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        h.update(f"{name}{tuple(tensor.shape)}".encode())
        h.update(tensor.detach().cpu().float().contiguous().numpy().tobytes())
    return h.hexdigest()


def _is_conditional(model: nn.Module) -> bool:
    return bool(model.config.num_classes or model.config.cond_dim)


def _example_inputs(model: nn.Module, batch: int = 2) -> dict[str, torch.Tensor]:
    cfg = model.config
    inputs = {"xt": torch.randn(batch, cfg.in_channels, cfg.image_size, cfg.image_size),
              "t": torch.full((batch,), 500.0)}  # float t: integer steps convert exactly
    if _is_conditional(model):
        inputs["cond"] = torch.zeros(batch, dtype=torch.long) if cfg.num_classes else torch.zeros(batch, cfg.cond_dim)
        inputs["drop_cond"] = torch.tensor([False, True] * (batch // 2))
    return inputs


def export_onnx(model: nn.Module, directory) -> Path:
    """Export a U-Net with a dynamic batch dimension to directory/model.onnx (one file, weights inside)."""
    try:
        import onnx  # noqa: F401 - torch.onnx.export needs onnx and onnxscript
        import onnxscript  # noqa: F401
    except ImportError as e:
        raise ValueError(f"exporting needs the onnx and onnxscript packages ({e}); "
                         "`pip install -r requirements-test.txt` installs them") from None

    model = model.eval()
    inputs = _example_inputs(model)
    batch = torch.export.Dim("batch", min=1, max=4096)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*axis name")  # every input shares the one batch Dim, as meant
        program = torch.onnx.export(model, tuple(inputs.values()), input_names=list(inputs), output_names=["out"],
                                    dynamo=True, dynamic_shapes={name: {0: batch} for name in inputs}, verbose=False)
    program.model.metadata_props[DIGEST_KEY] = weights_digest(model)
    path = Path(directory) / ONNX_NAME
    program.save(str(path), external_data=False)
    return path


def export_digest(path) -> str | None:
    """The weights digest an exported file was made from (None if it has none)."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.get_modelmeta().custom_metadata_map.get(DIGEST_KEY)


class OnnxModel(nn.Module):
    """(xt, t, cond, drop_cond) -> prediction, like the wrapped U-Net, computed by an ONNX Runtime session."""

    backend = "ONNX Runtime"

    def __init__(self, model: nn.Module, path, threads: int | None = None):
        super().__init__()
        import onnxruntime as ort

        self.model = model.eval()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or torch.get_num_threads()
        options.inter_op_num_threads = 1
        # idle pool threads sleep instead of spinning: a spinning pool takes cores from everything else on a shared CPU
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.backend = "ONNX Runtime int8" if Path(path).name == INT8_NAME else "ONNX Runtime"
        if self.session.get_modelmeta().custom_metadata_map.get(DIGEST_KEY) != weights_digest(model):
            raise ValueError(f"{path} was exported from other weights; run `python -m diffusion_core export-onnx "
                             f"{Path(path).parent}`")

    @property
    def config(self):
        return self.model.config

    def forward(self, xt, t, cond=None, drop_cond=None):
        cfg = self.config
        if (torch.is_grad_enabled() or xt.device.type != "cpu"
                or tuple(xt.shape[1:]) != (cfg.in_channels, cfg.image_size, cfg.image_size)):
            return self.model(xt, t, cond, drop_cond)
        b = xt.shape[0]
        feed = {"xt": xt.detach().float().contiguous().numpy(),
                "t": torch.as_tensor(t).reshape(-1).expand(b).float().contiguous().numpy()}  # (B,)
        if "cond" in self.input_names:
            if cond is None:  # unconditional call of a conditional model: every row gets the null condition
                cond = torch.zeros(b, dtype=torch.long) if cfg.num_classes else torch.zeros(b, cfg.cond_dim)
                drop_cond = torch.ones(b, dtype=torch.bool)
            cond = cond.reshape(b).long() if cfg.num_classes else cond.reshape(b, -1).float()
            drop_cond = torch.zeros(b, dtype=torch.bool) if drop_cond is None else drop_cond.reshape(b).bool()
            feed["cond"], feed["drop_cond"] = cond.contiguous().numpy(), drop_cond.contiguous().numpy()
        return torch.from_numpy(self.session.run(None, feed)[0])


def serving_model(model: nn.Module, directory=None, threads: int | None = None,
                  precision: str = "float32") -> nn.Module:
    """The fastest CPU form of a U-Net: OnnxModel when a fresh directory/model.onnx (or, with precision="int8",
    model.int8.onnx) and onnxruntime are there, else TracedModel (traced.py). threads: ONNX Runtime's intra-op
    threads (default: torch's count)."""
    from .traced import TracedModel

    names = (INT8_NAME, ONNX_NAME) if precision == "int8" else (ONNX_NAME,)
    for path in [Path(directory) / name for name in names] if directory is not None else []:
        if not path.is_file():
            continue
        try:
            return OnnxModel(model, path, threads)
        except Exception as e:  # noqa: BLE001 - no onnxruntime, a stale export, a corrupt file: all served by TorchScript
            logging.getLogger(__name__).warning("not serving %s with ONNX Runtime (%s)", path, e)
    return TracedModel(model)


def backend_name(model: nn.Module) -> str:
    return getattr(model, "backend", "PyTorch")


def unwrap(model: nn.Module) -> nn.Module:
    """The eager network inside a serving wrapper (for hooks and inspection), or the model itself."""
    from .traced import TracedModel

    return model.model if isinstance(model, (TracedModel, OnnxModel)) else model
