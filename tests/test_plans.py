"""plans.py: a compiled plan, followed by the NumPy executor, gives every step of samplers.sample and
flow_samplers.sample, from the same x_T and the same noise draws, to 1e-5.

The references run the samplers' arithmetic in float64 (an x_T in float64 keeps it there), the network still fed
and returning float32 and guidance combined in float32, as in use. Torch then rounds only a scalar times the network's
output or a draw (σ z, h v̂) to float32, so the two agree to ~2e-7 typically, 3e-6 at worst (DPM-Solver++ on the
U-Net, which has no such product: 2e-15): a wrong coefficient would show as O(1). Both in float32, as in a browser:
the float32 tests."""
import numpy as np
import pytest
import torch

from diffusion_core import flow_samplers, samplers
from diffusion_core.flow import FlowPath
from diffusion_core.forward import prediction_target
from diffusion_core.models import UNetConfig, build_model
from diffusion_core.pipeline import FlowPipeline, Pipeline
from diffusion_core.plans import compile_plan, initial_noise, plan_from_json, plan_to_json, run_plan, seeded_noise
from diffusion_core.samplers import PAPER_GUIDANCE_INTERVAL, standard_normal
from diffusion_core.schedules import make_schedule

SHAPE, COND = (2, 1, 4, 4), torch.tensor([3, 7])
COSINE, LINEAR, FLOW = make_schedule("cosine"), make_schedule("linear"), FlowPath()


class StandIn(torch.nn.Module):
    """A deterministic stand-in network on 4×4 images: a guess of x0, g = 1.2 tanh(W x_t / 8 + sin(t/300) c + e[cond])
    (e[10] is the null class, used where drop_cond), returned as the target of its prediction type: ε, x0 or v for a
    schedule (so trajectories stay of unit size and x̂0 sometimes leaves [−1, 1]), v = (x_t − g)/t for flow.
    Float32 inside, whatever the sampler feeds it."""

    def __init__(self, schedule=None, prediction_type="eps"):
        super().__init__()
        g = torch.Generator().manual_seed(0)
        self.w = torch.nn.Parameter(torch.randn(16, 16, generator=g) / 4, requires_grad=False)
        self.c = torch.nn.Parameter(torch.randn(16, generator=g), requires_grad=False)
        self.e = torch.nn.Parameter(torch.randn(11, 16, generator=g) / 2, requires_grad=False)
        self.schedule = schedule
        self.config = UNetConfig(image_size=4, prediction_type=prediction_type)

    def forward(self, xt, t, cond=None, drop_cond=None):
        xt, b = xt.float(), xt.shape[0]
        t = torch.as_tensor(t).reshape(-1).expand(b)
        label = torch.full((b,), 10)
        if cond is not None:
            label = torch.where(torch.zeros(b, dtype=torch.bool) if drop_cond is None else drop_cond, label, cond)
        h = xt.reshape(b, -1) @ self.w.T / 8 + torch.sin(t.float()[:, None] / 300) * self.c + self.e[label]
        x0 = 1.2 * torch.tanh(h).reshape(xt.shape)
        if self.schedule is None:
            return (xt - x0) / (t.float() / FLOW.time_scale).reshape(-1, 1, 1, 1)
        abar = self.schedule.alphas_cumprod[t.long()].reshape(-1, 1, 1, 1)
        eps = (xt - abar.sqrt() * x0) / (1 - abar).sqrt()
        return prediction_target(x0, eps, t.long(), self.schedule, self.config.prediction_type)


def numpy_fn(model):
    """model as the executor calls it (an onnxruntime session would fit the same signature)."""

    @torch.no_grad()
    def fn(xt, t, cond, drop_cond):
        cond = None if cond is None else torch.from_numpy(cond)
        return model(torch.from_numpy(xt), torch.from_numpy(t), cond, torch.from_numpy(drop_cond)).numpy()

    return fn


def reference(sample, model, process, seed=0, float64=True, **kwargs):
    """The sampler's steps from x_T = N(0, I) of the seed, then its own draws from the same generator."""
    shape = (SHAPE[0], model.config.in_channels, model.config.image_size, model.config.image_size)
    generator = torch.Generator().manual_seed(seed)
    xT = standard_normal(shape, generator, "cpu")
    return list(sample(model, process, shape, xT=xT.double() if float64 else xT, generator=generator, **kwargs))


def follow(plan, model, cond, seed=0, dtype=np.float64):
    xT, noise = seeded_noise(plan, SHAPE[0], seed)
    return list(run_plan(plan, numpy_fn(model), xT, None if cond is None else cond.numpy(), noise, dtype))


