import re

import numpy as np
import pytest

from tests.lab.messages import refusal


@pytest.fixture
def tab(demo):
    return demo.tabs.denoise.handlers


def test_denoise_handlers(tab, x0):
    panels, metrics, curve = tab.update_denoise("tiny_cond", x0, x0, "noise %", 0, 50, 0)
    assert len(panels) == 5 and "t=500" in panels[1][1] and list(metrics["estimate"])[0] == "noisy x_t"
    assert set(curve["estimate"]) == {"model's x0 in one step", "noisy x_t"}
    panels, _, _ = tab.update_denoise("tiny_notime", x0, x0, "t", 999, 0, 0)
    assert panels[0][0].shape == (224, 224, 3)
    about, summary = tab.update_model_panel("tiny_notime")
    assert "never sees t" in about and "runs on CPU with PyTorch" in about and summary.iloc[-1]["stage"] == "total"
    err = tab.update_error_chart("tiny_cond")
    zero = err[err["predictor"] == "zero predictor"]["MSE of ε̂"]
    assert zero.between(0.8, 1.2).all()  # E[ε²] = 1


def test_no_model_selected_says_how_to_get_one(tab):
    about, table = tab.update_model_panel(None)
    assert "No model is loaded" in about and "python -m diffusion_core train" in about and table is None
    assert re.search("train one", refusal(lambda: tab.update_denoise(None, np.zeros((1, 28, 28)),
                                                                     np.zeros((1, 28, 28)), "t", 5, 0, 0)))


def test_a_flow_matching_model_denoises_on_its_straight_path(flow_demo, x0):
    tab = flow_demo.tabs.denoise.handlers
    panels, metrics, curve = tab.update_denoise("tiny_flow", x0, x0, "noise %", 0, 50, 0)
    assert len(panels) == 5 and "Euler steps" in panels[4][1] and len(curve) == 40
    noisy_psnr = metrics.set_index("estimate").loc["noisy x_t", "PSNR (dB)"]
    assert 3 < noisy_psnr < 12  # x_t = x0/2 + ε/2 at t = 0.5
    about, _ = tab.update_model_panel("tiny_flow")
    assert "flow matching" in about and "velocity" in about


def test_a_colour_model_denoises_the_picture_in_colour(rgb_demo):
    """Tab 3 with a 32×32 RGB model: the chosen photo itself (not its grey 28×28 version), in colour, and the
    predicted noise channel by channel."""
    from PIL import Image

    forward = rgb_demo.tabs.forward.handlers
    photo, grey, _ = forward.choose_upload(Image.new("RGB", (300, 200), (200, 30, 30)))
    panels, metrics, _ = rgb_demo.tabs.denoise.handlers.update_denoise("tiny_rgb", photo, grey, "t", 0, 0, 0)
    truth = panels[0][0].astype(int)
    assert truth.shape == (256, 256, 3) and (truth[..., 0] - truth[..., 1]).mean() > 100  # red, 32 px × 8
    assert [caption for _, caption in panels][3] == "predicted noise ε̂ per channel: R G / B"
    assert len(panels) == 6 and panels[3][0].shape[0] == panels[3][0].shape[1] >= 256  # square, as large as x0
    assert (rgb_demo.tabs.denoise.handlers.update_denoise("tiny_cond", photo, grey, "t", 10, 0, 0)[0][0][0].shape
            == (224, 224, 3))


def test_a_script_s_denoise_takes_a_picture_file(tab, tmp_path):
    import gradio as gr
    from PIL import Image

    Image.new("RGB", (40, 30), (200, 30, 30)).save(tmp_path / "red.png")
    panels, metrics = tab.denoise(str(tmp_path / "red.png"), "tiny_cond", 300, 0)
    assert [caption for _, caption in panels][:2] == ["ground truth x0", "noisy x_t (t=300)"]
    assert list(metrics.columns) == ["estimate", "MSE", "PSNR (dB)"]
    assert len(tab.denoise(model="tiny_notime")[0]) == 5  # the gallery's first picture
    with pytest.raises(gr.Error, match="no 'missing' among the choices for model"):
        tab.denoise(None, "missing", 300, 0)
