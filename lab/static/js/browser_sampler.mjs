// Tab 4's and tab 5's sampler in the student's browser: the server sends a payload (lab/browser_sampler.py: the
// compiled plan, x_T drawn from the seed, the condition, the model's URL); this module decides where to run,
// runs the plan with onnxruntime-web, draws x_t | x̂0 at display rate, records every step for the scrubber and
// exports PNG and GIF. When the browser cannot (or should not) run it, it hands the run to the server by firing
// the component's "submit" event, whose handler is the server's own sampler.
import { BrowserModel, cannotRun } from "./browser_model.mjs";
import { evaluationsOf, makeEvaluator, runPlan } from "./plan_executor.mjs";
import { fill, loadWords } from "./lang.mjs";
import { seededNormal } from "./seeded_normal.mjs";
import { floats } from "./toy2d_net.mjs";

const FAST_ENOUGH_S = 10; // "auto" runs in the browser when its estimate is at most this, or twice the server's
const FRAME_MS = 16; // give the page a chance to paint about once per display frame
const PAD = 2, SCALE = 3, GAP = 12, BACKGROUND = 40; // as lab/lessons/sampling.render_frame draws a frame
// A column narrower than this (a phone's, a small window's) draws x̂0 under x_t: side by side, each grid would get
// a quarter of its width (76 px tall on a phone). Wider columns (a laptop's: 576 px) keep x_t | x̂0 as the text says.
const STACK_BELOW_PX = 480;
const CAPTIONS = { false: "sampling.frame", true: "browser.caption_stacked" }; // side by side, stacked (lab/i18n)
let words = {}; // the page's catalogue (lab/static/js/lang.mjs), loaded on mount
const say = (key, values) => fill(words, key, values);
/** "step 5/20 · t = 749", or "step 20/20 · finished" for the sample (its t is -1), as lessons/sampling.frame_words. */
const stepWords = (frame, steps) => `${say("sampling.frame_step", { step: frame.index, steps })} · ${
  frame.t < 0 ? say("sampling.finished") : `t = ${Number(frame.t.toPrecision(3))}`}`;
