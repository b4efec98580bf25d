import re

import numpy as np
import pytest

from tests.lab.messages import refusal


@pytest.fixture
def tab(demo):
    return demo.tabs.denoise.handlers


def test_denoise_handlers(tab, x0):
    panels, metrics, curve = tab.update_denoise("tiny_cond", x0, "noise %", 0, 50, 0)
    assert len(panels) == 5 and "t=500" in panels[1][1] and list(metrics["estimate"])[0] == "noisy x_t"
    assert set(curve["estimate"]) == {"model's x0 in one step", "noisy x_t"}
    panels, _, _ = tab.update_denoise("tiny_notime", x0, "t", 999, 0, 0)
    assert panels[0][0].shape == (224, 224, 3)
    about, summary = tab.update_model_panel("tiny_notime")
    assert "never sees t" in about and "runs on CPU with PyTorch" in about and summary.iloc[-1]["stage"] == "total"
    err = tab.update_error_chart("tiny_cond")
    zero = err[err["predictor"] == "zero predictor"]["MSE of ε̂"]
    assert zero.between(0.8, 1.2).all()  # E[ε²] = 1


def test_no_model_selected_says_how_to_get_one(tab):
    about, table = tab.update_model_panel(None)
    assert "No model is loaded" in about and "python -m diffusion_core train" in about and table is None
    assert re.search("train one", refusal(lambda: tab.update_denoise(None, np.zeros((1, 28, 28)), "t", 5, 0, 0)))


def test_a_flow_matching_model_denoises_on_its_straight_path(flow_demo, x0):
    tab = flow_demo.tabs.denoise.handlers
    panels, metrics, curve = tab.update_denoise("tiny_flow", x0, "noise %", 0, 50, 0)
    assert len(panels) == 5 and "Euler steps" in panels[4][1] and len(curve) == 40
    noisy_psnr = metrics.set_index("estimate").loc["noisy x_t", "PSNR (dB)"]
    assert 3 < noisy_psnr < 12  # x_t = x0/2 + ε/2 at t = 0.5
    about, _ = tab.update_model_panel("tiny_flow")
    assert "flow matching" in about and "velocity" in about
