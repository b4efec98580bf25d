import re

import pytest
import torch
from diffusers import DDIMScheduler, DDPMScheduler, DPMSolverMultistepScheduler

from diffusion_core import flow_samplers
from diffusion_core.plans import compile_plan
from diffusion_core.samplers import (
    REVERSE_STEPS,
    SAMPLERS,
    StepInputs,
    ddim_step,
    ddpm_step,
    dpm_solver_pp_step,
    lookup,
    sample,
    timesteps,
)
from diffusion_core.schedules import make_schedule

T = 1000
SHAPE = (2, 1, 4, 4)


class FakeModel(torch.nn.Module):
    """A deterministic 'network': output = 0.3·x_t + sin(t/100)·c, enough to exercise every formula."""

    def __init__(self, prediction_type="eps"):
        super().__init__()
        self.c = torch.nn.Parameter(torch.linspace(-1, 1, 16).reshape(1, 1, 4, 4), requires_grad=False)
        self.config = type("Cfg", (), {"prediction_type": prediction_type})()

    def forward(self, xt, t, cond=None, drop=None):
        t = torch.as_tensor(t).float().reshape(-1, 1, 1, 1)
        return 0.3 * xt + torch.sin(t / 100) * self.c


def _abars(s, t, t_prev):
    abar = s.alphas_cumprod.double()
    return abar[t].item(), abar[t_prev].item() if t_prev >= 0 else 1.0


def test_timestep_spacings():
    assert timesteps(10, T, "leading") == list(range(0, 1000, 100))[::-1]
    assert timesteps(10, T, "trailing") == [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]
    assert timesteps(4, T, "linspace") == [999, 749, 500, 250]
    assert timesteps(T, T) == list(range(T - 1, -1, -1))
    with pytest.raises(ValueError):
        timesteps(0, T)