def max_errors(got, expected, plan) -> tuple[float, float]:
    """(max |Δx_t|, max |Δx̂0| in units of x_t) over all steps, after checking the steps' indices and times agree.
    x̂0 = x0.x·x_t + x0.out·out moves by x0.x·δ when x_t moves by δ, and x0.x = 1/sqrt(ᾱ_t) (ε-prediction) reaches
    640 at t = 998 of the cosine schedule, so the float32 rounding either side leaves in x_t shows there magnified;
    Δx̂0 is divided by max(1, |x0.x|)."""
    assert [(s.index, s.t) for s in got] == [(s.index, s.t) for s in expected]
    x0_x = plan["steps"].get("x0.x", 0.0)
    scale = [max(1.0, abs(c)) for c in (x0_x if isinstance(x0_x, list) else [x0_x] * plan["num_steps"])] + [1.0]
    xt_error = max(float(np.abs(g.xt - e.xt.numpy()).max()) for g, e in zip(got, expected))
    x0_error = max(float(np.abs(g.x0 - e.x0.numpy()).max()) / k for g, e, k in zip(got, expected, scale))
    return xt_error, x0_error


DDPM_SAMPLERS = [("ddpm", {}), ("ddpm", {"ddpm_variance": "beta"}), ("ddim", {"eta": 0.0}), ("ddim", {"eta": 0.5}),
                 ("ddim", {"eta": 1.0}), ("dpm_solver_pp", {}), ("dpm_solver_pp_sde", {})]
GUIDANCE = {"unconditional": (None, {}), "conditional": (COND, {}), "guided": (COND, {"guidance_scale": 3.0}),
            "interval": (COND, {"guidance_scale": 3.0, "guidance_interval": PAPER_GUIDANCE_INTERVAL})}


@pytest.mark.parametrize("prediction_type", ["eps", "x0", "v"])
@pytest.mark.parametrize("clip_x0", [True, False])
@pytest.mark.parametrize("guidance", list(GUIDANCE))
@pytest.mark.parametrize("spacing", samplers.SPACINGS)
@pytest.mark.parametrize("sampler,options", DDPM_SAMPLERS, ids=lambda v: str(v))
def test_every_ddpm_family_plan_follows_the_sampler_at_every_step(sampler, options, spacing, guidance, clip_x0,
                                                                  prediction_type):
    model, (cond, guide) = StandIn(COSINE, prediction_type), GUIDANCE[guidance]
    kwargs = dict(sampler=sampler, num_steps=10, spacing=spacing, clip_x0=clip_x0, **options, **guide)
    plan = compile_plan(COSINE, model.config, **kwargs)
    expected = reference(samplers.sample, model, COSINE, cond=cond, **kwargs)
    assert max(max_errors(follow(plan, model, cond), expected, plan)) < 1e-5


@pytest.mark.parametrize("sampler", ["ddpm", "ddim", "dpm_solver_pp_sde"])
def test_a_plan_from_t_start_on_the_linear_schedule(sampler):
    model = StandIn(LINEAR, "v")
    kwargs = dict(sampler=sampler, num_steps=7, eta=0.3, t_start=600, guidance_scale=2.0)
    plan = compile_plan(LINEAR, model.config, **kwargs)
    expected = reference(samplers.sample, model, LINEAR, cond=COND, **kwargs)
    assert plan["steps"]["t"][0] == 600 and max(max_errors(follow(plan, model, COND), expected, plan)) < 1e-5


@pytest.mark.parametrize("shift,t_start", [(1.0, 1.0), (3.0, 1.0), (3.0, 0.6)])
@pytest.mark.parametrize("guidance", ["unconditional", "guided"])
@pytest.mark.parametrize("sampler", flow_samplers.SAMPLERS)
def test_every_flow_plan_follows_the_sampler_at_every_step(sampler, guidance, shift, t_start):
    model, (cond, guide) = StandIn(), GUIDANCE[guidance]
    kwargs = dict(sampler=sampler, num_steps=6, shift=shift, t_start=t_start, **guide)
    plan = compile_plan(FLOW, model.config, **kwargs)
    assert ("t2" in plan["steps"]) == (sampler != "euler")
    expected = reference(flow_samplers.sample, model, FLOW, cond=cond, **kwargs)
    assert max(max_errors(follow(plan, model, cond), expected, plan)) < 1e-5


def test_ddpm_1000_steps_with_the_guidance_interval():
    model = StandIn(COSINE)
    kwargs = dict(sampler="ddpm", num_steps=1000, guidance_scale=3.0, guidance_interval=PAPER_GUIDANCE_INTERVAL)
    plan = compile_plan(COSINE, model.config, **kwargs)
    assert sum(plan["steps"]["guided"]) == 881 - 167 + 1  # σ_t in (0.28, 5.42]: t = 167..881
    expected = reference(samplers.sample, model, COSINE, cond=COND, **kwargs)
    assert max(max_errors(follow(plan, model, COND), expected, plan)) < 1e-5


