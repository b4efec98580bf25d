"""Training: the loss of Ho et al. (2020) or of flow matching, and a loop that yields each step's numbers.

    ddpm:           L = E_{x0, t, ε} [ w(t) · ‖ target(x0, ε, t) − model(x_t, t, c) ‖² ],   x_t = q_sample(x0, t, ε)
    flow_matching:  L = E_{x0, t, ε} [ ‖ (ε − x0) − model(x_t, t·time_scale, c) ‖² ],   x_t = (1 − t) x0 + t ε

target is ε, x0 or v (forward.prediction_target); w(t) = 1, or Min-SNR-γ (Hang et al. 2023):
min(SNR, γ)/SNR for ε, min(SNR, γ)/(SNR+1) for v, min(SNR, γ) for x0. Flow matching (flow.py; Lipman et al.
2023, Liu et al. 2022) regresses the velocity ε − x0 with no weighting. With class or vector
conditions, a fraction `cond_drop_prob` is replaced by the null token so one network also learns
the unconditional model that classifier-free guidance needs.

`train_steps` is a generator (as in smalldiffusion): the caller logs, plots, checkpoints or stops.
Under torchrun it uses DistributedDataParallel (gloo on CPU, nccl on CUDA).
"""
from __future__ import annotations

import contextlib
import copy
import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

from ..flow import FlowPath, path_sample, training_times, velocity_target
from ..forward import prediction_target, q_sample
from ..schedules import NoiseSchedule
from .config import TrainConfig


class EMA:
    """θ_ema ← d·θ_ema + (1 − d)·θ, with d warmed up as min(decay, (1 + n)/(10 + n))."""

    def __init__(self, model: torch.nn.Module, decay: float):
        self.model = copy.deepcopy(model).eval().requires_grad_(False)
        self.decay, self.num_updates = decay, 0

    @torch.no_grad()
    def update(self, model: torch.nn.Module):
        self.num_updates += 1
        d = min(self.decay, (1 + self.num_updates) / (10 + self.num_updates))
        for e, p in zip(self.model.state_dict().values(), model.state_dict().values()):
            if e.dtype.is_floating_point:
                e.lerp_(p.detach(), 1 - d)
            else:
                e.copy_(p)


def loss_weights(schedule: NoiseSchedule, t: torch.Tensor, prediction_type: str, gamma: float) -> torch.Tensor:
    if gamma <= 0:
        return torch.ones_like(t, dtype=torch.float32)
    snr = schedule.snr.to(t.device)[t]
    clipped = snr.clamp(max=gamma)
    return {"eps": clipped / snr, "v": clipped / (snr + 1), "x0": clipped}[prediction_type]


def _model_output(model, xt, t, cond, cfg: TrainConfig, generator) -> torch.Tensor:
    """model(x_t, t, c) in float32, with a fraction cond_drop_prob of the conditions replaced by the null token."""
    b, device = xt.shape[0], xt.device
    drop = (torch.rand(b, generator=generator) < cfg.cond_drop_prob).to(device) if cond is not None else None
    with _autocast(cfg.amp, device):
        return model(xt, t, cond, drop).float()


def _error(out, target, loss: str) -> torch.Tensor:
    """Per-sample mean squared (or absolute) error over every dimension but the batch: (B,) for (B, C, H, W) images
    or (B, 2) points."""
    err = F.mse_loss(out, target, reduction="none") if loss == "mse" else F.l1_loss(out, target, reduction="none")
    return err.mean(dim=tuple(range(1, err.dim())))


def diffusion_loss(model, x0, cond, schedule: NoiseSchedule, cfg: TrainConfig, generator, prediction_type: str):
    """One Monte-Carlo estimate of L for a batch x0 (B, C, H, W); cond: (B,) labels, (B, D) or None."""
    b, device = x0.shape[0], x0.device
    t = torch.randint(0, schedule.num_timesteps, (b,), generator=generator).to(device)
    eps = torch.randn(x0.shape, generator=generator).to(device)
    xt, _ = q_sample(x0, t, schedule, eps=eps)
    out = _model_output(model, xt, t, cond, cfg, generator)
    target = prediction_target(x0, eps, t, schedule, prediction_type)
    return (_error(out, target, cfg.loss) * loss_weights(schedule, t, prediction_type, cfg.min_snr_gamma)).mean()


def flow_matching_loss(model, x0, cond, path: FlowPath, cfg: TrainConfig, generator):
    """One Monte-Carlo estimate of the flow-matching L for a batch x0 (B, C, H, W); t ~ cfg.flow_t_sampling."""
    t = training_times(x0.shape[0], generator, cfg.flow_t_sampling).to(x0.device)  # (B,) in [0, 1)
    eps = torch.randn(x0.shape, generator=generator).to(x0.device)
    xt, _ = path_sample(x0, t, eps)
    out = _model_output(model, xt, path.network_time(t), cond, cfg, generator)
    return _error(out, velocity_target(x0, eps), cfg.loss).mean()


def objective_loss(model, process: NoiseSchedule | FlowPath, cfg: TrainConfig, device) -> Callable:
    """cfg.objective's loss as (x0, cond, generator) -> scalar: ddpm with a NoiseSchedule, or flow_matching with a
    FlowPath and a network whose config says prediction_type="velocity"."""
    prediction_type = _unwrap(model).config.prediction_type
    if cfg.objective == "ddpm" and isinstance(process, NoiseSchedule):
        schedule = process.to(device)
        return lambda x0, cond, g: diffusion_loss(model, x0, cond, schedule, cfg, g, prediction_type)
    if cfg.objective == "flow_matching" and isinstance(process, FlowPath) and prediction_type == "velocity":
        return lambda x0, cond, g: flow_matching_loss(model, x0, cond, process, cfg, g)
    raise ValueError(f"objective {cfg.objective!r} cannot train a network predicting {prediction_type!r} with a "
                     f"{type(process).__name__}: ddpm takes a NoiseSchedule, flow_matching a FlowPath and "
                     f"prediction_type 'velocity'")


