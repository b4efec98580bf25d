"""Serving U-Nets on the CPU: ONNX Runtime on an exported model.onnx (onnx.py), TorchScript traces as the fallback
(traced.py)."""
from .onnx import backend_name, serving_model, unwrap

__all__ = ["serving_model", "backend_name", "unwrap"]
