// The browser's executor of a sampler plan: diffusion_core/plans.py compiles the run (the plan format is described
// there) and run_plan is its NumPy twin; tests/lab/test_plan_executor_js.py holds the two equal. This file knows no
// sampler: it evaluates the network where the plan says and takes the linear combinations the plan gives.
// Arrays are Float32Array of B·C·H·W values (x_t, x̂0, ε̂, network outputs); each combination is summed in
// JavaScript's doubles and stored in float32, as run_plan(..., dtype=np.float32) does.

export const SOURCES = {
  x0: ["x", "out"],
  eps: ["x", "out", "x0"],
  in2: ["x", "out"],
  next: ["x", "out", "out2", "x0", "eps", "x0_prev", "z"],
};
const COEFFICIENTS = Object.entries(SOURCES).flatMap(([target, sources]) => sources.map((s) => `${target}.${s}`));

/** Every column of a plan as an array of num_steps values (absent: 0, or null for t2; guided absent: false). */
export function unpack(plan) {
  const n = plan.num_steps, steps = plan.steps, columns = {};
  const defaults = { t: null, guided: false, t2: null, ...Object.fromEntries(COEFFICIENTS.map((k) => [k, 0])) };
  for (const [key, fallback] of Object.entries(defaults)) {
    const column = key in steps && steps[key] !== null ? steps[key] : fallback;
    columns[key] = Array.isArray(column) ? column : new Array(n).fill(column);
  }
  return columns;
}

/** Σ_source c[target.source][i] · values[source] over the nonzero coefficients (doubles), stored as float32. */
function combine(columns, target, i, values, length) {
  const terms = [];
  for (const source of SOURCES[target]) {
    const c = columns[`${target}.${source}`][i];
    if (c !== 0) terms.push([c, values[source]]);
  }
  const y = new Float32Array(length);
  for (let k = 0; k < length; k++) {
    let sum = 0;
    for (const [c, v] of terms) sum += c * v[k];
    y[k] = sum;
  }
  return y;
}

/** (x, network time, guided) -> out, float32 like samplers.guided_output: with guidance one batch of 2B rows
 *  [x; x] with drop_cond [false; true], then out_u + w (out_c − out_u) rounded to float32 at each operation.
 *  modelFn(xt Float32Array (B·C·H·W), t Float32Array (B), cond (per-row classes or vectors, or null),
 *  drop Uint8Array (B)) -> Promise<Float32Array>. */
export function makeEvaluator(modelFn, batch, cond, guidanceScale) {
  const w = Math.fround(guidanceScale);
  return async (x, tNet, guided) => {
    if (!guided || cond === null) {
      return modelFn(x, new Float32Array(batch).fill(tNet), cond, new Uint8Array(batch));
    }
    const both = new Float32Array(2 * x.length);
    both.set(x, 0);
    both.set(x, x.length);
    const drop = new Uint8Array(2 * batch).fill(1, batch);
    const out = await modelFn(both, new Float32Array(2 * batch).fill(tNet), doubled(cond), drop);
    const guidedOut = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) {
      const c = out[k], u = out[x.length + k];
      guidedOut[k] = Math.fround(u + Math.fround(w * Math.fround(c - u)));
    }
    return guidedOut;
  };
}

function doubled(cond) {
  const both = new cond.constructor(2 * cond.length);
  both.set(cond, 0);
  both.set(cond, cond.length);
  return both;
}

/** Follow a plan from xT, yielding {index, t, xt, x0} at every step and finally {num_steps, t_end, x, x} as
 *  run_plan does. evaluate: from makeEvaluator. noise(i) -> Float32Array z for steps whose next.z ≠ 0. */
export async function* runPlan(plan, evaluate, xT, noise = null) {
  const columns = unpack(plan), length = xT.length;
  let x = Float32Array.from(xT), x0Prev = new Float32Array(length);
  for (let i = 0; i < plan.num_steps; i++) {
    const t = columns.t[i], guided = Boolean(columns.guided[i]);
    const values = { x, x0_prev: x0Prev, out: await evaluate(x, t * plan.time_scale, guided) };
    values.x0 = combine(columns, "x0", i, values, length);
    if (plan.clip_x0) values.x0 = values.x0.map((v) => Math.min(1, Math.max(-1, v)));
    values.eps = combine(columns, "eps", i, values, length);
    yield { index: i, t, xt: x, x0: values.x0 };
    if (columns.t2[i] !== null) {
      const xIn = combine(columns, "in2", i, values, length);
      values.out2 = await evaluate(xIn, columns.t2[i] * plan.time_scale, guided);
    }
    if (columns["next.z"][i] !== 0) {
      if (noise === null) throw new Error(`this ${plan.sampler} plan adds fresh noise at step ${i}: pass noise(i)`);
      values.z = noise(i);
    }
    x0Prev = values.x0;
    x = combine(columns, "next", i, values, length);
  }
  yield { index: plan.num_steps, t: plan.t_end, xt: x, x0: x };
}

/** Network evaluations a plan makes (a guided step's 2B rows count as one evaluation of a bigger batch). */
export function evaluationsOf(plan) {
  const columns = unpack(plan);
  return columns.t.length + columns.t2.filter((t2) => t2 !== null).length;
}
