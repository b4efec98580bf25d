"""One-step PSNR per timestep (the no-time denoiser's comparison), on stand-in predictors with known answers."""
import math

import pytest
import torch

from diffusion_core.evaluation.no_time import psnr_per_t
from diffusion_core.schedules import make_schedule


class StandIn:
    """predict_eps_and_x0 like a Pipeline: x̂0 = 0 ("blank"), or the exact x0 up to a fixed error ("near")."""

    def __init__(self, error: float | None):
        self.schedule, self.error = make_schedule("cosine", 1000), error

    def predict_eps_and_x0(self, xt, t):
        if self.error is None:
            return torch.zeros_like(xt), torch.zeros_like(xt)
        return torch.zeros_like(xt), torch.full_like(xt, 0.5 + self.error)  # X0 is 0.5 everywhere


X0 = torch.full((3, 1, 4, 4), 0.5)


def test_psnr_of_a_blank_and_a_near_exact_estimate():
    eps = torch.randn(X0.shape, generator=torch.Generator().manual_seed(0))
    blank = psnr_per_t(StandIn(None), X0, eps, timesteps=(10, 999))
    near = psnr_per_t(StandIn(0.02), X0, eps, timesteps=(500,), batch=2)
    assert blank == {10: pytest.approx(10 * math.log10(4 / 0.25)), 999: pytest.approx(10 * math.log10(16))}
    assert near[500] == pytest.approx(10 * math.log10(4 / 0.02 ** 2), rel=1e-4)
