// One training run of the playground's network in the student's browser, step by step as the engine's loop
// (diffusion_core/training/loop.py: train_steps, lr_at, EMA; torch's clip_grad_norm_ and AdamW) does it. The batches,
// t and ε are drawn here with a seeded generator of their own (not torch's): the same seed gives the same run in any
// browser; tests/lab/test_toy2d_js.py gives both sides one batch and holds the step equal.
import { Toy2DNet, lossFunction } from "./toy2d_net.mjs";
import { splitmix32 } from "./seeded_normal.mjs";

/** training/loop.lr_at: linear warm-up, then cosine from lr down to lr/10. */
export function lrAt(step, optimizer, steps) {
  const { lr, warmup_steps: warmup } = optimizer;
  if (step < warmup) return lr * (step + 1) / warmup;
  const progress = (step - warmup) / Math.max(1, steps - warmup);
  return lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * Math.min(progress, 1.0))));
}

/** A batch as loop.train_steps draws one: B rows of the points, t (ddpm: integers 0..T−1; flow: uniform [0, 1)),
 *  ε ~ N(0, I) (Box–Muller). */
export function drawBatch(next, points, spec) {
  const b = spec.batch_size, n = points.length / 2, x0 = new Float32Array(2 * b), eps = new Float32Array(2 * b);
  const uniform = () => next() / 4294967296, T = spec.process.num_timesteps;
  const t = spec.process.kind === "ddpm" ? new Int32Array(b) : new Float32Array(b);
  for (let i = 0; i < b; i++) {
    const k = Math.min(n - 1, Math.floor(uniform() * n));
    x0[2 * i] = points[2 * k]; x0[2 * i + 1] = points[2 * k + 1];
    t[i] = spec.process.kind === "ddpm" ? Math.min(T - 1, Math.floor(uniform() * T)) : uniform();
  }
  for (let k = 0; k < 2 * b; k += 2) {
    const r = Math.sqrt(-2 * Math.log((next() + 1) / 4294967297)), angle = 2 * Math.PI * uniform();
    eps[k] = r * Math.cos(angle); eps[k + 1] = r * Math.sin(angle);
  }
  return { x0, t, eps };
}

/** Training(ToyModel, points, train_config(objective, steps)) in the page: step() runs one optimiser step. */
export class Trainer {
  constructor(tf, spec, points, { steps = spec.optimizer.steps, seed = 0 } = {}) {
    Object.assign(this, { tf, spec, points, steps, step: 0, next: splitmix32(seed * 0x9e3779b1 + 17) });
    this.net = new Toy2DNet(tf, spec);
    this.ema = new Toy2DNet(tf, spec); // θ_ema starts as θ (EMA(model) copies the model)
    this.moments = this.net.names.map((name) => {
      const shape = this.net.params[name].shape;
      return { m: tf.variable(tf.zeros(shape), false), v: tf.variable(tf.zeros(shape), false) };
    });
  }

  /** One step on a batch drawn here (or the given one): returns its loss (a number). */
  run(batch = drawBatch(this.next, this.points, this.spec)) {
    const tf = this.tf, lr = lrAt(this.step, this.spec.optimizer, this.steps);
    const loss = tf.tidy(() => {
      const vars = this.net.names.map((n) => this.net.params[n]);
      const { value, grads } = tf.variableGrads(lossFunction(this.net, this.spec, batch.x0, batch.t, batch.eps), vars);
      const list = vars.map((v) => grads[v.name]);
      this.adamw(clipped(tf, list, this.spec.optimizer.grad_clip), lr);
      return value.dataSync()[0];
    });
    this.step += 1;
    this.updateEma();
    return loss;
  }

  /** torch.optim.AdamW's step (its single-tensor form): p ← p (1 − lr·wd); m ← m + (1 − β1)(g − m);
   *  v ← β2 v + (1 − β2) g²; p ← p − lr/(1 − β1^n) · m / (sqrt(v)/sqrt(1 − β2^n) + eps). */
  adamw(grads, lr) {
    const tf = this.tf, { betas: [b1, b2], eps, weight_decay: wd } = this.spec.optimizer, n = this.step + 1;
    const stepSize = lr / (1 - b1 ** n), bc2Sqrt = Math.sqrt(1 - b2 ** n);
    this.net.names.forEach((name, i) => {
      const p = this.net.params[name], g = grads[i], { m, v } = this.moments[i];
      const decayed = wd ? tf.mul(p, tf.scalar(1 - lr * wd)) : p;
      m.assign(tf.add(m, tf.mul(tf.sub(g, m), tf.scalar(1 - b1))));
      v.assign(tf.add(tf.mul(v, tf.scalar(b2)), tf.mul(tf.mul(g, g), tf.scalar(1 - b2))));
      const denom = tf.add(tf.div(tf.sqrt(v), tf.scalar(bc2Sqrt)), tf.scalar(eps));
      p.assign(tf.add(decayed, tf.mul(tf.div(m, denom), tf.scalar(-stepSize))));
    });
  }

  /** EMA.update: θ_ema ← θ_ema + (1 − d)(θ − θ_ema), d = min(decay, (1 + n)/(10 + n)). */
  updateEma() {
    const tf = this.tf, d = Math.min(this.spec.optimizer.ema_decay, (1 + this.step) / (10 + this.step));
    tf.tidy(() => {
      for (const name of this.net.names) {
        const e = this.ema.params[name];
        e.assign(tf.add(e, tf.mul(tf.sub(this.net.params[name], e), tf.scalar(1 - d))));
      }
    });
  }

  /** Frees what only training needs (the weights being optimised, Adam's moments); the EMA net stays. */
  release() {
    this.net.dispose();
    this.tf.dispose(this.moments.flatMap(({ m, v }) => [m, v]));
  }

  dispose() {
    this.release();
    this.ema.dispose();
  }
}

/** torch.nn.utils.clip_grad_norm_: g · min(1, max_norm/(‖g‖ + 1e-6)), ‖g‖ the norm of the per-tensor norms. */
function clipped(tf, grads, maxNorm) {
  const norms = tf.stack(grads.map((g) => tf.norm(g)));
  const coefficient = tf.minimum(tf.div(tf.scalar(maxNorm), tf.add(tf.norm(norms), tf.scalar(1e-6))), tf.scalar(1));
  return grads.map((g) => tf.mul(g, coefficient));
}