class Fed32(torch.nn.Module):
    """A network fed float32 whatever the sampler holds (so a sampler's arithmetic can run in float64)."""

    def __init__(self, net):
        super().__init__()
        self.net, self.config = net, net.config

    def forward(self, xt, t, cond=None, drop_cond=None):
        return self.net(xt.float(), t, cond, drop_cond)


def tiny_unet(prediction_type):
    torch.manual_seed(0)
    return Fed32(build_model(UNetConfig(base_channels=8, channel_mults=(1, 2), attention_levels=(), num_classes=10,
                                        prediction_type=prediction_type)).eval())


@pytest.mark.parametrize("process,sampler", [(COSINE, "dpm_solver_pp_sde"), (COSINE, "ddim"), (FLOW, "heun")])
def test_the_tiny_unet_through_a_plan(process, sampler):
    """The real network, guided; and in float32 as in use (torch's float32 sampler, the executor keeping float32
    between double sums, as JavaScript over Float32Arrays does): within float32 rounding of each other."""
    flow = process is FLOW
    model, sample = tiny_unet("velocity" if flow else "eps"), flow_samplers.sample if flow else samplers.sample
    kwargs = dict(sampler=sampler, num_steps=5, guidance_scale=2.5, **({} if flow else {"eta": 0.5}))
    plan = compile_plan(process, model.config, **kwargs)
    exact = reference(sample, model, process, cond=COND, **kwargs)
    assert max(max_errors(follow(plan, model, COND), exact, plan)) < 1e-5
    expected = reference(sample, model, process, cond=COND, float64=False, **kwargs)
    xt_error, x0_error = max_errors(follow(plan, model, COND, dtype=np.float32), expected, plan)
    assert xt_error < 2e-5 and x0_error < 2e-5


@pytest.mark.parametrize("prediction_type", ["eps", "v"])
@pytest.mark.parametrize("sampler,options", DDPM_SAMPLERS, ids=lambda v: str(v))
def test_a_float32_executor_stays_within_float32_rounding_of_the_sampler(sampler, options, prediction_type):
    """Both in float32 (the executor sums in float64 and keeps float32, as JavaScript over Float32Arrays would)."""
    model = StandIn(COSINE, prediction_type)
    kwargs = dict(sampler=sampler, num_steps=10, guidance_scale=3.0, clip_x0=False, **options)
    plan = compile_plan(COSINE, model.config, **kwargs)
    expected = reference(samplers.sample, model, COSINE, cond=COND, float64=False, **kwargs)
    xt_error, x0_error = max_errors(follow(plan, model, COND, dtype=np.float32), expected, plan)
    assert xt_error < 2e-5 and x0_error < 2e-5


def test_plans_round_trip_through_json_and_stay_small():
    config = StandIn().config
    plans = [compile_plan(COSINE, config, sampler="ddpm", num_steps=1000, guidance_scale=3.0,
                          guidance_interval=PAPER_GUIDANCE_INTERVAL),
             compile_plan(COSINE, config, sampler="dpm_solver_pp", num_steps=20, guidance_scale=3.0),
             compile_plan(FLOW, config, sampler="heun", num_steps=10, shift=3.0, guidance_scale=2.0)]
    for plan in plans:
        text = plan_to_json(plan)
        assert plan_from_json(text) == plan and json_safe(text)
    assert len(plan_to_json(plans[0])) < 120_000 and len(plan_to_json(plans[1])) < 3_000
    assert len(plan_to_json(compile_plan(COSINE, config, sampler="ddim", eta=1.0, num_steps=1000))) < 200_000
    for bad in ('{"format": "x"}', plan_to_json({**plans[1], "version": 99}),
                plan_to_json({**plans[1], "steps": {**plans[1]["steps"], "t": [1, 2]}})):
        with pytest.raises(ValueError):
            plan_from_json(bad)


def json_safe(text: str) -> bool:
    """No NaN or Infinity, which JSON (and a browser's JSON.parse) has not."""
    return "NaN" not in text and "Infinity" not in text


