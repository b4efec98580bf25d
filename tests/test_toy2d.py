"""diffusion_core.toy2d: seeded 2-D datasets, points from a drawing, the fit measure, the MLP, training with the
engine's losses and sampling with its samplers, presets saved and loaded, pictures. One torch thread.

The fit: MMD² (σ = 0.1) of 1000 generated points to 1000 data points, against its floor (the same figure for
1000 fresh data points, 0.0020 for two moons). A Gaussian blur of 0.1 on real points gives about 1.7 × the
floor, one of 0.2 about 4 ×. Stated threshold: after 1500 steps of 256 points, both objectives are within 2 × the
floor (measured: about 1.25 ×; the shipped presets, 4000 steps of 512, 0.8-1.9 ×)."""
import json

import pytest
import torch

from diffusion_core.model_folder import ModelLoadError
from diffusion_core.toy2d import (
    BOX,
    DATASETS,
    SAMPLERS,
    Toy2DConfig,
    Toy2DNet,
    ToyModel,
    Training,
    fit_report,
    mmd,
    points_from_density,
    sample_dataset,
    train_config,
)
from diffusion_core.toy2d.__main__ import main
from diffusion_core.toy2d.draw import Layer, draw_layer, grid_points, particle_colors, side_by_side
from diffusion_core.toy2d.presets import load_presets, save_presets

FIT_STEPS, FIT_RATIO = 1500, 2.0


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("name", DATASETS)
def test_datasets_are_seeded_points_in_the_view(name):
    a, b, c = sample_dataset(name, 500, 0), sample_dataset(name, 500, 0), sample_dataset(name, 500, 1)
    assert a.shape == (500, 2) and a.dtype == torch.float32
    assert torch.equal(a, b) and not torch.equal(a, c)
    assert a.abs().max() < 3.2 and 0.5 < a.std() < 2  # inside the plotted square, spread like N(0, I)


def test_unknown_dataset_names_the_known_ones():
    with pytest.raises(ValueError, match="two_moons"):
        sample_dataset("spiral", 10)


def test_points_from_density_follow_the_ink_and_refuse_a_blank_map():
    ink = torch.zeros(64, 64)
    ink[:16, 48:] = 1  # the top-right corner
    x = points_from_density(ink, 1000, seed=0)
    assert x.shape == (1000, 2) and torch.equal(x, points_from_density(ink, 1000, seed=0))
    assert (x[:, 0] >= BOX / 2 - 1e-6).all() and (x[:, 1] >= BOX / 2 - 1e-6).all()  # top right, y up
    with pytest.raises(ValueError, match="empty"):
        points_from_density(torch.zeros(64, 64), 10)


def test_mmd_sees_a_blur_that_fresh_data_does_not_show():
    data, fresh = sample_dataset("two_moons", 2000, 10), sample_dataset("two_moons", 2000, 11)
    floor = mmd(fresh, data)
    assert 0 < floor < 0.002
    assert mmd(fresh + 0.2 * torch.randn(2000, 2, generator=torch.Generator().manual_seed(0)), data) > 3 * floor


def test_config_round_trips_and_the_network_maps_points_to_points():
    config = Toy2DConfig(hidden=16, layers=2, prediction_type="velocity")
    assert Toy2DConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    with pytest.raises(ValueError, match="unknown keys"):
        Toy2DConfig.from_dict({**config.to_dict(), "depth": 3})
    net = Toy2DNet(config)
    assert net(torch.zeros(5, 2), torch.arange(5)).shape == (5, 2)
    assert net(torch.zeros(5, 2), torch.tensor(3.0)).shape == (5, 2)  # one t for the batch


