"""What a browser needs to train and sample the playground's network itself, as plain JSON: the engine stays the
definition (lab/static/js/toy2d_net.mjs follows it; tests/lab/test_toy2d_js.py holds the two equal).

A training spec (training_spec) is {"format": "diffusion-lab-toy2d", "version": 1, "objective",
"config": Toy2DConfig.to_dict(), "weights": {state_dict name: {"shape", "data": float32 little-endian base64}},
"embedding": {"max_period", "time_freqs", "x_freqs"} (float32 ω_i of sinusoidal_embedding for t and for x_scale·x),
"process": {"kind": "ddpm", "num_timesteps", "alphas_cumprod": float32 base64} or {"kind": "flow", "time_scale",
"t_sampling"}, "optimizer": {"lr", "betas", "eps", "weight_decay", "warmup_steps", "steps", "grad_clip",
"ema_decay"}, "batch_size"}. Its network, batch by batch (Linear: y = x Wᵀ + b, torch's layout):

    e   = W_e2 SiLU(W_e1 [cos(t·ω); sin(t·ω)] + b_e1) + b_e2       t: DDPM's integer timestep or flow's t·time_scale
    f   = [x, cos(25 x_1 ω'), sin(25 x_1 ω'), cos(25 x_2 ω'), sin(25 x_2 ω')]
    h_i = SiLU(W_i h_{i-1} + b_i + e),  out = W_out h + b_out
    ddpm: t ~ U{0..T−1}, x_t = sqrt(ᾱ_t) x0 + sqrt(1 − ᾱ_t) ε, L = mean (out − ε)²
    flow: t ~ U[0, 1),   x_t = (1 − t) x0 + t ε,  fed t·time_scale,     L = mean (out − (ε − x0))²
then clip_grad_norm (coefficient max_norm/(‖g‖ + 1e-6), at most 1), AdamW (torch's update, lr_at's warm-up and
cosine) and the EMA θ_ema ← d θ_ema + (1 − d) θ, d = min(decay, (1 + n)/(10 + n)) (training/loop.py).

A sampling plan for 2-D points is plans.compile_plan's with shape [2] (toy2d_plan): the same executor runs it.
"""
from __future__ import annotations

import base64
import math

import numpy as np
import torch

from ..flow import FlowPath
from ..plans import compile_ddpm_plan, compile_flow_plan
from ..schedules import NoiseSchedule
from .model import Toy2DConfig
from .toy import DDPM_SCHEDULE, ToyModel, process_for, train_config

FORMAT, VERSION = "diffusion-lab-toy2d", 1
MAX_PERIOD = 10000.0  # sinusoidal_embedding's default
ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8  # torch.optim.AdamW's defaults, which make_state uses


def floats_b64(array) -> str:
    """float32 little-endian bytes as base64 (a Float32Array in the page)."""
    array = array.detach().cpu().numpy() if isinstance(array, torch.Tensor) else np.asarray(array)
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode()


def floats_from_b64(text: str, shape) -> torch.Tensor:
    return torch.from_numpy(np.frombuffer(base64.b64decode(text), dtype="<f4").copy()).reshape(shape)


def frequencies(dim: int, max_period: float = MAX_PERIOD) -> torch.Tensor:
    """sinusoidal_embedding's ω_i = max_period^(−i/half), i < half = dim // 2, as it computes them (float32)."""
    half = dim // 2
    return torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)


def weights_json(net: torch.nn.Module) -> dict:
    return {name: {"shape": list(v.shape), "data": floats_b64(v)} for name, v in net.state_dict().items()}


def load_weights_json(net: torch.nn.Module, weights: dict) -> torch.nn.Module:
    """The inverse of weights_json, into a network of the same config."""
    net.load_state_dict({k: floats_from_b64(v["data"], v["shape"]) for k, v in weights.items()})
    return net


def process_json(process: NoiseSchedule | FlowPath, t_sampling: str = "uniform") -> dict:
    if isinstance(process, FlowPath):
        return {"kind": "flow", "time_scale": process.time_scale, "t_sampling": t_sampling}
    return {"kind": "ddpm", "num_timesteps": process.num_timesteps,
            "alphas_cumprod": floats_b64(process.alphas_cumprod.float())}


def training_spec(objective: str, steps: int = 3000, seed: int = 0, config: Toy2DConfig | None = None,
                  toy: ToyModel | None = None) -> dict:
    """Everything the page needs to train `objective` as Training(ToyModel.new(objective, config, seed), points,
    train_config(objective, steps)) does; `toy` (e.g. a preset) replaces the freshly seeded weights."""
    toy = toy or ToyModel.new(objective, config, seed)
    cfg, net_config = train_config(objective, steps), toy.net.config
    return {"format": FORMAT, "version": VERSION, "objective": objective, "config": net_config.to_dict(),
            "weights": weights_json(toy.net),
            "embedding": {"max_period": MAX_PERIOD, "time_freqs": frequencies(net_config.time_dim).tolist(),
                          "x_freqs": frequencies(net_config.x_features).tolist()},
            "process": process_json(toy.process, cfg.flow_t_sampling),
            "optimizer": {"lr": cfg.lr, "betas": list(ADAM_BETAS), "eps": ADAM_EPS, "weight_decay": cfg.weight_decay,
                          "warmup_steps": cfg.warmup_steps, "steps": cfg.steps, "grad_clip": cfg.grad_clip,
                          "ema_decay": cfg.ema_decay},
            "batch_size": cfg.batch_size}


def model_from_spec(spec: dict, weights: dict | None = None) -> ToyModel:
    """The ToyModel a spec describes, with its weights or `weights` (weights_json's form: e.g. trained in a page)."""
    config = Toy2DConfig.from_dict(spec["config"])
    toy = ToyModel.new(spec["objective"], config)
    load_weights_json(toy.net, weights or spec["weights"])
    return toy


def toy2d_plan(objective: str, sampler: str, num_steps: int) -> dict:
    """The plan of ToyModel.steps(sampler, xT, num_steps): the engine's sampler with clip_x0=False, shape [2]."""
    process = process_for(objective, *DDPM_SCHEDULE)
    if isinstance(process, FlowPath):
        return compile_flow_plan(process, (2,), sampler=sampler, num_steps=num_steps)
    return compile_ddpm_plan(process, "eps", (2,), sampler=sampler, num_steps=num_steps, clip_x0=False)
