import pytest
import torch

from lab.lessons.forward import fixed_noise, forward_view


def test_forward_view_numbers_match_the_schedule():
    x0, eps = torch.zeros(1, 28, 28), fixed_noise((1, 28, 28), 0)
    view = forward_view(x0, "linear", 1000, 999, eps)
    assert "0.006 · x0 + 1.000 · ε" in view.equation and "-43.9 dB" in view.equation
    assert view.strip_timesteps == [0, 143, 285, 428, 571, 714, 856, 999]
    hist = view.histogram[view.histogram.series == "pixels of x_t"]
    mean = (hist.value * hist.density).sum() * (hist.value.iloc[1] - hist.value.iloc[0])
    assert mean == pytest.approx(eps.mean().item(), abs=0.05)  # x_t ≈ ε at t = 999
    assert torch.equal(fixed_noise((2,), 3), fixed_noise((2,), 3))


def test_markov_view_reports_agreement_with_closed_form():
    view = forward_view(torch.full((1, 28, 28), 0.5), "linear", 1000, 400, fixed_noise((1, 28, 28), 0), markov=True)
    assert "closed form predicts" in view.equation