const speeds = new Map(); // model URL + batch + guided -> ms per evaluation, measured once per page

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
export function yieldToBrowser() {
  if (globalThis.scheduler?.yield) return globalThis.scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

function measureKey(payload) {
  return `${payload.model.url}|${payload.batch}|${Boolean(payload.plan.steps.guided)}`;
}

async function measure(evaluate, payload, xT) { // ms per evaluation at this batch: the second of two calls
  const key = measureKey(payload);
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
  return say("browser.slow", { estimate: estimate.toFixed(0), server: (server.estimate_s ?? 0).toFixed(1) });
}

function whyHere(payload, estimate) {
  if (payload.where === "browser") return say("browser.chose_browser");
  if (payload.server.others > 0) return say("browser.busy", { others: payload.server.others });
  return say("browser.fast", { estimate: estimate.toFixed(1) });
}

function download(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}

/** One sampler component: its elements, the run in progress and its recorded frames. */
class SamplerView {
  constructor(element, trigger, root) {
    Object.assign(this, { element, trigger, root, staticBase: root + "lab/static/" });
    this.box = this.$(".dl-where").closest(".dl-browser"); // holds dlPictures once a run in this browser is done
    this.state = { run: null, frames: [], layout: null, pending: null, draws: 0 };
    this.small = document.createElement("canvas");
    this.$(".dl-canvas").insertAdjacentHTML("beforebegin", '<div class="dl-caption"></div>');
  }

  $(selector) { return this.element.querySelector(selector); }

  show(message, kind = "") {
    this.$(".dl-where").textContent = message;
    this.$(".dl-where").dataset.kind = kind;
  }

  arranged() { // the run's grids, stacked or side by side as the column is now (a phone may turn)
    return { ...this.state.layout, stacked: this.element.clientWidth < STACK_BELOW_PX };
  }

  draw(frame) {
    this.state.draws += 1;
    const layout = this.arranged(), image = framePixels(frame.xt, frame.x0, layout), canvas = this.$(".dl-canvas");
    this.$(".dl-caption").textContent = say(CAPTIONS[layout.stacked]);
    this.small.width = image.width; this.small.height = image.height;
    this.small.getContext("2d").putImageData(image, 0, 0);
    canvas.width = image.width * SCALE; canvas.height = image.height * SCALE;
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = false;
    context.drawImage(this.small, 0, 0, canvas.width, canvas.height);
    canvas.setAttribute("aria-label", say("browser.alt", { where: stepWords(frame, this.state.steps) }));
    // the run's first picture: lab/static/js/page.js brings it into view on a phone
    if (this.state.draws === 1) canvas.dispatchEvent(new Event("dl-drawn", { bubbles: true }));
  }

  drawSoon(frame) { // at most once per display frame, always the newest step
    const state = this.state;
    if (state.pending === null) requestAnimationFrame(() => { this.draw(state.pending); state.pending = null; });
    state.pending = frame;
  }

  toServer(payload, reason) {
    this.element.dataset.state = "server";
    this.$(".dl-stage").hidden = true;
    this.show(say("browser.on_server", { reason }), "server");
    window.diffusionLab = { ...window.diffusionLab, lastRun: { run: payload.run, where: "server", reason } };
    this.trigger("submit");
  }

  receive(payload) { // a new value from the server: a run to start (or the same run again: nothing to do)
    if (!payload || typeof payload !== "object" || !payload.run || payload.run === this.state.run) return;
    this.state.run = payload.run;
    this.box.dlPictures = null; // a new run: the pictures of the last one are gone
    this.start(payload).catch((e) => {
      console.error(e);
      this.toServer(payload, say("browser.failed", { error: e.message || e }));
    });
  }

  async start(payload) {
    const blocked = payload.where === "server" ? say("browser.chose_server") : payload.reason || (cannotRun() && say("browser.no_wasm"));
    if (blocked) return this.toServer(payload, blocked);
    const [channels, size] = payload.plan.shape;
    this.state.layout = { batch: payload.batch, nrow: payload.nrow, channels, size };
    this.element.dataset.state = "loading";
    this.show(say("browser.loading"));
    let model;
    try {
      model = await BrowserModel.load(this.staticBase, new URL(payload.model.url, this.root).href,
        payload.model.conditioning);
    } catch (e) {
      return this.toServer(payload, say("browser.not_loaded", { error: e.message || e }));
    }
    const cond = payload.cond === null ? null
      : payload.model.conditioning.kind === "class" ? Int32Array.from(payload.cond) : floats(payload.cond);
    const evaluate = makeEvaluator((x, t, c, d) => model.call(x, t, c, d, payload.plan.shape), payload.batch,
      cond, payload.plan.guidance_scale);
    const xT = floats(payload.xT), evaluations = evaluationsOf(payload.plan);
    const estimate = (await measure(evaluate, payload, xT)) * evaluations / 1000;
    const reason = payload.where === "auto" ? autoReason(payload, estimate) : null;
    if (reason) return this.toServer(payload, reason);
    const backend = model.threads ? say("browser.wasm", { threads: model.threads }) : model.backend;
    this.show(say("browser.here", { backend, why: whyHere(payload, estimate) }), "browser");
    await this.sample(payload, evaluate, xT, evaluations, backend);
  }

  async sample(payload, evaluate, xT, evaluations, backend) {
    const plan = payload.plan, noise = seededNormal(payload.seed, xT.length), started = performance.now();
    Object.assign(this.state, { frames: [], draws: 0, steps: plan.num_steps });
    this.$(".dl-stage").hidden = false;
    this.element.dataset.state = "running";
    let last = null, yielded = performance.now();
    for await (const step of runPlan(plan, evaluate, xT, noise)) {
      if (this.state.run !== payload.run) return; // a newer Generate replaced this run
      const frame = { index: step.index, t: step.t, xt: toUint8(step.xt), x0: toUint8(step.x0) };
      this.state.frames.push(frame);
      this.drawSoon(frame);
      const done = Math.round(evaluations * step.index / plan.num_steps);
      this.$(".dl-status").textContent = say("browser.status", { where: stepWords(frame, plan.num_steps), done,
        seconds: ((performance.now() - started) / 1000).toFixed(2), backend });
      last = step;
      if (performance.now() - yielded > FRAME_MS) {
        await yieldToBrowser();
        yielded = performance.now();
      }
    }
    this.finish(payload, last, { backend, evaluations, seconds: (performance.now() - started) / 1000 });
  }

  finish(payload, last, measured) { // the scrubber covers every recorded step; the page learns what ran where
    const scrub = this.$(".dl-scrub"), state = this.state;
    scrub.max = String(state.frames.length - 1);
    scrub.value = scrub.max;
    this.element.dataset.state = "done";
    // the finished pictures, uint8 (B, C, H, W), for lab/static/js/drawn_pictures.mjs (tab 5's nearest training emoji)
    if (state.run === payload.run) {
      this.box.dlPictures = { pixels: toUint8(last.xt), shape: [payload.batch, ...payload.plan.shape] };
    }
    window.diffusionLab = { ...window.diffusionLab, lastRun: { run: payload.run, where: "browser", ...measured,
      frames: state.frames.length, draws: state.draws, final: Array.from(last.xt) } };
  }

  wireControls() { // the scrubber redraws a recorded step; PNG and GIF download what is drawn
    this.$(".dl-scrub").addEventListener("input", (e) => {
      const frame = this.state.frames[Number(e.target.value)];
      if (!frame) return;
      this.draw(frame); // the status says which recorded step is shown, not the run's last one
      this.$(".dl-status").textContent = say("browser.scrubbed", { where: stepWords(frame, this.state.steps) });
    });
    this.$(".dl-png").addEventListener("click", () => {
      this.$(".dl-canvas").toBlob((blob) => download(blob, "diffusion-lab-step.png"));
    });
    this.$(".dl-gif").addEventListener("click", async () => {
      if (!this.state.frames.length) return;
      const { animatedGif } = await import("./gif_export.mjs");
      const layout = this.arranged();
      download(animatedGif(this.state.frames, (frame) => framePixels(frame.xt, frame.x0, layout)), "diffusion-lab.gif");
    });
  }
}

function translate(element) { // the template's own words (lab/browser_sampler.TEMPLATE), in the page's language
  const label = element.querySelector(".dl-scrub-label");
  if (label && label.firstChild) label.firstChild.textContent = say("common.scrub") + " ";
  element.querySelector(".dl-png").textContent = say("browser.png");
  element.querySelector(".dl-gif").textContent = say("browser.gif");
}

export async function mount(element, props, trigger, watch, root) {
  words = await loadWords(root);
  translate(element);
  const view = new SamplerView(element, trigger, root);
  view.wireControls();
  watch("value", () => view.receive(props.value));
  if (props.value) view.receive(props.value); // a value that came while the words were loading
}