def test_what_a_plan_says():
    plan = compile_plan(COSINE, StandIn().config, sampler="ddim", num_steps=4, guidance_scale=2.0, clip_x0=True)
    assert {k: plan[k] for k in ("sampler", "num_steps", "shape", "prediction_type", "clip_x0", "guidance_scale",
                                 "time_scale", "t_end")} == {
        "sampler": "ddim", "num_steps": 4, "shape": [1, 4, 4], "prediction_type": "eps", "clip_x0": True,
        "guidance_scale": 2.0, "time_scale": 1.0, "t_end": -1}
    steps, abar = plan["steps"], COSINE.alphas_cumprod.double()
    assert steps["t"] == [999, 749, 499, 249] and steps["guided"] is True
    # ε-prediction: x̂0 = (x_t − sqrt(1 − ᾱ) ε̂)/sqrt(ᾱ); after the clamp ε̂ = (x_t − sqrt(ᾱ) x̂0)/sqrt(1 − ᾱ)
    a, s = abar[steps["t"]].sqrt(), (1 - abar[steps["t"]]).sqrt()
    torch.testing.assert_close(torch.tensor([steps[k] for k in ("x0.x", "x0.out", "eps.x", "eps.x0")],
                                            dtype=torch.float64),
                               torch.stack([1 / a, -s / a, 1 / s, -a / s]), rtol=1e-12, atol=0)
    assert "eps.out" not in steps and "next.z" not in steps and "t2" not in steps
    assert steps["next.x0"][-1] == 1.0 and steps["next.eps"][-1] == 0.0  # the last step lands on x̂0
    flow = compile_plan(FLOW, StandIn().config, sampler="midpoint", num_steps=2)["steps"]
    assert flow["t"] == [1.0, 0.5] and flow["t2"] == [0.75, 0.25] and flow["in2.out"] == -0.25 and flow["in2.x"] == 1.0


def test_compile_plan_takes_a_pipeline_and_says_what_is_wrong():
    model = tiny_unet("eps").net
    assert compile_plan(Pipeline(model, COSINE), sampler="ddpm", num_steps=5) == compile_plan(
        COSINE, model.config, sampler="ddpm", num_steps=5)
    assert compile_plan(FlowPipeline(model, FLOW), sampler="heun", num_steps=3)["time_scale"] == 1000.0
    with pytest.raises(ValueError, match="config"):
        compile_plan(COSINE)
    with pytest.raises(ValueError, match="unknown sampler"):
        compile_plan(COSINE, model.config, sampler="heun")
    with pytest.raises(TypeError):
        compile_plan(FLOW, model.config, sampler="heun", guidance_interval=PAPER_GUIDANCE_INTERVAL)
    plan = compile_plan(COSINE, model.config, sampler="ddpm", num_steps=3)
    with pytest.raises(ValueError, match="noise"):
        list(run_plan(plan, numpy_fn(model), np.zeros((1, 1, 28, 28), np.float32)))


@pytest.mark.parametrize("kind", [Pipeline, FlowPipeline])
def test_the_seeded_draws_are_the_pipelines(kind):
    """initial_noise is the x_T Pipeline.sample(seed=...) starts from; seeded_noise adds the later draws, so a
    stochastic plan followed with them ends where the pipeline does (both in float32)."""
    model = tiny_unet("velocity" if kind is FlowPipeline else "eps").net
    pipe = kind(model, FLOW if kind is FlowPipeline else COSINE)
    kwargs = dict(sampler="heun" if kind is FlowPipeline else "ddpm", num_steps=4)
    steps = list(pipe.sample(2, labels=[1, 2], seed=11, **kwargs))
    assert np.array_equal(initial_noise((2, 1, 28, 28), 11), steps[0].xt.numpy())
    plan = compile_plan(pipe, **kwargs)
    xT, noise = seeded_noise(plan, 2, 11)
    *_, last = run_plan(plan, numpy_fn(model), xT, np.array([1, 2]), noise, dtype=np.float32)
    np.testing.assert_allclose(last.xt, steps[-1].xt.numpy(), atol=2e-5, rtol=0)


@pytest.mark.parametrize("sampler", ["dpm_solver_pp", "ddpm"])
def test_a_colour_unet_conditioned_on_a_vector_through_a_plan(sampler):
    """C = 3 (the emoji model's kind: RGB, a CLIP embedding as condition, guided): the plan gives every step of
    samplers.sample, in float64 and within float32 rounding in float32."""
    torch.manual_seed(0)
    model = Fed32(build_model(UNetConfig(image_size=8, in_channels=3, base_channels=8, channel_mults=(1, 2),
                                         attention_levels=(1,), cond_dim=6)).eval())
    cond = torch.nn.functional.normalize(torch.randn(SHAPE[0], 6), dim=-1)
    kwargs = dict(sampler=sampler, num_steps=5, guidance_scale=3.0)
    plan = compile_plan(COSINE, model.config, **kwargs)
    assert plan["shape"] == [3, 8, 8]
    assert max(max_errors(follow(plan, model, cond), reference(samplers.sample, model, COSINE, cond=cond, **kwargs),
                          plan)) < 1e-5
    expected = reference(samplers.sample, model, COSINE, cond=cond, float64=False, **kwargs)
    assert max(max_errors(follow(plan, model, cond, dtype=np.float32), expected, plan)) < 2e-5
