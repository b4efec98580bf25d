import pytest
import torch

from diffusion_core.lessons import fixed_noise, forward_view, noised_by_each_schedule, picture, schedule_curves, schedule_table


def test_picture_upscales_and_rows():
    assert picture(torch.zeros(1, 28, 28)).shape == (224, 224, 3)
    assert picture(torch.zeros(3, 1, 28, 28), scale=1).shape == (32, 3 * 30 + 2, 3)


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


def test_schedule_tables_and_marker():
    curves = schedule_curves(["linear", "cosine"], 1000, marker_t=123)
    assert set(curves) == {"beta", "alpha_bar", "snr_db"}
    marker = curves["alpha_bar"][curves["alpha_bar"].schedule == "t = 123"]
    assert list(marker.t) == [123, 123]
    table = schedule_table(["linear"])
    assert table.loc[0, "0 dB at t"] == 259 and table.loc[0, "ᾱ(500)"] == pytest.approx(0.0778, abs=1e-4)
    assert len(noised_by_each_schedule(torch.zeros(1, 28, 28), 10, torch.zeros(1, 28, 28), ["linear", "sigmoid"])) == 2
