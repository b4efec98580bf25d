"""Every handler through the core on tiny models, bad input, and the app served and called with gradio_client."""
import importlib
import sys

import gradio as gr
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from tests.fixtures import make_tiny_models


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = make_tiny_models(tmp_path_factory.mktemp("models"), with_clip=True)
    mp = pytest.MonkeyPatch()
    mp.setenv("DIFFUSION_LAB_MODELS", str(root))
    sys.modules.pop("app", None)
    module = importlib.import_module("app")
    yield module
    mp.undo()
    sys.modules.pop("app", None)


@pytest.fixture
def x0(app):
    return app.choose_upload(Image.new("RGB", (300, 200), (200, 30, 30)))[0]


def test_models_load_once_and_are_listed(app):
    assert set(app.ZOO.names()) == {"tiny_cond", "tiny_notime", "tiny_text"}
    assert app.ZOO.names(with_time=True) == ["tiny_cond", "tiny_text"] and app.TEXT_MODEL == "tiny_text"


def test_forward_handler(app, x0):
    assert x0.shape == (1, 28, 28)
    xt, equation, hist, strip = app.update_forward(x0, "cosine", 1000, 500, 0, False)
    assert xt.shape == (224, 224, 3) and "t = 500" in equation and "0.702 · x0 + 0.713 · ε" in equation
    assert isinstance(hist, pd.DataFrame) and set(hist["series"]) == {"pixels of x_t", "N(0, 1)"}
    again = app.update_forward(x0, "cosine", 1000, 500, 0, False)[0]
    assert np.array_equal(xt, again)  # same ε while t stays: the slider is reproducible
    _, eq_markov, _, _ = app.update_forward(x0, "linear", 1000, 300, 0, True)
    assert "Markov chain (301 steps" in eq_markov


def test_schedule_handler(app, x0):
    beta, abar, snr, table, row = app.update_schedules(["linear", "cosine"], 1000, 400, x0, 0)
    assert set(beta["schedule"]) == {"linear", "cosine", "t = 400"} and len(table) == 2 and len(row) == 2
    assert table.set_index("schedule").loc["cosine", "0 dB at t"] == 496


def test_denoise_handlers(app, x0):
    panels, metrics, curve = app.update_denoise("tiny_cond", x0, "noise %", 0, 50, 0)
    assert len(panels) == 5 and "t=500" in panels[1][1] and list(metrics["estimate"])[0] == "noisy x_t"
    assert set(curve["estimate"]) == {"model's x0 in one step", "noisy x_t"}
    panels, _, _ = app.update_denoise("tiny_notime", x0, "t", 999, 0, 0)
    assert panels[0][0].shape == (224, 224, 3)
    about, summary = app.update_model_panel("tiny_notime")
    assert "never sees t" in about and "runs on CPU with PyTorch" in about and summary.iloc[-1]["stage"] == "total"
    err = app.update_error_chart("tiny_cond")
    zero = err[err["predictor"] == "zero predictor"]["MSE of ε̂"]
    assert zero.between(0.8, 1.2).all()  # E[ε²] = 1


def test_sampling_handlers(app):
    outputs = list(app.run_sampler("tiny_cond", "dpm_solver_pp", 6, 0.0, 1, 3, -1, 2.0))
    frame, status, frames, _ = outputs[-1]
    assert "step 6/6" in status and len(frames) == 7 and frame.ndim == 3
    assert "a batch of 6: conditional + unconditional" in status and "with TorchScript" in status  # w=2, 3 images
    assert np.array_equal(app.scrub(frames, 0), frames[0])
    gif, mp4, strip = app.export(frames)
    assert gif.endswith(".gif") and mp4.endswith(".mp4") and Image.open(gif).n_frames == 7 and Image.open(strip).size[0] > 0
    *_, (_, limited, _, _) = app.run_sampler("tiny_cond", "ddim", 20, 0.0, 1, 2, 3, 2.0, True)
    assert "step 20/20" in limited and "where 0.28 < σ_t ≤ 5.42" in limited
    compared = app.all_samplers("tiny_cond", 4, 0, 2, 3, 1.0)
    assert [c[1].split(":")[0] for c in compared] == ["DDPM (ancestral)", "DDIM", "DPM-Solver++(2M)", "DPM-Solver++(2M) SDE"]


