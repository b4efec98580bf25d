// Tab 4's and tab 5's sampler in the student's browser: the server sends a payload (lab/browser_sampler.py: the
// compiled plan, x_T drawn from the seed, the condition, the model's URL); this module decides where to run,
// runs the plan with onnxruntime-web, draws x_t | x̂0 at display rate, records every step for the scrubber and
// exports PNG and GIF. When the browser cannot (or should not) run it, it hands the run to the server by firing
// the component's "submit" event, whose handler is the server's own sampler.
import { BrowserModel, cannotRun } from "./browser_model.mjs";
import { evaluationsOf, makeEvaluator, runPlan } from "./plan_executor.mjs";
import { seededNormal } from "./seeded_normal.mjs";

const FAST_ENOUGH_S = 10; // "auto" runs in the browser when its estimate is at most this, or twice the server's
const FRAME_MS = 16; // give the page a chance to paint about once per display frame
const PAD = 2, SCALE = 3, GAP = 12, BACKGROUND = 40; // as lab/lessons/sampling.render_frame draws a frame
// A column narrower than this (a phone's, a small window's) draws x̂0 under x_t: side by side, each grid would get
// a quarter of its width (76 px tall on a phone). Wider columns (a laptop's: 576 px) keep x_t | x̂0 as the text says.
const STACK_BELOW_PX = 480;
const CAPTIONS = { false: "left: x_t · right: predicted x0", true: "top: x_t · bottom: predicted x0" };
const speeds = new Map(); // model URL + batch + guided -> ms per evaluation, measured once per page

function floats(base64) {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

function toUint8(x) {
  return Uint8ClampedArray.from(x, (v) => Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5));
}

/** One recorded step as RGBA pixels at scale 1: the x_t grid | the x̂0 grid, like render_frame, or with
 *  layout.stacked the x_t grid above the x̂0 grid. */
function framePixels(xt, x0, layout) {
  const { batch, nrow, channels, size, stacked } = layout, rows = Math.ceil(batch / nrow);
  const gridW = nrow * (size + PAD) + PAD, gridH = rows * (size + PAD) + PAD, gap = Math.round(GAP / SCALE);
  const width = stacked ? gridW : 2 * gridW + gap, height = stacked ? 2 * gridH + gap : gridH;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let k = 0; k < rgba.length; k += 4) rgba.set([255, 255, 255, 255], k);
  [xt, x0].forEach((pixels, side) => {
    const left = stacked ? 0 : side * (gridW + gap), gridTop = stacked ? side * (gridH + gap) : 0;
    for (let y = gridTop; y < gridTop + gridH; y++) for (let x = left; x < left + gridW; x++) {
      rgba.set([BACKGROUND, BACKGROUND, BACKGROUND], (y * width + x) * 4);
    }
    for (let b = 0; b < batch; b++) {
      const top = gridTop + PAD + Math.floor(b / nrow) * (size + PAD), col = PAD + (b % nrow) * (size + PAD);
      for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
        const o = ((top + y) * width + left + col + x) * 4;
        for (let c = 0; c < 3; c++) rgba[o + c] = pixels[((b * channels + (channels === 3 ? c : 0)) * size + y) * size + x];
      }
    }
  });
  return new ImageData(rgba, width, height);
}

/** Let the page paint: onnxruntime-web's WebAssembly calls resolve without giving the event loop a turn, so
 *  without this no animation frame would run until the whole trajectory is done. */
