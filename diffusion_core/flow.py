"""Flow matching on the linear ("rectified") path (Lipman et al. 2023; Liu et al. 2022): data and noise are
joined by straight lines, and a network learns the velocity along them.

    path:      x_t = (1 − t) x0 + t ε,      t ∈ [0, 1],  ε ~ N(0, I)     (t = 0: data, t = 1: noise, as in SD3)
    velocity:  v = dx_t/dt = ε − x0                                     (the regression target; Lipman eq. 23)
    given x_t, t and one of (v, ε, x0), the other two:
        v:   x0 = x_t − t v,             ε = x_t + (1 − t) v
        ε:   x0 = (x_t − t ε)/(1 − t),   v = (ε − x_t)/(1 − t)          (undefined at t = 1)
        x0:  ε = (x_t − (1 − t) x0)/t,   v = (x_t − x0)/t               (undefined at t = 0)

The network sees t·time_scale (time_scale = 1000), so its sinusoidal embedding spans the same range as DDPM's
integer timesteps 0..999. Sampling integrates dx/dt = v̂ from t = 1 to t = 0 (flow_samplers.py), optionally on a
shifted time grid (SD3, Esser et al. 2024 eq. 23): t' = s t / (1 + (s − 1) t); s > 1 spends more steps near noise.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import torch

PATHS = ("linear",)
GIVEN = ("velocity", "eps", "x0")
T_SAMPLINGS = ("uniform", "logit_normal")


@dataclass(frozen=True)
class FlowPath:
    path: str = "linear"  # x_t = (1 − t) x0 + t ε; the only path implemented
    time_scale: float = 1000.0  # the network is fed t·time_scale: DDPM's range of t, for the same embedding
    shift: float = 1.0  # the samplers' default time shift s (1: an evenly spaced grid)

    def __post_init__(self):
        if self.path not in PATHS:
            raise ValueError(f"unknown flow path {self.path!r}; choose one of {PATHS}")
        if self.time_scale <= 0 or self.shift <= 0:
            raise ValueError(f"time_scale and shift must be positive, got {self.time_scale} and {self.shift}")

    def network_time(self, t):
        """What the network's time input is: t·time_scale (a float or a (B,) tensor)."""
        return t * self.time_scale

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> FlowPath:
        """The inverse of to_dict; unknown keys are an error, not silently dropped."""
        unknown = set(d) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown keys in the flow config: {sorted(unknown)}")
        return cls(**d)


def _per_sample(t, like: torch.Tensor):
    """A float stays a float; a (B,) tensor becomes (B, 1, 1, 1) to broadcast over an image batch `like`."""
    if isinstance(t, torch.Tensor):
        return t.to(like.device, like.dtype).reshape(-1, *([1] * (like.dim() - 1)))
    return t


def path_sample(x0: torch.Tensor, t, eps: torch.Tensor | None = None, generator=None):
    """x_t = (1 − t) x0 + t ε in one shot. x0: (B, C, H, W), t: float or (B,). Returns (xt, eps).

    Pass a fixed `eps` to keep the same noise while t changes (as forward.q_sample does)."""
    if eps is None:
        eps = torch.randn(x0.shape, generator=generator, device=x0.device, dtype=x0.dtype)
    t = _per_sample(t, x0)
    return (1 - t) * x0 + t * eps, eps


def velocity_target(x0: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """v = dx_t/dt = ε − x0: the same for every t on the straight line from x0 to ε."""
    return eps - x0


def velocity_eps_x0(output: torch.Tensor, xt: torch.Tensor, t, given: str = "velocity"):
    """(v, ε, x0) from x_t, t (float or (B,)) and one of them, `given` (see the module docstring)."""
    t = _per_sample(t, xt)
    if given == "velocity":
        v = output
        return v, xt + (1 - t) * v, xt - t * v
    if given == "eps":
        eps = output
        return (eps - xt) / (1 - t), eps, (xt - t * eps) / (1 - t)
    if given == "x0":
        x0 = output
        return (xt - x0) / t, (xt - (1 - t) * x0) / t, x0
    raise ValueError(f"unknown quantity {given!r}; choose one of {GIVEN}")


def shift_time(t, shift: float):
    """t' = s t / (1 + (s − 1) t) (Esser et al. 2024 eq. 23, s = sqrt(m/n)): keeps 0 and 1, moves the rest up."""
    return shift * t / (1 + (shift - 1) * t)


def time_grid(num_steps: int, shift: float = 1.0) -> list[float]:
    """n + 1 times from 1 (noise) down to 0 (data): t_i = 1 − i/n, shifted."""
    if num_steps < 1:
        raise ValueError(f"num_steps must be at least 1, got {num_steps}")
    return [shift_time(1 - i / num_steps, shift) for i in range(num_steps + 1)]


def training_times(n: int, generator: torch.Generator | None, sampling: str = "uniform") -> torch.Tensor:
    """(n,) training times in [0, 1): uniform (Lipman et al.; Liu et al.), or logit-normal: sigmoid of N(0, 1),
    denser in the middle of the path (SD3, Esser et al. 2024 §3.1, m = 0, s = 1)."""
    if sampling == "uniform":
        return torch.rand(n, generator=generator)
    if sampling == "logit_normal":
        return torch.sigmoid(torch.randn(n, generator=generator))
    raise ValueError(f"unknown t sampling {sampling!r}; choose one of {T_SAMPLINGS}")
