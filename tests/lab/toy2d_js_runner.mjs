// Node side of tests/lab/test_toy2d_js.py: the browser's modules (lab/static/js/toy2d_*.mjs, TensorFlow.js from
// lab/static/tfjs) on a job read from stdin; prints their numbers as JSON.
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const statics = new URL("../../lab/static/", import.meta.url);
globalThis.require = createRequire(import.meta.url); // the tfjs bundles ask for Node's modules by require
globalThis.__dirname = fileURLToPath(new URL("tfjs/", statics)); // and find their .wasm beside __dirname
const { loadTf } = await import(new URL("js/toy2d_net.mjs", statics));
const { Trainer, lrAt } = await import(new URL("js/toy2d_train.mjs", statics));
const { runPlan, makeEvaluator } = await import(new URL("js/plan_executor.mjs", statics));
const wasmDir = mkdtempSync(join(tmpdir(), "tfjs-")); // the .wasm are stored gzipped (the server unzips on the fly)
for (const name of readdirSync(new URL("tfjs/", statics)).filter((f) => f.endsWith(".wasm.gz"))) {
  writeFileSync(join(wasmDir, name.slice(0, -3)), gunzipSync(readFileSync(new URL(`tfjs/${name}`, statics))));
}
const tf = await loadTf(fileURLToPath(statics), `${wasmDir}/`);
const job = JSON.parse(readFileSync(0, "utf8"));
const result = { backend: tf.getBackend() };

if (job.batch) { // loss, gradients and one optimiser step on the engine's batch
  const trainer = new Trainer(tf, job.spec, Float32Array.from(job.points), { steps: job.spec.optimizer.steps });
  const batch = { x0: Float32Array.from(job.batch.x0), eps: Float32Array.from(job.batch.eps),
    t: job.spec.process.kind === "ddpm" ? Int32Array.from(job.batch.t) : Float32Array.from(job.batch.t) };
  const { lossFunction } = await import(new URL("js/toy2d_net.mjs", statics));
  const vars = trainer.net.names.map((n) => trainer.net.params[n]);
  const { value, grads } = tf.variableGrads(lossFunction(trainer.net, job.spec, batch.x0, batch.t, batch.eps), vars);
  result.loss = value.dataSync()[0];
  result.grads = Object.fromEntries(trainer.net.names.map((n) => [n, Array.from(grads[trainer.net.params[n].name].dataSync())]));
  result.stepLoss = trainer.run(batch);
  const plain = (w) => Object.fromEntries(Object.entries(w).map(([n, v]) => [n, Array.from(v.data)]));
  result.params = plain(trainer.net.weights());
  result.ema = plain(trainer.ema.weights());
  result.lr = job.lrSteps.map((s) => lrAt(s, job.spec.optimizer, job.spec.optimizer.steps));
}
if (job.plan) { // a sampling run with given weights
  const { Toy2DNet } = await import(new URL("js/toy2d_net.mjs", statics));
  const net = new Toy2DNet(tf, job.spec);
  const evaluate = makeEvaluator(async (x, t) => net.evaluate(x, t[0]), job.xT.length / 2, null, 1);
  const noise = (i) => Float32Array.from(job.noise[i]);
  const xs = [];
  for await (const step of runPlan(job.plan, evaluate, Float32Array.from(job.xT), noise)) xs.push(Array.from(step.xt));
  result.paths = xs;
}
process.stdout.write(JSON.stringify(result));
