"""A 2-D diffusion or flow-matching model: training with the engine's losses, sampling with the engine's
samplers, the learned vector field on a grid, and a fit measure.

    toy = ToyModel.new("flow_matching")
    run = Training(toy, sample_dataset("two_moons", 20_000), train_config("flow_matching", steps=1500))
    for numbers in run.steps(): ...            # {step, loss, lr, grad_norm, seconds}; stop whenever you like
    toy = run.model()                           # the EMA weights
    paths = toy.paths("euler", xT, 50)          # Paths: (S+1, N, 2) positions, times from 1 (noise) to 0 (data)

Time is shown in one convention for both objectives, τ ∈ [0, 1] with τ = 1 pure noise and τ = 0 data:
flow matching's own t (x_t = (1 − t) x0 + t ε), and for DDPM τ = (t + 1)/T of the integer timestep t
(τ = 0 is the finished sample, the samplers' t = -1).

The vector field is where a particle is pushed as τ decreases towards the data:
    flow matching:  −v̂(x, t)                            (the ODE dx/dt = v̂ run backwards in t)
    DDPM:           ∇ log p_t(x) ≈ −ε̂(x, t)/sqrt(1 − ᾱ_t)  (the score; Song et al. 2021, eq. 12 of Ho et al.)
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import torch

from .. import flow_samplers, samplers
from ..flow import FlowPath
from ..schedules import NoiseSchedule, make_schedule
from ..training.config import OBJECTIVES, TrainConfig
from ..training.loop import make_state, train_steps
from .model import Toy2DConfig, Toy2DNet

SAMPLERS = {"ddpm": ("ddpm", "ddim"), "flow_matching": ("euler", "heun", "midpoint")}
PREDICTION = {"ddpm": "eps", "flow_matching": "velocity"}
DDPM_SCHEDULE = ("linear", 1000)  # Ho et al.'s β_1 = 1e-4 .. β_T = 0.02 over T = 1000 steps


def train_config(objective: str, steps: int = 2000, **overrides) -> TrainConfig:
    """The engine's TrainConfig with defaults for a 2-D MLP on one CPU thread (bench/playground.py measures them)."""
    defaults = dict(objective=objective, schedule=DDPM_SCHEDULE[0], num_timesteps=DDPM_SCHEDULE[1], steps=steps,
                    batch_size=512,  # points per step: cheap for an MLP, smooth loss curve
                    lr=6e-3, warmup_steps=100, ema_decay=0.995, grad_clip=1.0, min_snr_gamma=0.0,
                    channels_last=False,  # (B, 2) points have no memory layout to choose
                    amp="none", dataset="toy2d", log_every=100, sample_every=0, checkpoint_every=0)
    return TrainConfig(**{**defaults, **overrides})


def process_for(objective: str, schedule: str = DDPM_SCHEDULE[0], num_timesteps: int = DDPM_SCHEDULE[1]):
    """The forward process an objective trains on: a NoiseSchedule (ddpm) or the linear FlowPath (flow_matching)."""
    if objective not in OBJECTIVES:
        raise ValueError(f"unknown objective {objective!r}; choose one of {OBJECTIVES}")
    return make_schedule(schedule, num_timesteps) if objective == "ddpm" else FlowPath()


@dataclass
class Paths:
    positions: torch.Tensor  # (S+1, N, 2): x at every step, positions[0] = x_T (noise), positions[-1] the sample
    times: list[float]  # S+1 times τ from 1 (noise) down to 0 (data)
    sampler: str


