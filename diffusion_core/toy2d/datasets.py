"""2-D datasets for the playground: seeded samplers returning (N, 2) float32 points, scaled so that every
preset spreads over about [-2.5, 2.5]² (the noise N(0, I) covers about [-3, 3]²).

    two moons    two interleaved half circles (as scikit-learn's make_moons), centred
    swiss roll   a spiral r = θ, θ ∈ [1.5π, 4.5π], scaled by 1/5 and centred
    rings        two concentric circles of radius 1 and 2, points in proportion to their length
    gaussians    a mixture of 8 Gaussians (σ = 0.15) on a circle of radius 2
    smiley       a face: circle, two eyes, a smile
    density      any picture: points drawn in proportion to a (H, W) ink map (a student's drawing)
"""
from __future__ import annotations

import math

import torch

DATASETS = ("two_moons", "swiss_roll", "rings", "gaussians", "smiley")
BOX = 2.5  # a drawing fills [-BOX, BOX]²
FIT_BANDWIDTH = 0.1  # σ of the fit measure's kernel (mmd)


def _generator(seed: int | torch.Generator) -> torch.Generator:
    return seed if isinstance(seed, torch.Generator) else torch.Generator().manual_seed(int(seed))


def _on_circle(theta: torch.Tensor, radius, centre=(0.0, 0.0)) -> torch.Tensor:
    """(N,) angles -> (N, 2) points centre + r (cos θ, sin θ)."""
    return torch.stack([centre[0] + radius * torch.cos(theta), centre[1] + radius * torch.sin(theta)], dim=1)


def two_moons(n: int, g: torch.Generator, noise: float = 0.08) -> torch.Tensor:
    """Outer moon (cos θ, sin θ), inner moon (1 − cos θ, 0.5 − sin θ), θ ~ U[0, π]; centred on (0.5, 0.25), ×1.4."""
    theta = torch.rand(n, generator=g) * math.pi
    upper = torch.rand(n, generator=g) < 0.5
    outer, inner = _on_circle(theta, 1.0), _on_circle(theta, -1.0, (1.0, 0.5))
    x = torch.where(upper[:, None], outer, inner)
    x = x + noise * torch.randn(n, 2, generator=g)
    return (x - torch.tensor([0.5, 0.25])) * 1.4


def swiss_roll(n: int, g: torch.Generator, noise: float = 0.25) -> torch.Tensor:
    """(θ cos θ, θ sin θ)/5 with θ = 1.5π (1 + 2u): one and a half turns, moved by −(0.4, 0.1) to centre it."""
    theta = 1.5 * math.pi * (1 + 2 * torch.rand(n, generator=g))
    x = _on_circle(theta, theta) + noise * torch.randn(n, 2, generator=g)
    return x / 5 - torch.tensor([0.4, 0.1])


def rings(n: int, g: torch.Generator, noise: float = 0.06) -> torch.Tensor:
    """Circles of radius 1 and 2; a point is on the outer one with probability 2/3 (its share of the length)."""
    radius = torch.where(torch.rand(n, generator=g) < 2 / 3, 2.0, 1.0)
    x = _on_circle(2 * math.pi * torch.rand(n, generator=g), radius)
    return x + noise * torch.randn(n, 2, generator=g)


def gaussians(n: int, g: torch.Generator, std: float = 0.15, k: int = 8) -> torch.Tensor:
    """k equal components N(μ_j, σ² I), μ_j = 2 (cos 2πj/k, sin 2πj/k)."""
    j = torch.randint(0, k, (n,), generator=g)
    return _on_circle(2 * math.pi * j / k, 2.0) + std * torch.randn(n, 2, generator=g)


def smiley(n: int, g: torch.Generator, noise: float = 0.05) -> torch.Tensor:
    """Face (radius 2, 60 % of the points), eyes (blobs at (±0.7, 0.7), 10 % each), smile (radius 1.2 from 200° to
    340°, 20 %)."""
    part = torch.multinomial(torch.tensor([0.6, 0.1, 0.1, 0.2]), n, replacement=True, generator=g)
    u = torch.rand(n, generator=g)
    face = _on_circle(2 * math.pi * u, 2.0)
    eye = 0.15 * torch.randn(n, 2, generator=g)
    left, right = eye + torch.tensor([-0.7, 0.7]), eye + torch.tensor([0.7, 0.7])
    smile = _on_circle(math.radians(200) + math.radians(140) * u, 1.2, (0.0, 0.1))
    x = torch.stack([face, left, right, smile])[part, torch.arange(n)]  # (N, 2): each point from its part
    return x + noise * torch.randn(n, 2, generator=g)


SAMPLERS = {"two_moons": two_moons, "swiss_roll": swiss_roll, "rings": rings, "gaussians": gaussians, "smiley": smiley}


def sample_dataset(name: str, n: int, seed: int | torch.Generator = 0) -> torch.Tensor:
    """n points of a named dataset: (n, 2) float32. The same seed gives the same points."""
    if name not in SAMPLERS:
        raise ValueError(f"unknown 2-D dataset {name!r}; choose one of {DATASETS}")
    return SAMPLERS[name](int(n), _generator(seed)).float()


def points_from_density(density: torch.Tensor, n: int, seed: int | torch.Generator = 0,
                        min_ink: float = 1e-3) -> torch.Tensor:
    """n points drawn in proportion to a (H, W) map of non-negative ink (row 0 at the top), spread uniformly within
    their pixel and mapped to [-BOX, BOX]² with y up. Raises ValueError on a blank map."""
    density = density.float().clamp(min=0)
    if density.dim() != 2 or float(density.sum()) < min_ink * density.numel() or float(density.max()) <= 0:
        raise ValueError("the drawing is empty: draw a shape on the canvas first")
    g = _generator(seed)
    h, w = density.shape
    idx = torch.multinomial(density.flatten(), n, replacement=True, generator=g)  # (n,) pixel indices
    row, col = (idx // w).float(), (idx % w).float()
    jitter = torch.rand(n, 2, generator=g)
    x = (col + jitter[:, 0]) / w  # in [0, 1), left to right
    y = 1 - (row + jitter[:, 1]) / h  # in (0, 1], bottom to top
    return (torch.stack([x, y], dim=1) * 2 - 1) * BOX


def mmd(x: torch.Tensor, y: torch.Tensor, bandwidth: float = FIT_BANDWIDTH) -> float:
    """The squared maximum mean discrepancy (Gretton et al. 2012) between samples x (N, 2) and y (M, 2) with the
    Gaussian kernel k(a, b) = exp(−‖a − b‖² / 2σ²), σ = `bandwidth`:
        MMD² = E k(X, X') + E k(Y, Y') − 2 E k(X, Y)  ≥ 0,  zero only when the distributions are equal.
    The V-statistic (pairs with themselves included): two samples of one distribution give a small positive floor,
    about 2 (1 − E k)/N, so compare with the same figure for fresh data (`toy.fit_report`).
    σ = 0.1, the width of the presets' strokes, makes it see a blur of 0.1 (×1.7 the floor at N = 2000); the energy
    distance (Székely & Rizzo 2013), tried first, varies more between two draws than that blur changes it."""
    x, y = x.double(), y.double()

    def k(a, b):
        return torch.exp(-torch.cdist(a, b).square() / (2 * bandwidth**2)).mean()

    return float(k(x, x) + k(y, y) - 2 * k(x, y))
