// A model.onnx run by onnxruntime-web in the student's browser: WebGPU when the browser has it, else WebAssembly
// (several threads only when the page is cross-origin isolated, which a Space's iframe is not: then one).
// The runtime files are served by the app from lab/static/ort (npm onnxruntime-web, pinned; see VERSION there).

let runtime = null; // Promise<{ort, backend}>, one per page
const sessions = new Map(); // model URL -> Promise<BrowserModel>

/** Why this browser cannot sample, or null. */
export function cannotRun() {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
    return "this browser cannot run WebAssembly";
  }
  return null;
}

async function webgpuAdapter() {
  try {
    return navigator.gpu ? await navigator.gpu.requestAdapter() : null;
  } catch {
    return null;
  }
}

/** onnxruntime-web, loaded once: the WebGPU build when an adapter exists, else the WebAssembly build. */
export function loadRuntime(staticBase) {
  runtime ??= (async () => {
    const gpu = await webgpuAdapter();
    const ort = await import(staticBase + (gpu ? "ort/ort.webgpu.min.mjs" : "ort/ort.wasm.min.mjs"));
    ort.env.wasm.wasmPaths = staticBase + "ort/";
    ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
    ort.env.logLevel = "error";
    return { ort, gpu: Boolean(gpu) };
  })();
  return runtime;
}

export class BrowserModel {
  constructor(ort, session, backend, conditioning, threads = 0) {
    this.ort = ort;
    this.session = session;
    this.backend = backend; // "WebGPU" or "WebAssembly"; the page names it in its own language (browser_sampler.mjs)
    this.threads = threads; // WebAssembly's threads; 0 on WebGPU
    this.conditioning = conditioning; // {kind: null | "class" | "vector", dim}
  }

  /** The model at url (cached per page). conditioning: {kind, dim} from the server's payload. */
  static load(staticBase, url, conditioning) {
    if (!sessions.has(url)) {
      const loading = BrowserModel.#create(staticBase, url, conditioning);
      loading.catch(() => sessions.delete(url)); // a failed load may be retried
      sessions.set(url, loading);
    }
    return sessions.get(url);
  }

  static async #create(staticBase, url, conditioning) {
    const { ort, gpu } = await loadRuntime(staticBase);
    if (gpu) {
      try {
        const session = await ort.InferenceSession.create(url, { executionProviders: ["webgpu"] });
        return new BrowserModel(ort, session, "WebGPU", conditioning);
      } catch (e) {
        console.warn("WebGPU session failed, using WebAssembly:", e);
      }
    }
    const session = await ort.InferenceSession.create(url, { executionProviders: ["wasm"] });
    return new BrowserModel(ort, session, "WebAssembly", conditioning, ort.env.wasm.numThreads);
  }

  /** out = model(xt, t, cond, drop_cond), as the server's OnnxModel feeds it: xt Float32Array (B·C·H·W),
   *  t Float32Array (B), cond Int32Array (B) classes or Float32Array (B·D) vectors or null (the null condition
   *  on every row of a conditional model), drop Uint8Array (B). -> Float32Array (B·C·H·W). */
  async call(xt, t, cond, drop, chw) {
    const { Tensor } = this.ort, b = t.length, kind = this.conditioning.kind;
    const feed = { xt: new Tensor("float32", xt, [b, ...chw]), t: new Tensor("float32", t, [b]) };
    if (kind) {
      if (cond === null) {
        cond = kind === "class" ? new Int32Array(b) : new Float32Array(b * this.conditioning.dim);
        drop = new Uint8Array(b).fill(1);
      }
      feed.cond = kind === "class"
        ? new Tensor("int64", BigInt64Array.from(cond, (c) => BigInt(c)), [b])
        : new Tensor("float32", cond, [b, this.conditioning.dim]);
      feed.drop_cond = new Tensor("bool", drop, [b]);
    }
    const results = await this.session.run(feed);
    return results[this.session.outputNames[0]].data;
  }
}
