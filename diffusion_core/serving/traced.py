"""Faster CPU inference for serving: the same network, run through TorchScript traces.

torch.jit.trace records the ops of one forward call; torch.jit.freeze then folds the weights into that graph,
so each step skips Python's module overhead. At the app's batch sizes (1-32 images of 28×28) the U-Nets are
overhead-bound; with channels_last (NHWC) weights, which send every convolution to mkldnn, it runs faster than
eager, most for one image per step (bench/sampling_speed.py measures it side by side).

A trace is only valid for the call it recorded: its shapes and which optional arguments were None. The U-Nets
have no data-dependent branches, only shape- and None-dependent ones, so one trace per signature
(shapes, dtypes, None pattern) is exact; signatures are traced on first use and kept (LRU).

    pipe.model = TracedModel(pipe.model)      # samplers and handlers see the same (xt, t, cond, drop) -> output

torch 2.14 marks torch.jit as deprecated in favour of torch.compile, whose compile time for this U-Net on a
2-core CPU is minutes: too slow for an app start. If tracing ever fails, the call runs eagerly instead.
"""
from __future__ import annotations

import threading
import warnings
from collections import OrderedDict

import torch
from torch import nn


class _Present(nn.Module):
    """model(xt, t, cond, drop) called with only the arguments that are not None (trace inputs must be tensors)."""

    def __init__(self, model: nn.Module, present: tuple[bool, ...]):
        super().__init__()
        self.model, self.present = model, present

    def forward(self, *tensors):
        it = iter(tensors)
        return self.model(*[next(it) if p else None for p in self.present])


class TracedModel(nn.Module):
    backend = "TorchScript"

    def __init__(self, model: nn.Module, max_traces: int = 16):
        super().__init__()
        self.model, self.max_traces = model.eval().to(memory_format=torch.channels_last), max_traces
        self._traces: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    @property
    def config(self):
        return self.model.config

    def forward(self, xt, t, cond=None, drop_cond=None):
        if torch.is_grad_enabled() or self.model.training or xt.device.type != "cpu":
            return self.model(xt, t, cond, drop_cond)
        t = torch.as_tensor(t, device=xt.device).reshape(-1).expand(xt.shape[0]).contiguous()  # (B,): a tensor to trace
        args = (xt.contiguous(memory_format=torch.channels_last), t, cond, drop_cond)  # NHWC: mkldnn convolutions
        key = tuple(None if a is None else (tuple(a.shape), a.dtype) for a in args)
        tensors = tuple(a for a in args if a is not None)
        with self._lock:
            traced = self._traces.get(key)
            if traced is None:
                traced = self._trace(tuple(a is not None for a in args), tensors)
                self._traces[key] = traced
                if len(self._traces) > self.max_traces:
                    self._traces.popitem(last=False)
            else:
                self._traces.move_to_end(key)
        return traced(*tensors)

    def _trace(self, present, tensors):
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore", torch.jit.TracerWarning)  # shape-dependent branches: covered by the key
            warnings.simplefilter("ignore", FutureWarning)  # "torch.jit is deprecated": see the module docstring
            try:
                return torch.jit.freeze(torch.jit.trace(_Present(self.model, present).eval(), tensors,
                                                        check_trace=False))
            except Exception:  # noqa: BLE001 - any tracing failure: serve the eager model for this signature
                return _Present(self.model, present)

