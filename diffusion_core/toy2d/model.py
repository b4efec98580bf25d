"""The playground's network: a small MLP on 2-D points with a time embedding (as in the toy experiments of
Ho et al. 2020 and Lipman et al. 2023), predicting ε (DDPM) or the velocity ε − x0 (flow matching).

    e   = TimestepEmbedding(t)                      (B, hidden): sinusoid of t -> Linear -> SiLU -> Linear
    f   = [x, sinusoid(x_scale · x_1), sinusoid(x_scale · x_2)]   (B, 2 + 2·x_features): sharp shapes come easier
          with features of many frequencies (Tancik et al. 2020); the raw x keeps far-out noise points sensible
    h_0 = SiLU(W_0 f + e)                           (B, hidden)
    h_i = SiLU(W_i h_{i-1} + e),  i = 1 .. layers-1 (B, hidden)
    out = W_out h                                   (B, 2)

t is DDPM's integer timestep 0..T-1, or flow matching's t·time_scale (flow.FlowPath), so one embedding serves
both. The call signature is the U-Net's, model(x, t, cond=None, drop=None), so the engine's losses
(training/loop.py) and samplers (samplers.py, flow_samplers.py) run it unchanged; it has no condition.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import torch
from torch import nn

from ..models.embeddings import TimestepEmbedding, sinusoidal_embedding

PREDICTION_TYPES = ("eps", "velocity")


@dataclass(frozen=True)
class Toy2DConfig:
    architecture: str = "toy2d_mlp"  # names the network in config.json
    hidden: int = 128  # width of every hidden layer
    layers: int = 3  # hidden layers, each Linear + time embedding + SiLU
    time_dim: int = 64  # sinusoidal features of t before the embedding MLP
    x_features: int = 32  # sinusoidal features of each coordinate (0: the raw x); sharper fits in fewer steps
    x_scale: float = 25.0  # coordinates are multiplied by this before their sinusoid
    prediction_type: str = "eps"  # eps (objective ddpm) or velocity (objective flow_matching)
    num_classes: int = 0  # no conditions: here so code that asks a model about them gets an answer
    cond_dim: int = 0

    def __post_init__(self):
        if self.prediction_type not in PREDICTION_TYPES:
            raise ValueError(f"unknown prediction_type {self.prediction_type!r}; choose one of {PREDICTION_TYPES}")
        if self.hidden < 1 or self.layers < 1 or self.time_dim < 2:
            raise ValueError(f"hidden, layers and time_dim must be positive, got {self.hidden}, {self.layers}, "
                             f"{self.time_dim}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Toy2DConfig:
        """The inverse of to_dict; unknown keys are an error, not silently dropped."""
        unknown = set(d) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown keys in the 2-D model config: {sorted(unknown)}")
        return cls(**d)


class Toy2DNet(nn.Module):
    def __init__(self, config: Toy2DConfig = Toy2DConfig()):
        super().__init__()
        self.config = config
        self.time_embedding = TimestepEmbedding(config.time_dim, config.hidden)
        widths = [2 + 2 * config.x_features] + [config.hidden] * config.layers
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.out = nn.Linear(config.hidden, 2)
        self.act = nn.SiLU()

    def forward(self, x: torch.Tensor, t: torch.Tensor, cond=None, drop=None) -> torch.Tensor:
        """x: (B, 2), t: (B,) -> (B, 2)."""
        e = self.time_embedding(t.reshape(-1).expand(x.shape[0]))
        h = x
        if self.config.x_features:  # the raw x too: sinusoids alone do not extrapolate to noise far out in the tails
            features = sinusoidal_embedding((x * self.config.x_scale).reshape(-1), self.config.x_features)
            h = torch.cat([x, features.reshape(x.shape[0], -1)], dim=1)
        for layer in self.hidden:
            h = self.act(layer(h) + e)
        return self.out(h)
