import pytest
import torch

from diffusion_core.forward import prediction_target, q_chain, q_sample, to_eps_and_x0
from diffusion_core.schedules import make_schedule


def test_q_sample_closed_form_and_fixed_noise():
    s = make_schedule("linear")
    x0, eps = torch.rand(2, 1, 4, 4) * 2 - 1, torch.randn(2, 1, 4, 4)
    for t in (0, 500, 999):
        xt, used = q_sample(x0, t, s, eps=eps)
        abar = s.alphas_cumprod[t]
        torch.testing.assert_close(xt, abar.sqrt() * x0 + (1 - abar).sqrt() * eps)
        assert used is eps
    g1, g2 = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    assert torch.equal(q_sample(x0, 10, s, generator=g1)[0], q_sample(x0, 10, s, generator=g2)[0])


def test_per_sample_timesteps():
    s = make_schedule("cosine")
    x0, eps = torch.ones(3, 1, 2, 2), torch.zeros(3, 1, 2, 2)
    xt, _ = q_sample(x0, torch.tensor([0, 500, 999]), s, eps=eps)
    torch.testing.assert_close(xt[:, 0, 0, 0], s.alphas_cumprod[[0, 500, 999]].sqrt())


@pytest.mark.parametrize("t", [0, 50, 300])
def test_markov_chain_matches_closed_form_in_distribution(t):
    """Running q(x_t|x_{t-1}) t+1 times gives mean sqrt(ᾱ_t) x0 and variance 1-ᾱ_t."""
    s = make_schedule("linear")
    x0 = torch.full((20000, 1, 1, 1), 0.7)
    xt = q_chain(x0, t, s, generator=torch.Generator().manual_seed(0))
    abar = s.alphas_cumprod[t].item()
    assert xt.mean().item() == pytest.approx(abar**0.5 * 0.7, abs=0.01)
    assert xt.var().item() == pytest.approx(1 - abar, rel=0.05, abs=2e-4)


@pytest.mark.parametrize("prediction_type", ["eps", "x0", "v"])
def test_prediction_conversions_are_exact_inverses(prediction_type):
    s = make_schedule("cosine")
    x0, eps, t = torch.randn(4, 1, 3, 3), torch.randn(4, 1, 3, 3), torch.tensor([1, 10, 400, 900])
    xt, _ = q_sample(x0, t, s, eps=eps)
    target = prediction_target(x0, eps, t, s, prediction_type)
    eps_hat, x0_hat = to_eps_and_x0(target, xt, t, s, prediction_type)
    torch.testing.assert_close(eps_hat, eps, atol=1e-3, rtol=1e-3)
    torch.testing.assert_close(x0_hat, x0, atol=1e-3, rtol=1e-3)