@pytest.mark.parametrize("call,expected", [
    (lambda a: a.update_forward(None, "linear", 1000, 5, 0, False), "Pick an image"),
    (lambda a: a.update_forward(np.zeros((1, 28, 28)), "linear", 10**9, 5, 0, False), "T must be between"),
    (lambda a: a.update_forward(np.zeros((1, 28, 28)), "nope", 1000, 5, 0, False), "unknown schedule"),
    (lambda a: a.choose_drawing({"composite": Image.new("RGBA", (50, 50))}), "drawing is empty"),
    (lambda a: a.choose_drawing(None), "drawing is empty"),
    (lambda a: a.choose_upload(Image.new("L", (9000, 9000))), "40 megapixels"),
    (lambda a: list(a.run_sampler("tiny_cond", "ddim", 0, 0, 0, 1, -1, 1)), "steps must be between"),
    (lambda a: list(a.run_sampler("missing", "ddim", 5, 0, 0, 1, -1, 1)), "not loaded"),
    (lambda a: a.export([]), "Generate first"),
    (lambda a: a.update_denoise(None, np.zeros((1, 28, 28)), "t", 5, 0, 0), "train one"),
    (lambda a: list(a.text_to_image("   ", 3, 5, "ddim", 0, 2)), "prompt is empty"),
    (lambda a: a.inspect_prompt(""), "prompt is empty"),
    (lambda a: list(a.text_to_image("seven", 3, 5, "ddim", 0, 99)), "images must be between"),
])
def test_bad_input_gives_a_message_not_a_trace(app, call, expected):
    with pytest.raises(gr.Error, match=expected):
        call(app)


def test_text_to_image_handlers(app):
    outputs = list(app.text_to_image("a bold seven", 3.0, 5, "ddim", 0, 2))
    images, status = outputs[-1]
    assert len(images) == 2 and images[0].shape == (112, 112, 3) and "step 5/5" in status
    _, status = list(app.text_to_image("seven " * 200, 1.0, 2, "ddim", 0, 1))[-1]
    assert "cut to its first" in status
    table, neighbours, warning = app.inspect_prompt("ein Hund im Schnee")
    assert len(table) == 12 and len(neighbours) == 8 and warning and "Retrieval prior" in warning
    assert app.TEXT_STUDIO.bank is not None and len(app.TEXT_STUDIO.bank) == 80
    with_prior = list(app.text_to_image("dark ankle boots", 3.0, 3, "ddim", 0, 1, True))[-1]
    without = list(app.text_to_image("dark ankle boots", 3.0, 3, "ddim", 0, 1, False))[-1]
    assert "'boots' → 'boot'" in with_prior[1] and not np.array_equal(with_prior[0][0], without[0][0])


def test_drawing_is_read_as_white_on_black(app):
    im = Image.new("RGBA", (280, 280))
    im.paste((0, 0, 0, 255), (100, 40, 180, 240))  # a black bar on a transparent canvas
    x0, _ = app.choose_drawing({"composite": im})
    assert x0.max() == 1 and x0[0, 0, 0] == -1


def test_served_app_answers_gradio_client(app):
    from gradio_client import Client

    app.demo.launch(prevent_thread_lock=True, server_port=7871, quiet=True)
    try:
        client = Client("http://127.0.0.1:7871/", verbose=False)
        result = client.predict("cosine", 1000, 999, False, api_name="/update_forward")
        assert "t = 999" in result[1]
        beta, *_ = client.predict(["linear"], 1000, 10, api_name="/update_schedules")
        assert beta is not None
        images, status = client.predict("a thin two", 2.0, 5, "ddim", 1, 2, True, api_name="/text_to_image")
        assert len(images) == 2 and "step 5/5" in status
    finally:
        app.demo.close()


def test_app_without_weights_serves_tabs_1_and_2(tmp_path):
    mp = pytest.MonkeyPatch()
    mp.setenv("DIFFUSION_LAB_MODELS", str(tmp_path / "empty"))
    sys.modules.pop("app", None)
    try:
        bare = importlib.import_module("app")
        assert bare.ZOO.names() == []
        x0 = bare.choose_upload(Image.new("L", (28, 28), 200))[0]
        assert "t = 10" in bare.update_forward(x0, "linear", 1000, 10, 0, False)[1]
        assert len(bare.update_schedules(["cosine"], 1000, 10, x0, 0)[3]) == 1
        about, table = bare.update_model_panel(None)
        assert "No model is loaded" in about and "python -m diffusion_core train" in about and table is None
    finally:
        mp.undo()
        sys.modules.pop("app", None)
