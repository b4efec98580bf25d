"""Flow-matching samplers as generators: integrate the ODE dx/dt = v̂(x, t) from t = 1 (noise) to t = 0 (data).

    for step in sample(model, FlowPath(), (16, 1, 28, 28), sampler="heun", num_steps=10): ...
    *_, last = sample(...); images = last.xt

The times t_0 = 1 > t_1 > ... > t_n = 0 are evenly spaced, then shifted (flow.time_grid); h = t_{i+1} − t_i < 0.
One step from x_i = x_{t_i}, with v̂_i = v̂(x_i, t_i) (the velocity the network predicts):

  Euler     (1 evaluation):   x_{i+1} = x_i + h v̂_i
  Heun      (2, trapezoidal; Karras et al. 2022 alg. 1):
                x̃ = x_i + h v̂_i,   x_{i+1} = x_i + h/2 (v̂_i + v̂(x̃, t_{i+1}))
  midpoint  (2):   x_{i+1} = x_i + h v̂(x_i + h/2 v̂_i, t_i + h/2)

Heun and midpoint are second order: exact whenever v varies linearly in t along the step. As in Karras et al.
(and diffusers' FlowMatchHeunDiscreteScheduler), Heun's last step, to t = 0, is Euler's: the true velocity
(x − E[x0 | x_t])/t has no value at t = 0 when the data are a finite set (one image x*: (x − x*)/t), and the
Euler step x − t v̂ lands on x̂0 itself. n steps cost n network evaluations (Euler), 2n − 1 (Heun) or 2n (midpoint).

Each step yields SamplerStep(i, t_i, x_i, x̂0 = x_i − t_i v̂_i), where t is the continuous time (a float in
[0, 1], not the network's t·time_scale), then SamplerStep(n, 0.0, x_n, x_n) for the finished sample.

Classifier-free guidance (Ho & Salimans 2022): v̂ = v̂_uncond + w (v̂_cond − v̂_uncond), the conditional and
unconditional rows in one batch (samplers.guided_output).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import torch

from .flow import FlowPath, time_grid
from .samplers import SamplerStep, guided_output, lookup, standard_normal

Velocity = Callable[[torch.Tensor, float], torch.Tensor]  # (x_t (B, C, H, W), t) -> v̂ (B, C, H, W)


def euler_step(velocity: Velocity, x, v, t: float, t_next: float):
    return x + (t_next - t) * v


def heun_step(velocity: Velocity, x, v, t: float, t_next: float):
    h = t_next - t
    x_euler = x + h * v
    if t_next == 0:  # the last step: x_euler = x − t v̂ = x̂0, with no evaluation at the singular t = 0
        return x_euler
    return x + h / 2 * (v + velocity(x_euler, t_next))


def midpoint_step(velocity: Velocity, x, v, t: float, t_next: float):
    h = t_next - t
    return x + h * velocity(x + h / 2 * v, t + h / 2)


STEPS = {"euler": euler_step, "heun": heun_step, "midpoint": midpoint_step}  # the registry (plans.py compiles these)
SAMPLERS = tuple(STEPS)


def velocity_fn(model, path: FlowPath, cond=None, guidance_scale: float = 1.0) -> Velocity:
    """(x_t, t) -> v̂ in float32; the network is fed t·time_scale."""

    def velocity(xt, t: float):
        tt = torch.full((xt.shape[0],), path.network_time(t), device=xt.device)
        return guided_output(model, xt, tt, cond, guidance_scale).float()

    return velocity


@torch.no_grad()
def sample(
    model,
    path: FlowPath,
    shape: tuple,
    sampler: str = "euler",
    num_steps: int = 50,
    cond: torch.Tensor | None = None,
    guidance_scale: float = 1.0,
    generator: torch.Generator | None = None,
    xT: torch.Tensor | None = None,
    shift: float | None = None,
    device: torch.device | str | None = None,
    t_start: float = 1.0,
) -> Iterator[SamplerStep]:
    """Integrate from x_1 ~ N(0, I) (or the given xT) to t = 0 and yield every step.
    t_start: begin at this time instead of 1 (xT is then a point x_t = (1 − t)·x0 + t·ε of the path); the
    time grid is scaled to [0, t_start].

    Euler evaluates the network once per step, Heun and midpoint about twice (guidance doubles the batch, not
    the calls). shift: the time shift s (None: path.shift). A seeded `generator` makes the trajectory reproducible."""
    flow_step = lookup(STEPS, sampler, "flow sampler")
    device = torch.device(device or next(model.parameters()).device)
    xt = standard_normal(shape, generator, device) if xT is None else xT.to(device)
    velocity = velocity_fn(model, path, None if cond is None else cond.to(device), guidance_scale)
    ts = [t_start * t for t in time_grid(num_steps, path.shift if shift is None else shift)]
    for i, (t, t_next) in enumerate(zip(ts[:-1], ts[1:])):
        v = velocity(xt, t)
        yield SamplerStep(i, t, xt, xt - t * v)
        xt = flow_step(velocity, xt, v, t, t_next)
    yield SamplerStep(num_steps, ts[-1], xt, xt)


def generate(model, path: FlowPath, shape, **kwargs) -> torch.Tensor:
    """The final images only: (B, C, H, W), roughly in [-1, 1] (clamp before display)."""
    *_, last = sample(model, path, shape, **kwargs)
    return last.xt
