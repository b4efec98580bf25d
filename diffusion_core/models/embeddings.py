"""Timestep and condition embeddings shared by the U-Nets."""
from __future__ import annotations

import math

import torch
from torch import nn


def sinusoidal_embedding(t: torch.Tensor, dim: int, max_period: float = 10000.0) -> torch.Tensor:
    """Transformer position encoding of the timestep (Vaswani et al.; Ho et al. appendix B).

    t: (B,) ints or floats -> (B, dim) = [cos(t·ω_i), sin(t·ω_i)], ω_i = max_period^(-i/(dim/2))."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]  # (B, half)
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class TimestepEmbedding(nn.Module):
    """t -> sinusoid -> MLP -> (B, emb_dim)."""

    def __init__(self, base_dim: int, emb_dim: int):
        super().__init__()
        self.base_dim = base_dim
        self.mlp = nn.Sequential(nn.Linear(base_dim, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        return self.mlp(sinusoidal_embedding(t, self.base_dim))


class ConditionEmbedding(nn.Module):
    """A class label or a vector (e.g. a CLIP embedding) -> (B, emb_dim), with a learned null token.

    Rows where `drop` is True, or all rows when cond is None, get the null embedding: this is the
    "unconditional" model that classifier-free guidance (Ho & Salimans 2022) contrasts against."""

    def __init__(self, emb_dim: int, num_classes: int = 0, cond_dim: int = 0):
        super().__init__()
        if (num_classes > 0) == (cond_dim > 0):
            raise ValueError("condition on a class label or on a vector, not both or neither")
        self.num_classes = num_classes
        if num_classes > 0:
            self.table = nn.Embedding(num_classes + 1, emb_dim)  # index num_classes = null
        else:
            self.proj = nn.Sequential(nn.Linear(cond_dim, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
            self.null = nn.Parameter(torch.zeros(emb_dim))

    def forward(self, cond, batch: int, drop: torch.Tensor | None, device) -> torch.Tensor:
        if drop is None:
            drop = torch.zeros(batch, dtype=torch.bool, device=device)
        if cond is None:
            drop = torch.ones(batch, dtype=torch.bool, device=device)
        if self.num_classes > 0:
            labels = torch.full((batch,), self.num_classes, device=device, dtype=torch.long)
            if cond is not None:
                labels = torch.where(drop, labels, cond.long().reshape(batch).to(device))
            return self.table(labels)
        null = self.null.expand(batch, -1)
        if cond is None:
            return null
        return torch.where(drop[:, None], null, self.proj(cond.to(null.dtype)))
