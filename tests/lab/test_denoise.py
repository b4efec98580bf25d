import pytest
import torch

from diffusion_core.evaluation.metrics import psnr
from diffusion_core.pipeline import load_pipeline
from lab.lessons.denoise import denoise_view, dli_rows, error_by_timestep, model_summary, percent_to_t
from tests.fixtures import make_tiny_models


@pytest.fixture(scope="module")
def pipes(tmp_path_factory):
    root = make_tiny_models(tmp_path_factory.mktemp("m"))
    return {n: load_pipeline(root / n, device="cpu") for n in ("tiny_cond", "tiny_notime")}


def test_psnr_closed_form_and_percent():
    x = torch.zeros(1, 4, 4)
    assert psnr(x + 0.2, x) == pytest.approx(10 * torch.log10(torch.tensor(4 / 0.04)).item())
    assert psnr(x, x) == float("inf")
    assert (percent_to_t(0, 1000), percent_to_t(50, 1000), percent_to_t(100, 1000),
            percent_to_t(130, 1000)) == (0, 500, 999, 999)


def test_denoise_view_for_both_kinds_of_model(pipes):
    x0, eps = torch.rand(1, 28, 28) * 2 - 1, torch.randn(1, 28, 28)
    for pipe in pipes.values():
        view = denoise_view(pipe, x0, 300, eps, reverse_steps=5)
        assert len(view.panels) == 5 and "5 DDIM steps" in view.panels[4][1]
        assert list(view.metrics.columns) == ["estimate", "MSE", "PSNR (dB)"]
        assert len(view.psnr_curve) == 40
    assert "1 DDIM steps" in denoise_view(pipes["tiny_cond"], x0, 0, eps).panels[4][1]


def test_dli_rows_and_error_chart(pipes):
    images = torch.rand(10, 1, 28, 28) * 2 - 1
    grid = dli_rows(pipes["tiny_notime"], images)
    assert grid.shape[0] == 3 * (7 * 30 + 2)  # 7 rows of 28 px + padding, ×3
    err = error_by_timestep(pipes["tiny_cond"], images, bins=5)
    random = err[err.predictor == "random predictor"]["MSE of ε̂"]
    assert len(err) == 15 and random.between(1.6, 2.4).all()  # E[(g-ε)²] = 2


def test_model_summary_counts_every_parameter(pipes):
    pipe = pipes["tiny_cond"]
    table = model_summary(pipe.model, 28, 1)
    total = table.iloc[-1]
    assert total["parameters"] == sum(p.numel() for p in pipe.model.parameters())
    assert "8×28×28" in set(table["output (C×H×W)"])


def test_held_out_images_of_joined_and_unknown_sets():
    from lab.lessons.denoise import held_out_images
    from tests.conftest import require_dataset

    assert held_out_images("emoji", 4) is None and held_out_images("mnist+nowhere", 4) is None
    require_dataset("mnist"), require_dataset("fashion_mnist")
    both = held_out_images("mnist+fashion_mnist", 10)
    assert both.shape == (10, 1, 28, 28)


def test_model_input_gives_each_model_the_picture_it_sees():
    import torch

    from lab.lessons.denoise import model_input

    grey = torch.zeros(1, 28, 28)
    photo = torch.stack([torch.full((40, 60), 0.8), torch.full((40, 60), -0.6), torch.full((40, 60), -0.6)])
    photo[:, :, :10] = -1  # a dark band on the left, cropped away by the centre square
    assert model_input(photo, grey, 1, 28) is grey  # a 28×28 grey model: tab 1's grey version, strokes and all
    rgb = model_input(photo, grey, 3, 32)
    assert rgb.shape == (3, 32, 32) and torch.allclose(rgb[:, 16, 16], torch.tensor([0.8, -0.6, -0.6]))
    assert rgb.min() > -0.7  # the band lay outside the centre square
    assert torch.allclose(model_input(photo, grey, 1, 32), rgb.mean(0, keepdim=True))
    repeated = model_input(photo[:1], grey, 3, 16)
    assert repeated.shape == (3, 16, 16) and torch.equal(repeated[0], repeated[2])


def test_a_colour_model_s_error_chart_and_rows_on_emoji(rgb_demo, rgb_classroom):
    """A colour model's row view and error by timestep use emoji at its size (it learnt from every emoji: none is
    held out); without the emoji data the chart uses random pictures of its own shape (3×32×32), not a fault."""
    handlers = rgb_demo.tabs.denoise.handlers
    table = handlers.update_error_chart("tiny_rgb")
    assert len(table) == 30 and set(table.predictor) == {"model", "zero predictor", "random predictor"}
    pipe = rgb_classroom.zoo.get("tiny_rgb")
    images = handlers.lesson_images(pipe, 10)
    if images is not None:  # the emoji data is here
        assert images.shape == (10, 3, 32, 32) and images.std() > 0.2
        assert handlers.update_dli_rows("tiny_rgb").shape[-1] == 3