@dataclass
class ToyModel:
    net: Toy2DNet
    process: NoiseSchedule | FlowPath

    @classmethod
    def new(cls, objective: str, config: Toy2DConfig | None = None, seed: int = 0) -> ToyModel:
        """A network with random weights (seeded) for `objective`."""
        config = replace(config or Toy2DConfig(), prediction_type=PREDICTION[objective])
        torch.manual_seed(seed)
        return cls(Toy2DNet(config).eval(), process_for(objective))

    @property
    def objective(self) -> str:
        return "flow_matching" if isinstance(self.process, FlowPath) else "ddpm"

    def steps(self, sampler: str, xT: torch.Tensor, num_steps: int, seed: int = 0):
        """The engine's sampler generator (SamplerStep per step) from the starting points xT (N, 2)."""
        if sampler not in SAMPLERS[self.objective]:
            raise ValueError(f"a {self.objective} model samples with {' or '.join(SAMPLERS[self.objective])}, "
                             f"not {sampler!r}")
        g = torch.Generator().manual_seed(seed)  # DDPM's fresh noise at every step
        if self.objective == "ddpm":
            return samplers.sample(self.net, self.process, tuple(xT.shape), sampler=sampler, num_steps=num_steps,
                                   xT=xT, generator=g, clip_x0=False)  # clipping to [-1, 1] is for images
        return flow_samplers.sample(self.net, self.process, tuple(xT.shape), sampler=sampler, num_steps=num_steps,
                                    xT=xT)

    def tau(self, t) -> float:
        """A sampler's t as τ ∈ [0, 1] (the module docstring)."""
        return float(t) if self.objective == "flow_matching" else (int(t) + 1) / self.process.num_timesteps

    @torch.no_grad()
    def paths(self, sampler: str, xT: torch.Tensor, num_steps: int, seed: int = 0) -> Paths:
        """Every particle's path from xT (N, 2) to its sample."""
        steps = list(self.steps(sampler, xT, num_steps, seed))
        return Paths(torch.stack([s.xt for s in steps]), [self.tau(s.t) for s in steps], sampler)

    @torch.no_grad()
    def field(self, points: torch.Tensor, tau: float) -> torch.Tensor:
        """The vector field at time τ on points (G, 2) -> (G, 2) (the module docstring)."""
        n = points.shape[0]
        if self.objective == "flow_matching":
            t = torch.full((n,), self.process.network_time(min(max(tau, 0.0), 1.0)))
            return -self.net(points, t)
        T = self.process.num_timesteps
        t = min(max(round(tau * T) - 1, 0), T - 1)
        eps = self.net(points, torch.full((n,), t, dtype=torch.long))
        return -eps / (1 - self.process.alphas_cumprod[t]).sqrt()

    def generate(self, n: int, num_steps: int = 50, seed: int = 0, sampler: str | None = None) -> torch.Tensor:
        """n samples (n, 2) from x_T ~ N(0, I) seeded by `seed`, with the objective's first sampler by default."""
        xT = torch.randn(n, 2, generator=torch.Generator().manual_seed(seed))
        return self.paths(sampler or SAMPLERS[self.objective][0], xT, num_steps, seed + 1).positions[-1]


class Training:
    """One training run of a ToyModel on points (N, 2) with the engine's loop (training/loop.train_steps): the
    objective's loss, AdamW with warm-up and cosine decay, gradient clipping and an EMA of the weights."""

    def __init__(self, toy: ToyModel, data: torch.Tensor, cfg: TrainConfig):
        if cfg.objective != toy.objective:
            raise ValueError(f"the model is for {toy.objective}, the config trains {cfg.objective}")
        if data.dim() != 2 or data.shape[1] != 2 or len(data) < 2:
            raise ValueError(f"training data must be at least two points of shape (N, 2), got {tuple(data.shape)}")
        self.process, self.data, self.cfg = toy.process, data.float(), cfg
        self.state = make_state(toy.net, cfg)

    def steps(self):
        """Yields {step, loss, lr, grad_norm, seconds} after each step until cfg.steps; the caller may stop early."""
        yield from train_steps(self.state, self.data, None, self.process, self.cfg)

    def model(self) -> ToyModel:
        """The EMA weights as a ToyModel of their own (training may go on)."""
        net = Toy2DNet(self.state.ema.model.config)
        net.load_state_dict(self.state.ema.model.state_dict())
        return ToyModel(net.eval(), self.process)


FIT_STEPS = {"ddpm": 1000, "flow_matching": 100}  # the fit is measured with DDPM's own 1000 ancestral steps


def fit_report(toy: ToyModel, dataset_sample, n: int = 2000, num_steps: int | None = None, seed: int = 0) -> dict:
    """MMD² (datasets.mmd) of n generated points to n data points, next to its floor: the same figure for n fresh
    data points. dataset_sample(n, seed) -> (n, 2). Sampled with the objective's first sampler and FIT_STEPS: with
    50 ancestral steps DDPM's clusters come out narrower than the data's (x̂0 at large jumps is a mean)."""
    from .datasets import mmd

    num_steps = num_steps or FIT_STEPS[toy.objective]
    data = dataset_sample(n, 10_000 + seed)
    return {"mmd": mmd(toy.generate(n, num_steps, seed), data),
            "floor": mmd(dataset_sample(n, 20_000 + seed), data), "n": n, "num_steps": num_steps}
