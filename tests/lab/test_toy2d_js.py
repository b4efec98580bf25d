"""The page's training (lab/static/js/toy2d_net.mjs, toy2d_train.mjs with TensorFlow.js) equals the engine's
(diffusion_core.toy2d): on the same weights and batch, the same loss and gradients, the same parameters and EMA
after one step of the engine's own loop (clip, AdamW, warm-up); and sampling with the same weights follows the
engine's samplers (toy2d_plan run by plan_executor.mjs) to float32 rounding. Run in Node
(tests/lab/toy2d_js_runner.mjs)."""
import json
import shutil
import subprocess

import numpy as np
import pytest
import torch

from diffusion_core.flow import training_times
from diffusion_core.samplers import standard_normal
from diffusion_core.toy2d import ToyModel, Training, sample_dataset, train_config
from diffusion_core.toy2d.browser import model_from_spec, toy2d_plan, training_spec, weights_json
from diffusion_core.training.loop import objective_loss
from tests.conftest import ROOT

RUNNER = ROOT / "tests" / "lab" / "toy2d_js_runner.mjs"
STEPS = 300  # the run's length: lr_at's warm-up and cosine depend on it
pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def node(job: dict) -> dict:
    done = subprocess.run([shutil.which("node"), str(RUNNER)], input=json.dumps(job), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def engine_batch(spec: dict, points: torch.Tensor) -> tuple[dict, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The first batch train_steps draws (idx, then the loss's t and ε, from the generator seeded for step 0)."""
    cfg = train_config(spec["objective"], STEPS)
    g = torch.Generator().manual_seed(cfg.seed * 1_000_003)
    x0 = points[torch.randint(0, points.shape[0], (cfg.batch_size,), generator=g)]
    if spec["objective"] == "ddpm":
        t = torch.randint(0, spec["process"]["num_timesteps"], (cfg.batch_size,), generator=g)
    else:
        t = training_times(cfg.batch_size, g, cfg.flow_t_sampling)
    eps = torch.randn(x0.shape, generator=g)
    return {"x0": x0.flatten().tolist(), "t": t.tolist(), "eps": eps.flatten().tolist()}, x0, t, eps


@pytest.fixture(scope="module", params=["ddpm", "flow_matching"])
def one_step(request):
    """The engine's numbers and the page's for one step of `objective` on two moons."""
    objective = request.param
    spec, points = training_spec(objective, STEPS, seed=3), sample_dataset("two_moons", 2000, 0)
    batch, x0, _, _ = engine_batch(spec, points)
    toy = model_from_spec(spec)
    cfg = train_config(objective, STEPS)
    loss = objective_loss(toy.net, toy.process, cfg, "cpu")(x0, None, replayed(cfg))
    loss.backward()
    grads = {n: p.grad.clone() for n, p in toy.net.named_parameters()}
    run = Training(model_from_spec(spec), points, cfg)
    numbers = next(run.steps())
    page = node({"spec": spec, "points": points.flatten().tolist(), "batch": batch, "lrSteps": [0, 50, 99, 100, 299]})
    return dict(loss=loss.item(), grads=grads, step=numbers, run=run, page=page, cfg=cfg)


def replayed(cfg) -> torch.Generator:
    """A generator standing where train_steps' is when the loss draws t and ε (after the batch's indices)."""
    g = torch.Generator().manual_seed(cfg.seed * 1_000_003)
    torch.randint(0, 2000, (cfg.batch_size,), generator=g)
    return g


def test_the_page_trains_with_tensorflow_js_on_webassembly(one_step):
    assert one_step["page"]["backend"] == "wasm"


def test_the_page_computes_the_engines_loss(one_step):
    assert one_step["page"]["loss"] == pytest.approx(one_step["loss"], rel=1e-5)
    assert one_step["page"]["stepLoss"] == pytest.approx(one_step["step"]["loss"], rel=1e-5)


def test_the_page_computes_the_engines_gradients(one_step):
    for name, grad in one_step["grads"].items():
        got = np.array(one_step["page"]["grads"][name])
        np.testing.assert_allclose(got, grad.flatten().numpy(), rtol=1e-3, atol=1e-5 * float(grad.abs().max()),
                                   err_msg=name)


def test_one_optimiser_step_in_the_page_equals_the_engines(one_step):
    """clip_grad_norm_, AdamW at lr_at(0) and the EMA: the same parameters after the step (Adam's first step moves
    each weight by about lr, so float32 differences in tiny gradients show as at most a small fraction of lr)."""
    from diffusion_core.training.loop import lr_at

    lr = lr_at(0, one_step["cfg"])
    net, ema = one_step["run"].state.model.state_dict(), one_step["run"].state.ema.model.state_dict()
    for name in net:
        np.testing.assert_allclose(one_step["page"]["params"][name], net[name].flatten().numpy(), rtol=0,
                                   atol=lr * 0.02, err_msg=name)
        np.testing.assert_allclose(one_step["page"]["ema"][name], ema[name].flatten().numpy(), rtol=0,
                                   atol=lr * 0.02, err_msg=name)
    start = model_from_spec(training_spec(one_step["cfg"].objective, STEPS, 3)).net.state_dict()
    moved = max(float((net[n] - start[n]).abs().max()) for n in net)
    assert moved > lr * 0.5  # the step did move the weights


def test_the_page_warms_up_and_decays_the_learning_rate_as_the_engine(one_step):
    from diffusion_core.training.loop import lr_at

    assert one_step["page"]["lr"] == pytest.approx([lr_at(s, one_step["cfg"]) for s in [0, 50, 99, 100, 299]],
                                                   rel=1e-12)


def trained(objective: str) -> ToyModel:
    run = Training(ToyModel.new(objective), sample_dataset("two_moons", 2000, 0), train_config(objective, 60))
    for _ in run.steps():
        pass
    return run.model()


@pytest.mark.parametrize("objective, sampler, num_steps", [("flow_matching", "euler", 20), ("flow_matching", "heun", 8),
                                                           ("flow_matching", "midpoint", 8), ("ddpm", "ddim", 25),
                                                           ("ddpm", "ddpm", 30)])
def test_sampling_in_the_page_follows_the_engines_sampler(objective, sampler, num_steps):
    toy = trained(objective)
    spec = training_spec(objective, toy=toy)
    plan = toy2d_plan(objective, sampler, num_steps)
    xT = torch.randn(64, 2, generator=torch.Generator().manual_seed(5))
    g = torch.Generator().manual_seed(6)  # ToyModel.steps' generator: DDPM's z in step order
    z_column = np.broadcast_to(np.asarray(plan["steps"].get("next.z", 0.0), float), (plan["num_steps"],))
    noise = {int(i): standard_normal((64, 2), g, "cpu").flatten().tolist() for i in np.flatnonzero(z_column)}
    page = node({"spec": {**spec, "weights": weights_json(toy.net)}, "plan": plan, "xT": xT.flatten().tolist(),
                 "noise": noise})
    expected = toy.paths(sampler, xT, num_steps, seed=6).positions
    assert len(page["paths"]) == len(expected) == num_steps + 1
    np.testing.assert_allclose(np.array(page["paths"][-1]), expected[-1].flatten().numpy(), atol=2e-4, rtol=0)
    for got, want in zip(page["paths"], expected):
        np.testing.assert_allclose(np.array(got), want.flatten().numpy(), atol=2e-4, rtol=0)