function yieldToBrowser() {
  if (globalThis.scheduler?.yield) return globalThis.scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

export function mount(element, props, trigger, watch, root) {
  const staticBase = root + "lab/static/";
  const $ = (selector) => element.querySelector(selector);
  const box = $(".dl-where").closest(".dl-browser"); // holds dlPictures once a run in this browser is done
  const state = { run: null, frames: [], layout: null, pending: null, draws: 0 };
  const small = document.createElement("canvas");
  $(".dl-canvas").insertAdjacentHTML("beforebegin", '<div class="dl-caption"></div>');

  function show(message, kind = "") {
    $(".dl-where").textContent = message;
    $(".dl-where").dataset.kind = kind;
  }

  function arranged() { // the run's grids, stacked or side by side as the column is now (a phone may turn)
    return { ...state.layout, stacked: element.clientWidth < STACK_BELOW_PX };
  }

  function draw(frame) {
    state.draws += 1;
    const layout = arranged(), image = framePixels(frame.xt, frame.x0, layout), canvas = $(".dl-canvas");
    $(".dl-caption").textContent = CAPTIONS[layout.stacked];
    small.width = image.width; small.height = image.height;
    small.getContext("2d").putImageData(image, 0, 0);
    canvas.width = image.width * SCALE; canvas.height = image.height * SCALE;
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = false;
    context.drawImage(small, 0, 0, canvas.width, canvas.height);
    // the run's first picture: lab/static/js/page.js brings it into view on a phone
    if (state.draws === 1) canvas.dispatchEvent(new Event("dl-drawn", { bubbles: true }));
  }

  function drawSoon(frame) { // at most once per display frame, always the newest step
    if (state.pending === null) requestAnimationFrame(() => { draw(state.pending); state.pending = null; });
    state.pending = frame;
  }

  function toServer(payload, reason) {
    element.dataset.state = "server";
    $(".dl-stage").hidden = true;
    show(`Runs on the server: ${reason}. The picture appears below.`, "server");
    window.diffusionLab = { ...window.diffusionLab, lastRun: { run: payload.run, where: "server", reason } };
    trigger("submit");
  }

  async function measure(model, evaluate, payload, xT) { // ms per evaluation at this batch: the second of two calls
    const key = `${payload.model.url}|${payload.batch}|${Boolean(payload.plan.steps.guided)}`;
    if (!speeds.has(key)) {
      const t = payload.plan.steps.t[0] * payload.plan.time_scale, guided = Boolean(payload.plan.steps.guided);
      await evaluate(xT, t, guided);
      const start = performance.now();
      await evaluate(xT, t, guided);
      speeds.set(key, performance.now() - start);
    }
    return speeds.get(key);
  }

  function autoReason(payload, estimate) { // null: run here; else why the server should
    const server = payload.server;
    if (server.others > 0) return null;
    if (estimate <= Math.max(FAST_ENOUGH_S, 2 * (server.estimate_s ?? 0))) return null;
    return `your device would take about ${estimate.toFixed(0)} s, the server about ${(server.estimate_s ?? 0).toFixed(1)} s`;
  }

  async function start(payload) {
    const blocked = payload.where === "server" ? "you chose the server" : payload.reason || cannotRun();
    if (blocked) return toServer(payload, blocked);
    const [channels, size] = payload.plan.shape;
    state.layout = { batch: payload.batch, nrow: payload.nrow, channels, size };
    element.dataset.state = "loading";
    show("Loading the model into your browser…");
    let model;
    try {
      model = await BrowserModel.load(staticBase, new URL(payload.model.url, root).href, payload.model.conditioning);
    } catch (e) {
      return toServer(payload, `the model could not be loaded in this browser (${e.message || e})`);
    }
    const cond = payload.cond === null ? null
      : payload.model.conditioning.kind === "class" ? Int32Array.from(payload.cond) : floats(payload.cond);
    const evaluate = makeEvaluator((x, t, c, d) => model.call(x, t, c, d, payload.plan.shape), payload.batch,
      cond, payload.plan.guidance_scale);
    const xT = floats(payload.xT), evaluations = evaluationsOf(payload.plan);
    const perEvaluation = await measure(model, evaluate, payload, xT);
    const estimate = perEvaluation * evaluations / 1000;
    const reason = payload.where === "auto" ? autoReason(payload, estimate) : null;
    if (reason) return toServer(payload, reason);
    const why = payload.where === "browser" ? "you chose your browser"
      : payload.server.others > 0 ? `the server is busy with ${payload.server.others} other run(s)`
        : `your device is fast enough (about ${estimate.toFixed(1)} s)`;
    show(`Runs in your browser (${model.backend}): ${why}.`, "browser");
    await sample(payload, evaluate, xT, evaluations, model.backend);
  }

  async function sample(payload, evaluate, xT, evaluations, backend) {
    const plan = payload.plan, noise = seededNormal(payload.seed, xT.length), started = performance.now();
    state.frames = [];
    state.draws = 0;
    $(".dl-stage").hidden = false;
    element.dataset.state = "running";
    let last = null, yielded = performance.now();
    for await (const step of runPlan(plan, evaluate, xT, noise)) {
      if (state.run !== payload.run) return; // a newer Generate replaced this run
      const frame = { index: step.index, t: step.t, xt: toUint8(step.xt), x0: toUint8(step.x0) };
      state.frames.push(frame);
      drawSoon(frame);
      const done = Math.round(evaluations * step.index / plan.num_steps);
      $(".dl-status").textContent = `step ${step.index}/${plan.num_steps} · t = ${Number(step.t.toPrecision(3))} · `
        + `${done} model evaluations · ${((performance.now() - started) / 1000).toFixed(2)} s in your browser (${backend})`;
      last = step;
      if (performance.now() - yielded > FRAME_MS) {
        await yieldToBrowser();
        yielded = performance.now();
      }
    }
    const scrub = $(".dl-scrub");
    scrub.max = String(state.frames.length - 1);
    scrub.value = scrub.max;
    element.dataset.state = "done";
    // the finished pictures, uint8 (B, C, H, W), for lab/static/js/drawn_pictures.mjs (tab 5's nearest training emoji)
    if (state.run === payload.run) box.dlPictures = { pixels: toUint8(last.xt), shape: [payload.batch, ...plan.shape] };
    window.diffusionLab = { ...window.diffusionLab, lastRun: { run: payload.run, where: "browser", backend,
      seconds: (performance.now() - started) / 1000, evaluations, frames: state.frames.length, draws: state.draws,
      final: Array.from(last.xt) } };
  }

  $(".dl-scrub").addEventListener("input", (e) => {
    const frame = state.frames[Number(e.target.value)];
    if (frame) draw(frame);
  });
  $(".dl-png").addEventListener("click", () => {
    $(".dl-canvas").toBlob((blob) => download(blob, "diffusion-lab-step.png"));
  });
  $(".dl-gif").addEventListener("click", async () => {
    if (!state.frames.length) return;
    const { animatedGif } = await import("./gif_export.mjs");
    const layout = arranged();
    download(animatedGif(state.frames, (frame) => framePixels(frame.xt, frame.x0, layout)), "diffusion-lab.gif");
  });

  function download(blob, name) {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  watch("value", () => {
    const payload = props.value;
    if (!payload || typeof payload !== "object" || !payload.run || payload.run === state.run) return;
    state.run = payload.run;
    box.dlPictures = null; // a new run: the pictures of the last one are gone
    start(payload).catch((e) => {
      console.error(e);
      toServer(payload, `the browser run failed (${e.message || e})`);
    });
  });
}
