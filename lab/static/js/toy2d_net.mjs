// The playground's network and its two losses in the student's browser, with TensorFlow.js (npm, Apache-2.0;
// lab/static/tfjs). diffusion_core/toy2d/browser.py exports the training spec this follows (the equations are
// there) and tests/lab/test_toy2d_js.py holds the two equal: loss, gradients, one optimiser step, sampling.
// Shapes: x (B, 2), t (B,) network time, weights in torch's layout (Linear: y = x Wᵀ + b).

let runtime = null; // Promise<tf>, one per page

/** TensorFlow.js with its WebAssembly backend (float32 on every device, one thread), loaded once from `base`
 *  (the URL of lab/static/; its .wasm from `wasmBase`). Rejects when the browser cannot run it. */
export function loadTf(base, wasmBase = `${base}tfjs/`) {
  runtime ??= (async () => {
    const tf = await import(`${base}tfjs/tf.fesm.min.js`);
    const wasm = await import(`${base}tfjs/tf-backend-wasm.fesm.min.js`);
    wasm.setWasmPaths(wasmBase);
    if (!(await tf.setBackend("wasm"))) throw new Error("TensorFlow.js could not start WebAssembly");
    await tf.ready();
    return tf;
  })();
  runtime.catch(() => { runtime = null; });
  return runtime;
}

/** float32 little-endian base64 -> Float32Array (diffusion_core.toy2d.browser.floats_b64). */
export function floats(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

/** y = x Wᵀ + b for x (B, in), W (out, in), b (out), with its gradients dx = dy W, dW = dyᵀ x, db = Σ_B dy written
 *  out: every product a plain matMul, since tfjs's WebAssembly kernel runs transposed operands several times slower
 *  (its autodiff of matMul(x, W, false, true) would multiply with transposeA and transposeB). */
function denseLayer(tf) {
  return tf.customGrad((x, w, b, save) => {
    save([x, w]);
    return {
      value: tf.add(tf.matMul(x, tf.transpose(w)), b),
      gradFunc: (dy, [xSaved, wSaved]) => [tf.matMul(dy, wSaved), tf.matMul(tf.transpose(dy), xSaved), tf.sum(dy, 0)],
    };
  });
}

const LAYER_NAMES = (layers) => Array.from({ length: layers }, (_, i) => `hidden.${i}`);

/** The network of a spec: its weights as tf.Variables (trainable) under their state_dict names. */
export class Toy2DNet {
  constructor(tf, spec, weights = spec.weights) {
    this.tf = tf;
    this.config = spec.config;
    this.timeFreqs = tf.tensor2d(spec.embedding.time_freqs, [1, spec.embedding.time_freqs.length]);
    this.xFreqs = tf.tensor2d(spec.embedding.x_freqs, [1, spec.embedding.x_freqs.length]);
    this.params = {};
    for (const [name, w] of Object.entries(weights)) {
      const data = typeof w.data === "string" ? floats(w.data) : Float32Array.from(w.data);
      this.params[name] = tf.variable(tf.tensor(data, w.shape, "float32"), true, undefined, "float32");
    }
    this.names = Object.keys(this.params);
    this.dense = denseLayer(tf);
  }

  linear(h, name) {
    return this.dense(h, this.params[`${name}.weight`], this.params[`${name}.bias`]);
  }

  silu(z) { return this.tf.mul(z, this.tf.sigmoid(z)); }

  /** [cos(v ω), sin(v ω)] for v (N,): (N, 2·|ω|), as sinusoidal_embedding. */
  sinusoid(v, freqs) {
    const tf = this.tf, args = tf.mul(tf.reshape(v, [-1, 1]), freqs);
    return tf.concat([tf.cos(args), tf.sin(args)], 1);
  }

  /** x (B, 2), tNet (B,) -> (B, 2): Toy2DNet.forward. */
  forward(x, tNet) {
    const tf = this.tf, { x_features: xFeatures, x_scale: xScale, layers } = this.config, b = x.shape[0];
    const e = this.linear(this.silu(this.linear(this.sinusoid(tNet, this.timeFreqs), "time_embedding.mlp.0")),
      "time_embedding.mlp.2");
    let h = x;
    if (xFeatures) {
      const features = this.sinusoid(tf.reshape(tf.mul(x, tf.scalar(xScale)), [-1]), this.xFreqs);
      h = tf.concat([x, tf.reshape(features, [b, -1])], 1);
    }
    for (const name of LAYER_NAMES(layers)) h = this.silu(tf.add(this.linear(h, name), e));
    return this.linear(h, "out");
  }

  /** Float32Array x (B·2), network time (a number for every row) -> Float32Array (B·2): what a plan evaluates. */
  evaluate(x, tNet) {
    const tf = this.tf, b = x.length / 2;
    return tf.tidy(() => this.forward(tf.tensor2d(x, [b, 2]), tf.fill([b], tNet)).dataSync().slice());
  }

  /** {name: {shape, data: Float32Array}} of the current weights (weights_json's form, data not base64). */
  weights() {
    return Object.fromEntries(this.names.map((n) => [n, { shape: this.params[n].shape, data: this.params[n].dataSync().slice() }]));
  }

  dispose() {
    this.tf.dispose([this.timeFreqs, this.xFreqs, ...Object.values(this.params)]);
  }
}

/** The objective's loss on one batch: x0 (B, 2), t (B,) (ddpm: integer timesteps; flow: in [0, 1)), eps (B, 2),
 *  all plain arrays -> a function () => scalar loss tensor (for tf.variableGrads). */
export function lossFunction(net, spec, x0Array, tArray, epsArray) {
  const tf = net.tf, b = tArray.length, process = spec.process;
  const abar = process.kind === "ddpm" ? floats(process.alphas_cumprod) : null;
  return () => {
    const x0 = tf.tensor2d(x0Array, [b, 2]), eps = tf.tensor2d(epsArray, [b, 2]);
    let xt, tNet, target;
    if (process.kind === "ddpm") { // x_t = sqrt(ᾱ_t) x0 + sqrt(1 − ᾱ_t) ε; target ε
      const a = tf.tensor2d(Float32Array.from(tArray, (t) => abar[t]), [b, 1]);
      xt = tf.add(tf.mul(tf.sqrt(a), x0), tf.mul(tf.sqrt(tf.sub(tf.scalar(1), a)), eps));
      tNet = tf.tensor1d(Float32Array.from(tArray));
      target = eps;
    } else { // x_t = (1 − t) x0 + t ε, fed t·time_scale; target ε − x0
      const t = tf.tensor2d(Float32Array.from(tArray), [b, 1]);
      xt = tf.add(tf.mul(tf.sub(tf.scalar(1), t), x0), tf.mul(t, eps));
      tNet = tf.mul(tf.reshape(t, [-1]), tf.scalar(process.time_scale));
      target = tf.sub(eps, x0);
    }
    return tf.mean(tf.square(tf.sub(net.forward(xt, tNet), target)));
  };
}