@pytest.mark.parametrize("objective", ["ddpm", "flow_matching"])
def test_train_then_sample_two_moons_reaches_the_stated_fit(objective):
    data = sample_dataset("two_moons", 20_000, 0)
    run = Training(ToyModel.new(objective), data, train_config(objective, FIT_STEPS, batch_size=256))
    losses = [numbers["loss"] for numbers in run.steps()]
    assert len(losses) == FIT_STEPS and sum(losses[-100:]) < sum(losses[:100])
    report = fit_report(run.model(), lambda n, seed: sample_dataset("two_moons", n, seed), n=1000)
    assert report["mmd"] < FIT_RATIO * report["floor"], report


@pytest.fixture(scope="module")
def toys():
    """An untrained model per objective: the sampling contracts do not need a good fit."""
    return {objective: ToyModel.new(objective, Toy2DConfig(hidden=32, layers=2)) for objective in SAMPLERS}


def test_paths_run_from_noise_to_data_time_with_every_sampler(toys):
    xT = torch.randn(7, 2, generator=torch.Generator().manual_seed(0))
    for objective, toy in toys.items():
        for sampler in SAMPLERS[objective]:
            paths = toy.paths(sampler, xT, 10)
            assert paths.positions.shape == (11, 7, 2) and torch.equal(paths.positions[0], xT)
            assert paths.times[0] == 1.0 and paths.times[-1] == 0.0 and paths.times == sorted(paths.times, reverse=True)
    ddim = toys["ddpm"].paths("ddim", xT, 10).positions
    assert torch.equal(ddim, toys["ddpm"].paths("ddim", xT, 10).positions)
    with pytest.raises(ValueError, match="samples with"):
        toys["ddpm"].paths("euler", xT, 10)


def test_field_is_minus_the_velocity_or_the_score(toys):
    grid = grid_points(5)
    fm, ddpm = toys["flow_matching"], toys["ddpm"]
    v = fm.net(grid, torch.full((25,), 500.0))
    assert torch.allclose(fm.field(grid, 0.5), -v)
    eps = ddpm.net(grid, torch.full((25,), 499, dtype=torch.long))
    assert torch.allclose(ddpm.field(grid, 0.5), -eps / (1 - ddpm.process.alphas_cumprod[499]).sqrt())


def test_training_refuses_data_that_are_not_points(toys):
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        Training(toys["ddpm"], torch.zeros(10, 3), train_config("ddpm", 1))
    with pytest.raises(ValueError, match="is for ddpm"):
        Training(toys["ddpm"], torch.zeros(10, 2), train_config("flow_matching", 1))


def test_presets_save_load_and_the_command(tmp_path, toys):
    folder = save_presets(tmp_path / "p", {("rings", o): t for o, t in toys.items()},
                          {f"rings.{o}": {"steps": 1, "seconds": 0.1, "threads": 1, "mmd": 0.01, "floor": 0.001,
                                          "n": 10, "num_steps": 5} for o in toys})
    bank = load_presets(folder)
    x, t = torch.randn(4, 2), torch.arange(4)
    for objective, toy in toys.items():
        assert torch.equal(bank["rings", objective].net(x, t), toy.net(x, t))
        assert bank["rings", objective].objective == objective
    assert "| rings | ddpm | 1 |" in (folder / "README.md").read_text()
    (folder / "config.json").write_text(json.dumps({"kind": "unet"}))
    with pytest.raises(ModelLoadError, match="presets"):
        load_presets(folder)
    assert main(["train-presets", "--out", str(tmp_path / "cli"), "--steps", "3", "--datasets", "gaussians",
                 "--objectives", "flow_matching"]) == 0
    assert set(load_presets(tmp_path / "cli")) == {("gaussians", "flow_matching")}


def test_pictures_are_uint8_panels():
    xT = torch.randn(20, 2)
    layer = Layer("t = 1", sample_dataset("smiley", 50), torch.stack([xT, xT * 0.5]), particle_colors(xT),
                  grid_points(4), torch.randn(16, 2))
    picture = draw_layer(layer, 120)
    assert picture.shape == (120, 120, 3) and picture.dtype.name == "uint8" and picture.min() < 100
    assert side_by_side([picture, picture], gap=4).shape == (120, 244, 3)
