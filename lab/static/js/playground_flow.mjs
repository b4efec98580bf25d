// Tab 6's flows in the student's browser: particles from noise to data with a network of toy2d_net.mjs, following a
// 2-D plan the engine compiled (diffusion_core.toy2d.browser.toy2d_plan, run by plan_executor.mjs), the learned
// vector field at τ (toy.ToyModel.field) and the fit measure (datasets.mmd). τ ∈ [0, 1], 1 = noise, 0 = data:
// flow matching's own t, DDPM's (t + 1)/T. Points: Float32Array (N·2).
import { makeEvaluator, runPlan } from "./plan_executor.mjs";
import { seededNormal } from "./seeded_normal.mjs";
import { RADIUS } from "./playground_draw.mjs";

export const FIT_BANDWIDTH = 0.1, FIT_RATIO = 2.0; // datasets.FIT_BANDWIDTH; the bound tests/test_toy2d.py holds

/** x_T ~ N(0, I) within the picture (lessons.playground.starting_points): a point beyond RADIUS is drawn again.
 *  Seeded here, not by torch: the same seed gives the same points in any browser, not the server's. */
export function startingPoints(n, seed, radius = RADIUS) {
  const draw = seededNormal(seed, 2 * n), x = draw(0);
  for (let k = 0, round = 1; k < 2 * n; k += 2) {
    while (Math.hypot(x[k], x[k + 1]) > radius) {
      const fresh = draw(round++);
      x[k] = fresh[0]; x[k + 1] = fresh[1];
    }
  }
  return x;
}

/** τ of a plan's t (ToyModel.tau). */
export function tau(t, objective, numTimesteps) {
  return objective === "flow_matching" ? t : (t + 1) / numTimesteps;
}

/** Every particle's path: {positions: [Float32Array per step], times: [τ per step]} from xT. DDPM's fresh noise is
 *  seeded by `seed` (seeded_normal.mjs). */
export async function flowPaths(net, plan, objective, numTimesteps, xT, seed) {
  const evaluate = makeEvaluator(async (x, t) => net.evaluate(x, t[0]), xT.length / 2, null, 1);
  const positions = [], times = [];
  for await (const step of runPlan(plan, evaluate, xT, seededNormal(seed, xT.length))) {
    positions.push(step.xt);
    times.push(tau(step.t, objective, numTimesteps));
  }
  return { positions, times };
}

/** The field at τ on grid points (ToyModel.field): flow matching −v̂(x, τ); DDPM −ε̂(x, t)/sqrt(1 − ᾱ_t). */
export function field(net, spec, grid, tauValue) {
  const clamped = Math.min(Math.max(tauValue, 0), 1), process = spec.process;
  if (process.kind === "flow") return net.evaluate(grid, clamped * process.time_scale).map((v) => -v);
  const T = process.num_timesteps, t = Math.min(Math.max(Math.round(clamped * T) - 1, 0), T - 1);
  const scale = Math.sqrt(1 - spec.abar[t]);
  return net.evaluate(grid, t).map((v) => -v / scale);
}

/** MMD² with the Gaussian kernel exp(−‖a − b‖²/2σ²) (datasets.mmd, the V-statistic). */
export function mmd(x, y, bandwidth = FIT_BANDWIDTH) {
  const k = (a, b) => {
    let sum = 0;
    for (let i = 0; i < a.length; i += 2) for (let j = 0; j < b.length; j += 2) {
      const dx = a[i] - b[j], dy = a[i + 1] - b[j + 1];
      sum += Math.exp(-(dx * dx + dy * dy) / (2 * bandwidth * bandwidth));
    }
    return sum / ((a.length / 2) * (b.length / 2));
  };
  return k(x, x) + k(y, y) - 2 * k(x, y);
}

/** The fit in words a student reads: samples against fresh data, next to the same figure for two draws of data.
 *  say(key, values): the page's words (lang.mjs fill), playground.fit_*. */
export function fitWords(mmdSamples, mmdFloor, say) {
  const ratio = mmdSamples / mmdFloor;
  const verdict = ratio <= 1.5 ? "same" : ratio <= FIT_RATIO ? "close" : ratio <= 5 ? "rough" : "far";
  return { ratio, fits: ratio <= FIT_RATIO,
    text: say("common.sentences", { a: say(`playground.fit_${verdict}`),
      b: say("playground.fit_gap", { ratio: ratio.toFixed(1) }) }) };
}