def _autocast(amp: str, device: torch.device):
    if amp == "bf16" or (amp == "auto" and device.type == "cuda"):
        return torch.autocast(device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def lr_at(step: int, cfg: TrainConfig) -> float:
    import math

    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    progress = (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps)
    return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0))))


@dataclass
class TrainState:
    model: torch.nn.Module  # the module being optimised (DDP-wrapped under torchrun)
    ema: EMA
    optimizer: torch.optim.Optimizer
    step: int = 0


def make_state(model, cfg: TrainConfig) -> TrainState:
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    return TrainState(model, EMA(model, cfg.ema_decay), optimizer)


def _unwrap(model):
    return model.module if hasattr(model, "module") else model


def train_steps(state: TrainState, images: torch.Tensor, labels: torch.Tensor | None,
                process: NoiseSchedule | FlowPath, cfg: TrainConfig, rank: int = 0) -> Iterator[dict]:
    """Run from state.step to cfg.steps, yielding {step, loss, lr, grad_norm, seconds} after each step.

    process: the NoiseSchedule (objective ddpm) or the FlowPath (flow_matching). Batches and noise come from a
    generator seeded by (seed, rank, step): a resumed run repeats exactly the steps an uninterrupted one would
    have taken."""
    device = next(state.model.parameters()).device
    loss_fn = objective_loss(state.model, process, cfg, device)
    state.model.train()
    while state.step < cfg.steps:
        start = time.perf_counter()
        g = torch.Generator().manual_seed(cfg.seed * 1_000_003 + rank * 7919 + state.step)
        idx = torch.randint(0, images.shape[0], (cfg.batch_size,), generator=g)
        x0 = images[idx].to(device)
        if cfg.channels_last:
            x0 = x0.contiguous(memory_format=torch.channels_last)
        cond = labels[idx].to(device) if labels is not None else None
        for group in state.optimizer.param_groups:
            group["lr"] = lr_at(state.step, cfg)
        loss = loss_fn(x0, cond, g)
        state.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(state.model.parameters(), cfg.grad_clip)
        state.optimizer.step()
        state.ema.update(_unwrap(state.model))
        state.step += 1
        yield {"step": state.step, "loss": loss.item(), "lr": state.optimizer.param_groups[0]["lr"],
               "grad_norm": float(grad_norm), "seconds": time.perf_counter() - start}


def save_checkpoint(state: TrainState, run_dir: Path, cfg: TrainConfig):
    """run_dir/checkpoint/: weights and EMA as safetensors, optimizer as a tensors-only torch file."""
    ckpt = Path(run_dir) / "checkpoint"
    ckpt.mkdir(parents=True, exist_ok=True)
    model = _unwrap(state.model)
    save_file({k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()},
              str(ckpt / "model.safetensors"))
    save_file({k: v.detach().cpu().contiguous() for k, v in state.ema.model.state_dict().items()},
              str(ckpt / "ema.safetensors"))
    torch.save(state.optimizer.state_dict(), ckpt / "optimizer.pt")
    meta = {"step": state.step, "ema_updates": state.ema.num_updates, "train_config": asdict(cfg)}
    (ckpt / "state.json").write_text(json.dumps(meta, indent=2))


def load_checkpoint(state: TrainState, run_dir: Path) -> bool:
    ckpt = Path(run_dir) / "checkpoint"
    if not (ckpt / "state.json").is_file():
        return False
    meta = json.loads((ckpt / "state.json").read_text())
    _unwrap(state.model).load_state_dict(load_file(str(ckpt / "model.safetensors")))
    state.ema.model.load_state_dict(load_file(str(ckpt / "ema.safetensors")))
    state.optimizer.load_state_dict(torch.load(ckpt / "optimizer.pt", weights_only=True))
    state.step, state.ema.num_updates = meta["step"], meta["ema_updates"]
    return True


def start_from(state: TrainState, model_dir) -> None:
    """Fine-tuning: the weights (and their EMA) start as a model folder's shipped weights; the optimizer and the
    step start afresh. The folder's architecture must be the run's."""
    from ..model_folder import load_state, read_config
    from ..models import config_from_dict, config_to_dict

    model = _unwrap(state.model)
    theirs = config_to_dict(config_from_dict(read_config(model_dir)["model"]))
    ours = config_to_dict(model.config)
    differ = "; ".join(f"{key} {theirs.get(key)} there, {value} here" for key, value in ours.items()
                       if theirs.get(key) != value)
    if differ:
        raise ValueError(f"{model_dir} holds a different network from the one this run trains ({differ}); give "
                         f"the same architecture flags")
    load_state(model, model_dir)
    state.ema.model.load_state_dict(model.state_dict())


def distributed_setup() -> tuple[int, int, torch.device]:
    """(rank, world_size, device); initialises torch.distributed when launched by torchrun."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world == 1:
        return 0, 1, torch.device("cuda" if torch.cuda.is_available() else "cpu")
    import torch.distributed as dist

    backend = "nccl" if torch.cuda.is_available() else "gloo"
    dist.init_process_group(backend)
    rank = dist.get_rank()
    if torch.cuda.is_available():
        local = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local)
        return rank, world, torch.device("cuda", local)
    return rank, world, torch.device("cpu")
