"""flow.py against its closed forms: the straight path, its velocity, the conversions, the time shift."""
import dataclasses

import pytest
import torch

from diffusion_core.flow import (
    FlowPath,
    path_sample,
    shift_time,
    time_grid,
    training_times,
    velocity_eps_x0,
    velocity_target,
)


def _batch(seed=0):
    g = torch.Generator().manual_seed(seed)
    x0, eps = torch.randn(4, 1, 6, 6, generator=g), torch.randn(4, 1, 6, 6, generator=g)
    return x0, eps, torch.tensor([0.1, 0.3, 0.6, 0.9])


def test_the_path_runs_from_data_to_noise_with_constant_velocity():
    x0, eps, t = _batch()
    assert torch.equal(path_sample(x0, 0.0, eps)[0], x0) and torch.equal(path_sample(x0, 1.0, eps)[0], eps)
    xt, same_eps = path_sample(x0, t, eps)
    assert same_eps is eps
    torch.testing.assert_close(xt[2], 0.4 * x0[2] + 0.6 * eps[2])
    # dx_t/dt along the straight line, by a finite difference: the same ε − x0 at every t
    dt = 1e-2
    slope = (path_sample(x0, t + dt, eps)[0] - xt) / dt
    torch.testing.assert_close(slope, velocity_target(x0, eps), atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("given", ["velocity", "eps", "x0"])
def test_conversions_round_trip(given):
    """From x_t, t and any one of (v, ε, x0), velocity_eps_x0 recovers all three."""
    x0, eps, t = _batch(1)
    xt, _ = path_sample(x0, t, eps)
    v = velocity_target(x0, eps)
    output = {"velocity": v, "eps": eps, "x0": x0}[given]
    for got, want in zip(velocity_eps_x0(output, xt, t, given), (v, eps, x0)):
        torch.testing.assert_close(got, want, atol=1e-5, rtol=1e-5)
    with pytest.raises(ValueError, match="unknown quantity"):
        velocity_eps_x0(v, xt, t, "score")


def test_float_t_broadcasts_like_a_tensor():
    x0, eps, _ = _batch(2)
    xt, _ = path_sample(x0, 0.25, eps)
    torch.testing.assert_close(xt, path_sample(x0, torch.full((4,), 0.25), eps)[0])
    _, eps_hat, x0_hat = velocity_eps_x0(velocity_target(x0, eps), xt, 0.25)
    torch.testing.assert_close(x0_hat, x0, atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(eps_hat, eps, atol=1e-6, rtol=1e-6)


def test_time_shift_and_grid():
    t = torch.linspace(0, 1, 11)
    torch.testing.assert_close(shift_time(t, 1.0), t)
    assert shift_time(0.5, 3.0) == 0.75  # 1.5 / (1 + 2 · 0.5)
    shifted = shift_time(t, 3.0)
    assert shifted[0] == 0 and shifted[-1] == 1 and (shifted >= t).all() and (shifted.diff() > 0).all()
    assert time_grid(4) == [1.0, 0.75, 0.5, 0.25, 0.0]
    grid = time_grid(5, shift=3.0)
    assert len(grid) == 6 and grid[0] == 1.0 and grid[-1] == 0.0 and all(a > b for a, b in zip(grid, grid[1:]))
    with pytest.raises(ValueError):
        time_grid(0)


def test_flow_path_config_is_immutable_and_strict():
    path = FlowPath()
    assert path.to_dict() == {"path": "linear", "time_scale": 1000.0, "shift": 1.0}
    assert FlowPath.from_dict({"path": "linear", "time_scale": 1000, "shift": 3.0}) == FlowPath(shift=3.0)
    assert path.network_time(0.25) == 250.0
    torch.testing.assert_close(path.network_time(torch.tensor([0.0, 0.5])), torch.tensor([0.0, 500.0]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        path.shift = 2.0
    with pytest.raises(ValueError, match="unknown keys"):
        FlowPath.from_dict({"path": "linear", "sigma_min": 0.0})
    with pytest.raises(ValueError, match="unknown flow path"):
        FlowPath(path="cosine")
    with pytest.raises(ValueError, match="positive"):
        FlowPath(shift=0.0)


def test_training_times():
    g = torch.Generator().manual_seed(0)
    uniform, logit_normal = training_times(4000, g), training_times(4000, g, "logit_normal")
    for t in (uniform, logit_normal):
        assert t.shape == (4000,) and t.min() >= 0 and t.max() < 1
    assert abs(uniform.mean() - 0.5) < 0.02 and abs(logit_normal.median() - 0.5) < 0.03
    # logit-normal puts more mass in the middle: P(0.25 < t < 0.75) = 0.5 for U(0, 1), ~0.73 for sigmoid(N(0, 1))
    def middle(t):
        return ((t > 0.25) & (t < 0.75)).float().mean()

    assert middle(logit_normal) > middle(uniform) + 0.15
    with pytest.raises(ValueError, match="unknown t sampling"):
        training_times(2, g, "beta")
