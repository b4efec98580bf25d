"""lab/static/js/plan_executor.mjs, the browser's executor, follows every kind of plan exactly as the engine's NumPy
executor (diffusion_core.plans.run_plan, float32) does: same x_t and x̂0 at every step. Run in Node, with a stand-in
network both sides compute in the same float32 arithmetic (the real network in the browser: tests/test_browser.py)."""
import json
import shutil
import subprocess

import numpy as np
import pytest

from diffusion_core.flow import FlowPath
from diffusion_core.plans import compile_plan, run_plan, seeded_noise
from diffusion_core.samplers import PAPER_GUIDANCE_INTERVAL
from diffusion_core.schedules import make_schedule
from tests.conftest import ROOT

EXECUTOR = ROOT / "lab" / "static" / "js" / "plan_executor.mjs"
CONFIG = {"in_channels": 1, "image_size": 4, "prediction_type": "eps"}
BATCH, SEED = 2, 3
RUNNER = """
import { makeEvaluator, runPlan } from %s;
import { readFileSync } from "node:fs";
const job = JSON.parse(readFileSync(0, "utf8"));
// the stand-in network of the Python side, in the same float64 arithmetic rounded to float32 once
async function standIn(x, t, cond, drop) {
  const b = t.length, size = x.length / b, out = new Float32Array(x.length);
  for (let k = 0; k < x.length; k++) {
    const row = Math.floor(k / size), label = cond === null || drop[row] ? 0 : cond[row] + 1;
    out[k] = 0.3 * x[k] + t[row] * 1e-4 * (((k %% size) %% 7) - 3) + 0.05 * label;
  }
  return out;
}
const cond = job.cond === null ? null : Int32Array.from(job.cond);
const evaluate = makeEvaluator(standIn, job.batch, cond, job.plan.guidance_scale);
const noise = (i) => Float32Array.from(job.noise[i]);
const steps = [];
for await (const step of runPlan(job.plan, evaluate, Float32Array.from(job.xT), noise)) {
  steps.push({ t: step.t, xt: Array.from(step.xt), x0: Array.from(step.x0) });
}
process.stdout.write(JSON.stringify(steps));
"""


def stand_in(xt, t, cond, drop):
    """out = 0.3 x + t·1e-4·((k mod 7) − 3) + 0.05·(class + 1, 0 where dropped or unconditional), float32."""
    b = xt.shape[0]
    k = np.arange(xt[0].size).reshape(xt.shape[1:])
    label = np.zeros(b) if cond is None else np.where(drop, 0, np.asarray(cond) + 1)
    out = (0.3 * xt.astype(np.float64) + t.astype(np.float64).reshape(-1, 1, 1, 1) * 1e-4 * ((k % 7) - 3)
           + 0.05 * label.reshape(-1, 1, 1, 1))
    return out.astype(np.float32)


PLANS = {
    "ddpm": (make_schedule("linear"), dict(sampler="ddpm", num_steps=12)),
    "ddim eta 0.5, leading": (make_schedule("cosine"), dict(sampler="ddim", num_steps=10, eta=0.5, spacing="leading")),
    "dpm++ guided in the interval": (make_schedule("cosine"), dict(sampler="dpm_solver_pp", num_steps=20,
                                                                   guidance_scale=2.0,
                                                                   guidance_interval=PAPER_GUIDANCE_INTERVAL)),
    "dpm++ sde, no clamp": (make_schedule("linear"), dict(sampler="dpm_solver_pp_sde", num_steps=8, clip_x0=False)),
    "flow heun guided": (FlowPath(), dict(sampler="heun", num_steps=6, guidance_scale=3.0)),
    "flow midpoint": (FlowPath(), dict(sampler="midpoint", num_steps=5)),
}


@pytest.mark.parametrize("name", list(PLANS))
def test_the_browser_executor_follows_the_plan_as_numpy_does(name, tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed (apt-get install nodejs)")
    process, options = PLANS[name]
    plan = compile_plan(process, CONFIG, **options)
    xT, noise = seeded_noise(plan, BATCH, SEED)
    cond = [3, 7] if options.get("guidance_scale", 1.0) != 1.0 else None
    z_column = np.broadcast_to(np.asarray(plan["steps"].get("next.z", 0.0), float), (plan["num_steps"],))
    noise_steps = {int(i): noise(int(i)).ravel().tolist() for i in np.flatnonzero(z_column)}
    job = {"plan": plan, "batch": BATCH, "xT": xT.ravel().tolist(), "cond": cond, "noise": noise_steps}
    script = tmp_path / "run.mjs"
    script.write_text(RUNNER % json.dumps(EXECUTOR.as_uri()))
    done = subprocess.run([node, str(script)], input=json.dumps(job), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    browser = json.loads(done.stdout)
    expected = list(run_plan(plan, stand_in, xT, None if cond is None else np.array(cond), noise, dtype=np.float32))
    assert len(browser) == len(expected) == plan["num_steps"] + 1
    for got, want in zip(browser, expected):
        assert got["t"] == pytest.approx(want.t)
        np.testing.assert_allclose(np.array(got["xt"]), want.xt.ravel(), atol=1e-6, rtol=0)
        np.testing.assert_allclose(np.array(got["x0"]), want.x0.ravel(), atol=1e-6, rtol=0)
