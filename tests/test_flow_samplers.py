"""flow_samplers.py on velocity fields whose ODE solutions are known in closed form."""
import pytest
import torch

from diffusion_core.flow import FlowPath
from diffusion_core.flow_samplers import SAMPLERS, generate, sample
from tests.fixtures import VelocityField

SHAPE = (3, 1, 4, 4)
X_STAR = torch.linspace(-1, 1, 16).reshape(1, 1, 4, 4)


def single_point(x, t, cond, drop):
    """The true velocity when the data are one image x*: v(x, t) = (x − x*)/t = ε − x* on the path through x*."""
    return (x - X_STAR) / t


def test_euler_takes_any_noise_to_the_single_data_point_in_one_step():
    """x_0 = x_1 + (0 − 1) v(x_1, 1) = x_1 − (x_1 − x*) = x*, whatever x_1 was."""
    for seed in range(3):
        x = generate(VelocityField(single_point), FlowPath(), SHAPE, sampler="euler", num_steps=1,
                     generator=torch.Generator().manual_seed(seed))
        torch.testing.assert_close(x, X_STAR.expand(SHAPE), atol=1e-6, rtol=0)


@pytest.mark.parametrize("sampler", SAMPLERS)
@pytest.mark.parametrize("num_steps,shift", [(1, 1.0), (4, 1.0), (7, 3.0)])
def test_every_sampler_follows_the_straight_line_to_the_point(sampler, num_steps, shift):
    """The solution x_t = x* + t (x_1 − x*) has constant velocity, so every method is exact on it, and every step's
    x̂0 = x_t − t v̂ is x* itself."""
    steps = list(sample(VelocityField(single_point), FlowPath(), SHAPE, sampler=sampler, num_steps=num_steps,
                        shift=shift, generator=torch.Generator().manual_seed(0)))
    x1 = steps[0].xt
    for step in steps:
        torch.testing.assert_close(step.xt, X_STAR + step.t * (x1 - X_STAR), atol=1e-5, rtol=0)
        torch.testing.assert_close(step.x0, X_STAR.expand(SHAPE), atol=1e-5, rtol=0)


A, B = 0.5, -2.0


def linear_in_t(x, t, cond, drop):
    """v = a + b t, whatever x: x(t) = x_1 − a (1 − t) − b (1 − t²)/2."""
    return (A + B * t).expand_as(x)


def exact_linear_in_t(x1, t):
    return x1 - A * (1 - t) - B * (1 - t**2) / 2


def test_second_order_samplers_integrate_a_velocity_linear_in_t_exactly():
    """Since v does not depend on x, a step is a quadrature of v over [t_i, t_{i+1}]; the trapezoidal (Heun) and
    midpoint rules are exact for a linear integrand, Euler's left rectangle is not (error b h²/2 per step).
    Heun's last step is Euler's (no evaluation at t = 0): exact up to t_{n−1}, then off by −b t_{n−1}²/2."""
    n, x1 = 5, torch.randn(SHAPE, generator=torch.Generator().manual_seed(1))
    runs = {s: list(sample(VelocityField(linear_in_t), FlowPath(), SHAPE, sampler=s, num_steps=n, xT=x1))
            for s in SAMPLERS}
    for step in runs["midpoint"]:
        torch.testing.assert_close(step.xt, exact_linear_in_t(x1, step.t), atol=1e-6, rtol=0)
    for step in runs["heun"][:n]:
        torch.testing.assert_close(step.xt, exact_linear_in_t(x1, step.t), atol=1e-6, rtol=0)
    t_last = runs["heun"][n - 1].t
    torch.testing.assert_close(runs["heun"][n].xt, exact_linear_in_t(x1, 0.0) - B * t_last**2 / 2, atol=1e-6, rtol=0)
    euler_error = (runs["euler"][n].xt - exact_linear_in_t(x1, 0.0)).abs().max()
    torch.testing.assert_close(euler_error, torch.tensor(abs(B) / 2 * n * (1 / n) ** 2))  # Σ b h²/2


def class_field(x, t, cond, drop):
    """v = c (the class index) for conditional rows, 0 for the null condition."""
    c = torch.zeros(x.shape[0]) if cond is None else cond.float()
    if drop is not None:
        c = torch.where(drop, 0.0, c)
    return c[:, None, None, None].expand_as(x)


def test_guidance_extrapolates_the_velocity_in_one_batch():
    """v̂ = v̂_uncond + w (v̂_cond − v̂_uncond) = w c; one Euler step: x_0 = x_1 − w c."""
    model, cond, x1 = VelocityField(class_field), torch.tensor([1, 2, 3]), torch.randn(SHAPE)
    batches = []
    model.register_forward_hook(lambda m, args, out: batches.append(args[0].shape[0]))
    x = generate(model, FlowPath(), SHAPE, sampler="euler", num_steps=1, cond=cond, guidance_scale=3.0, xT=x1)
    torch.testing.assert_close(x, x1 - 3.0 * cond.float()[:, None, None, None])
    assert batches == [6]  # conditional and unconditional rows in one call
    x = generate(model, FlowPath(), SHAPE, sampler="euler", num_steps=1, cond=cond, xT=x1)  # w = 1: no guidance
    torch.testing.assert_close(x, x1 - cond.float()[:, None, None, None])
    assert batches == [6, 3]


@pytest.mark.parametrize("sampler,evaluations", [("euler", 6), ("heun", 11), ("midpoint", 12)])
def test_steps_evaluations_and_reproducibility(sampler, evaluations):
    model = VelocityField(lambda x, t, c, d: x * t - 0.3)

    def run():
        return list(sample(model, FlowPath(), SHAPE, sampler=sampler, num_steps=6,
                           generator=torch.Generator().manual_seed(5)))

    steps = run()
    assert model.calls == evaluations
    assert [s.index for s in steps] == list(range(7)) and [s.t for s in steps] == [1 - i / 6 for i in range(6)] + [0.0]
    assert all(isinstance(s.t, float) for s in steps) and torch.equal(steps[-1].x0, steps[-1].xt)
    for a, b in zip(steps, run()):
        assert torch.equal(a.xt, b.xt) and torch.equal(a.x0, b.x0)


def test_shift_comes_from_the_path_unless_given():
    model = VelocityField(lambda x, t, c, d: torch.zeros_like(x))

    def times(**kw):
        return [s.t for s in sample(model, FlowPath(shift=3.0), SHAPE, num_steps=2, **kw)]

    assert times() == [1.0, 0.75, 0.0] and times(shift=1.0) == [1.0, 0.5, 0.0]
    with pytest.raises(ValueError, match="unknown flow sampler"):
        next(sample(model, FlowPath(), SHAPE, sampler="ddim"))