@pytest.mark.parametrize("variance", ["posterior", "beta"])
def test_one_ddpm_step_matches_diffusers(variance):
    s = make_schedule("linear")
    ref = DDPMScheduler(num_train_timesteps=T, clip_sample=False,
                        variance_type="fixed_small" if variance == "posterior" else "fixed_large")
    ref.set_timesteps(50)
    xt, out = torch.randn(SHAPE), torch.randn(SHAPE)
    for t in (980, 500, 20):
        expected = ref.step(out, t, xt, generator=torch.Generator().manual_seed(1)).prev_sample
        t_prev = t - T // 50
        abar_t, abar_prev = _abars(s, t, t_prev)
        x0 = (xt - (1 - abar_t) ** 0.5 * out) / abar_t**0.5
        noise = torch.randn(SHAPE, generator=torch.Generator().manual_seed(1))
        # x0 = (xt - sqrt(1-abar)·eps)/sqrt(abar) amplifies float32 rounding ~1/sqrt(abar_t) at t near T
        torch.testing.assert_close(ddpm_step(xt, x0, abar_t, abar_prev, noise, variance), expected,
                                   atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("eta", [0.0, 1.0])
def test_one_ddim_step_matches_diffusers(eta):
    s = make_schedule("cosine")
    ref = DDIMScheduler(num_train_timesteps=T, beta_schedule="squaredcos_cap_v2", clip_sample=False)
    ref.set_timesteps(20)
    xt, out, noise = torch.randn(SHAPE), torch.randn(SHAPE), torch.randn(SHAPE)
    for t in (950, 450, 0):
        expected = ref.step(out, t, xt, eta=eta, variance_noise=noise).prev_sample
        abar_t, abar_prev = _abars(s, t, t - T // 20)
        x0 = (xt - (1 - abar_t) ** 0.5 * out) / abar_t**0.5
        torch.testing.assert_close(ddim_step(xt, x0, out, abar_t, abar_prev, eta, noise), expected, atol=1e-5, rtol=0)


def _diffusers_loop(ref, model, xT, **step_kwargs):
    x = xT
    for t in ref.timesteps:
        x = ref.step(model(x, int(t)), t, x, **step_kwargs).prev_sample
    return x


@pytest.mark.parametrize("num_steps", [10, 20])
def test_dpm_solver_pp_2m_full_loop_matches_diffusers(num_steps):
    s, model = make_schedule("linear"), FakeModel()
    ref = DPMSolverMultistepScheduler(num_train_timesteps=T, algorithm_type="dpmsolver++", solver_order=2,
                                      timestep_spacing="linspace", final_sigmas_type="zero")
    ref.set_timesteps(num_steps)
    xT = torch.randn(SHAPE, generator=torch.Generator().manual_seed(0))
    expected = _diffusers_loop(ref, model, xT)
    assert timesteps(num_steps, T, "linspace") == ref.timesteps.tolist()
    *_, last = sample(model, s, SHAPE, "dpm_solver_pp", num_steps, xT=xT, spacing="linspace", clip_x0=False)
    torch.testing.assert_close(last.xt, expected, atol=1e-5, rtol=1e-5)


def test_sde_dpm_solver_pp_full_loop_matches_diffusers_with_same_generator():
    s, model = make_schedule("linear"), FakeModel()
    ref = DPMSolverMultistepScheduler(num_train_timesteps=T, algorithm_type="sde-dpmsolver++", solver_order=2,
                                      timestep_spacing="linspace", final_sigmas_type="zero")
    ref.set_timesteps(20)
    xT = torch.randn(SHAPE, generator=torch.Generator().manual_seed(0))
    expected = _diffusers_loop(ref, model, xT, generator=torch.Generator().manual_seed(5))
    *_, last = sample(model, s, SHAPE, "dpm_solver_pp_sde", 20, xT=xT, spacing="linspace", clip_x0=False,
                      generator=torch.Generator().manual_seed(5))
    torch.testing.assert_close(last.xt, expected, atol=1e-5, rtol=1e-5)


def test_ddim_full_loop_with_clipping_matches_diffusers():
    s, model = make_schedule("linear"), FakeModel()
    ref = DDIMScheduler(num_train_timesteps=T, clip_sample=True, set_alpha_to_one=True)
    ref.set_timesteps(25)
    xT = torch.randn(SHAPE, generator=torch.Generator().manual_seed(0))
    expected = _diffusers_loop(ref, model, xT, eta=0.0, use_clipped_model_output=True)
    *_, last = sample(model, s, SHAPE, "ddim", 25, xT=xT, spacing="leading", clip_x0=True)
    torch.testing.assert_close(last.xt, expected, atol=1e-5, rtol=1e-5)


def test_ddpm_full_loop_matches_diffusers_with_same_generator():
    s, model = make_schedule("linear"), FakeModel()
    ref = DDPMScheduler(num_train_timesteps=T, clip_sample=True)
    ref.set_timesteps(20)
    xT = torch.randn(SHAPE, generator=torch.Generator().manual_seed(0))
    expected = _diffusers_loop(ref, model, xT, generator=torch.Generator().manual_seed(5))
    *_, last = sample(model, s, SHAPE, "ddpm", 20, xT=xT, spacing="leading", generator=torch.Generator().manual_seed(5))
    torch.testing.assert_close(last.xt, expected, atol=1e-5, rtol=1e-5)


class PerfectEps(torch.nn.Module):
    """Returns the true noise of x_t given a known x0: ε = (x_t - sqrt(ᾱ_t) x0) / sqrt(1 - ᾱ_t)."""

    def __init__(self, x0, schedule):
        super().__init__()
        self.x0, self.s = x0, schedule
        self.dummy = torch.nn.Parameter(torch.zeros(1))
        self.config = type("Cfg", (), {"prediction_type": "eps"})()

    def forward(self, xt, t, cond=None, drop=None):
        abar = self.s.alphas_cumprod[torch.as_tensor(t).reshape(-1)].reshape(-1, 1, 1, 1)
        return (xt - abar.sqrt() * self.x0) / (1 - abar).sqrt()


@pytest.mark.parametrize("sampler", ["ddim", "dpm_solver_pp"])
def test_perfect_eps_predictor_recovers_x0(sampler):
    s = make_schedule("cosine")
    x0 = torch.rand(SHAPE) * 2 - 1
    *_, last = sample(PerfectEps(x0, s), s, SHAPE, sampler, 10, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(last.xt, x0, atol=1e-4, rtol=0)


def test_ddim_eta0_is_deterministic_given_xT_and_ddpm_depends_on_seed():
    s, model = make_schedule("linear"), FakeModel()
    xT = torch.randn(SHAPE)
    a = list(sample(model, s, SHAPE, "ddim", 10, xT=xT, generator=torch.Generator().manual_seed(0)))[-1].xt
    b = list(sample(model, s, SHAPE, "ddim", 10, xT=xT, generator=torch.Generator().manual_seed(1)))[-1].xt
    assert torch.equal(a, b)
    c = list(sample(model, s, SHAPE, "ddpm", 10, xT=xT, generator=torch.Generator().manual_seed(0)))[-1].xt
    d = list(sample(model, s, SHAPE, "ddpm", 10, xT=xT, generator=torch.Generator().manual_seed(1)))[-1].xt
    assert not torch.equal(c, d)


def test_sampler_yields_every_step_with_x0_prediction():
    s, model = make_schedule("linear"), FakeModel()
    steps = list(sample(model, s, SHAPE, "ddpm", 7, generator=torch.Generator().manual_seed(0)))
    assert [st.index for st in steps] == list(range(8))
    assert [st.t for st in steps] == timesteps(7, T) + [-1]
    assert all(st.xt.shape == SHAPE and st.x0.shape == SHAPE for st in steps)


class LabelModel(FakeModel):
    def forward(self, xt, t, cond=None, drop=None):
        base = super().forward(xt, t)
        if cond is None:
            return base
        keep = (~drop).float() if drop is not None else torch.ones(len(cond))
        return base + (keep * cond.float()).reshape(-1, 1, 1, 1)


def test_classifier_free_guidance_extrapolates_in_one_batch():
    model = LabelModel()
    from diffusion_core.samplers import guided_model_fn

    xt, cond = torch.randn(SHAPE), torch.tensor([1, 2])
    uncond = model(xt, 5)
    guided = guided_model_fn(model, cond, 3.0)(xt, 5)
    torch.testing.assert_close(guided, uncond + 3.0 * cond.float().reshape(-1, 1, 1, 1))
    torch.testing.assert_close(guided_model_fn(model, cond, 1.0)(xt, 5), model(xt, torch.full((2,), 5), cond))


def test_guidance_interval_guides_only_steps_with_sigma_inside():
    from diffusion_core.samplers import PAPER_GUIDANCE_INTERVAL, in_guidance_interval

    s, batches = make_schedule("cosine"), []

    class Counting(LabelModel):
        def forward(self, xt, t, cond=None, drop=None):
            batches.append((int(torch.as_tensor(t).reshape(-1)[0]), xt.shape[0]))
            return super().forward(xt, t, cond, drop)

    cond, xT = torch.tensor([1, 2]), torch.randn(SHAPE)
    run = dict(sampler="ddim", num_steps=20, cond=cond, guidance_scale=3.0, xT=xT)
    *_, inside = sample(Counting(), s, SHAPE, guidance_interval=PAPER_GUIDANCE_INTERVAL, **run)
    guided_steps = [t for t, b in batches if b == 4]
    # σ_t = sqrt((1-ᾱ)/ᾱ) in (0.28, 5.42] is t = 167..881 of the cosine schedule: steps 849, 799, ..., 199
    assert guided_steps == list(range(849, 198, -50)) and len(batches) == 20
    assert in_guidance_interval(s.alphas_cumprod[500].item(), (0.28, 5.42))
    assert not in_guidance_interval(0.999, (0.28, 5.42))
    *_, never = sample(LabelModel(), s, SHAPE, guidance_interval=(0.0, 0.0), **run)  # empty interval: w=1
    *_, w1 = sample(LabelModel(), s, SHAPE, **{**run, "guidance_scale": 1.0})
    *_, always = sample(LabelModel(), s, SHAPE, guidance_interval=(0.0, float("inf")), **run)
    *_, classic = sample(LabelModel(), s, SHAPE, **run)
    torch.testing.assert_close(never.xt, w1.xt)
    torch.testing.assert_close(always.xt, classic.xt)
    assert not torch.allclose(inside.xt, classic.xt) and not torch.allclose(inside.xt, w1.xt)


def test_x0_and_v_prediction_models_sample():
    s = make_schedule("cosine")
    for pt in ("x0", "v"):
        *_, last = sample(FakeModel(pt), s, SHAPE, "ddim", 5, generator=torch.Generator().manual_seed(0))
        assert torch.isfinite(last.xt).all()


def test_one_registry_names_every_sampler_and_refuses_an_unknown_one():
    """sample() and compile_plan find samplers in REVERSE_STEPS (flow: flow_samplers.STEPS); a name in neither is a
    ValueError naming the known ones, never another sampler."""
    assert SAMPLERS == tuple(REVERSE_STEPS) == ("ddpm", "ddim", "dpm_solver_pp", "dpm_solver_pp_sde")
    assert flow_samplers.SAMPLERS == tuple(flow_samplers.STEPS) == ("euler", "heun", "midpoint")
    known = "choose one of ('ddpm', 'ddim', 'dpm_solver_pp', 'dpm_solver_pp_sde')"
    for call in (lambda: next(sample(FakeModel(), make_schedule("cosine"), SHAPE, sampler="dpm_solver")),
                 lambda: compile_plan(make_schedule("cosine"), {"prediction_type": "eps", "in_channels": 1,
                                                                "image_size": 4}, sampler="euler")):
        with pytest.raises(ValueError, match="unknown sampler") as info:
            call()
        assert known in str(info.value)
    with pytest.raises(ValueError, match=re.escape("unknown flow sampler 'ddim'; choose one of ('euler', 'heun', ")):
        lookup(flow_samplers.STEPS, "ddim", "flow sampler")


def test_each_registered_step_is_its_paper_step():
    g = torch.Generator().manual_seed(0)
    xt, x0, eps, x0_last, z = (torch.randn(SHAPE, generator=g) for _ in range(5))
    s = StepInputs(xt, x0, eps, 0.3, 0.5, x0_last, 0.2)
    pairs = {"ddpm": ddpm_step(xt, x0, 0.3, 0.5, z, "beta"), "ddim": ddim_step(xt, x0, eps, 0.3, 0.5, 0.7, z),
             "dpm_solver_pp": dpm_solver_pp_step(xt, x0, 0.3, 0.5, x0_last, 0.2, None),
             "dpm_solver_pp_sde": dpm_solver_pp_step(xt, x0, 0.3, 0.5, x0_last, 0.2, z)}
    for name, expected in pairs.items():
        step = REVERSE_STEPS[name]
        torch.testing.assert_close(step.update(s, z if step.draws_noise(0.7) else None, 0.7, "beta"), expected)
    assert [REVERSE_STEPS[n].draws_noise(0.0) for n in SAMPLERS] == [True, False, False, True]
