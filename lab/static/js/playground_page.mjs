// Tab 6 in the student's browser (lab/playground_browser.py): Train runs the engine's training here (toy2d_train.mjs,
// TensorFlow.js), Run the flow and Compare sample here with the plans the engine compiled, and the pictures, the
// scrubber and the GIF are drawn here. The trained weights and the drawing's points stay in the page. The tab's
// buttons send their values to this component's value (no server event); when this browser cannot train, the
// component hands Train to the server ("submit", the tab's own handler) and shows why.
import { cannotRun } from "./browser_model.mjs";
import { yieldToBrowser } from "./browser_sampler.mjs";
import { fill, loadWords } from "./lang.mjs";
import { Toy2DNet, loadTf } from "./toy2d_net.mjs";
import { Trainer } from "./toy2d_train.mjs";
import { datasetPoints, drawingPoints, planFor, presetWeights, specFor } from "./playground_data.mjs";
import { field, fitWords, flowPaths, mmd, startingPoints } from "./playground_flow.mjs";
import { PANEL_PX, drawLoss, drawPanels, gridPoints, particleColors } from "./playground_draw.mjs";

const UPDATE_MS = 500, PREVIEW_MS = 2000, PREVIEW_PARTICLES = 300, PREVIEW_STEPS = 20, FIT_SAMPLES = 500;
const ANIMATION_FRAMES = 16, FRAME_MS = 80, GIF_FRAMES = 40, FRAME_MS_TRAINING = 30;
const COMPARED = [["ddpm", "ddpm"], ["ddpm", "ddim"], ["flow_matching", "euler"]];
const FIRST_SAMPLER = { ddpm: "ddpm", flow_matching: "euler" };
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let words = {}; // the page's catalogue (lab/static/js/lang.mjs), loaded on mount
const tr = (key, values) => fill(words, key, values);
const seconds = (ms) => (ms / 1000).toFixed(1);

class PlaygroundView {
  constructor(element, trigger, root) {
    Object.assign(this, { element, trigger, root, config: JSON.parse(element.querySelector(".dl-pg-config").textContent) });
    this.state = { request: null, models: new Map(), drawing: null, scene: null, training: null, losses: [] };
    window.diffusionLab = { ...window.diffusionLab, playground: { where: "browser" } };
  }

  $(selector) { return this.element.querySelector(selector); }
  say(text, kind = "") { this.$(".dl-pg-status").textContent = text; this.$(".dl-pg-status").dataset.kind = kind; }
  record(values) { Object.assign(window.diffusionLab.playground, values); }

  goLive() {
    if (cannotRun()) return this.toServer(tr("browser.no_wasm"));
    document.documentElement.classList.add("dl-pg-live");
    this.showData(this.config.first).catch((e) => this.failed(e));
  }

  toServer(reason, request = null) { // the server's controls come back; a Train in progress goes to the server
    document.documentElement.classList.remove("dl-pg-live");
    this.record({ where: "server", reason });
    this.say(tr("playground.on_server", { reason }), "server");
    if (request) this.trigger("submit");
  }

  receive(request) {
    if (!request || typeof request !== "object" || request.id === this.state.request) return;
    this.state.request = request.id;
    const action = { train: this.train, stop: this.stop, run: this.run, compare: this.compare, data: this.showData,
      arrows: this.redraw }[request.action];
    if (action) action.call(this, request).catch((e) => this.failed(e));
  }

  failed(e) {
    console.error(e);
    this.say(e.message || String(e), "error");
  }

  async points(request) { // {train, shown, fresh} of a preset, or of the drawing (as drawn now when training)
    if (request.source !== "drawing") return datasetPoints(this.root, request.source);
    if (request.action === "train") {
      const points = await drawingPoints(request.sketch, this.config.drawing, tr);
      const forget = !this.state.drawing || String(this.state.drawing.train.slice(0, 20)) !== String(points.slice(0, 20));
      if (forget) for (const key of this.state.models.keys()) if (key.startsWith("drawing|")) this.state.models.delete(key);
      const half = points.length / 2;
      this.state.drawing = { train: points, shown: points.slice(0, 2 * 600), fresh: points.slice(half - (half % 2)) };
    }
    if (!this.state.drawing) throw new Error(tr("playground.no_drawing_yet"));
    return this.state.drawing;
  }

  async showData(request) {
    this.state.scene = null;
    const data = request.source === "drawing" ? this.state.drawing : await datasetPoints(this.root, request.source);
    const title = data ? tr(`playground.sources.${request.source}`) : tr("playground.draw_then_train");
    drawPanels(this.$(".dl-pg-canvas"), [{ title, data: data?.shown }]);
    this.$(".dl-pg-scrub").value = "1";
  }

  async train(request) {
    let tf;
    try {
      tf = await loadTf(`${this.root}lab/static/`);
    } catch (e) {
      return this.toServer(tr("playground.no_tf", { error: e.message || e }), request);
    }
    const [spec, data] = await Promise.all([specFor(this.root, request.objective), this.points(request)]);
    if (this.state.training) this.state.training.replaced = true; // a new Train: the run in progress is dropped
    this.stop();
    const trainer = new Trainer(tf, spec, data.train, { steps: request.train_steps, seed: request.seed });
    const run = { trainer, spec, stopped: false, request };
    this.state.training = run;
    this.state.losses = [];
    this.record({ training: true, losses: this.state.losses, fit: null });
    await this.trainLoop(run, data);
  }

  async trainLoop(run, data) {
    const { trainer, request } = run, start = performance.now();
    let shown = start, previewed = start, yielded = start;
    while (trainer.step < trainer.steps && !run.stopped) {
      this.state.losses.push(trainer.run());
      const now = performance.now();
      if (now - yielded > FRAME_MS_TRAINING) { // let the page paint and take clicks (Stop) now and then
        await yieldToBrowser();
        yielded = performance.now();
      }
      if (now - shown > UPDATE_MS) {
        shown = now;
        drawLoss(this.$(".dl-pg-loss"), this.state.losses, tr);
        this.say(tr("playground.browser_step", { step: trainer.step, steps: trainer.steps,
          loss: recent(this.state.losses).toFixed(3), seconds: seconds(now - start) }), "browser");
      }
      if (now - previewed > PREVIEW_MS) {
        previewed = now;
        await this.preview(run, data);
      }
    }
    if (this.state.training === run) this.state.training = null;
    if (run.replaced) return trainer.dispose();
    await this.finish(run, data, performance.now() - start);
  }

  async preview(run, data) { // the EMA weights' samples so far, a quick deterministic run
    const objective = run.request.objective, sampler = objective === "ddpm" ? "ddim" : "euler";
    const plan = await planFor(this.root, objective, sampler, PREVIEW_STEPS);
    const xT = startingPoints(PREVIEW_PARTICLES, 0);
    const paths = await flowPaths(run.trainer.ema, plan, objective, run.spec.process.num_timesteps, xT, 1);
    drawPanels(this.$(".dl-pg-canvas"), [{ title: tr("playground.preview", { step: run.trainer.step }),
      data: data.shown, positions: [paths.positions.at(-1)], colors: particleColors(xT) }]);
  }

  async finish(run, data, ms) {
    const { trainer, spec, request } = run, key = `${request.source}|${request.objective}`;
    this.state.models.get(key)?.net.dispose(); // the model this one replaces (a preset's copy or an earlier run)
    this.state.models.set(key, { net: trainer.ema, spec });
    trainer.release();
    drawLoss(this.$(".dl-pg-loss"), this.state.losses, tr);
    const done = { steps: trainer.step, seconds: seconds(ms) };
    this.say(tr("playground.measuring", done), "browser");
    const fit = await this.fit(trainer.ema, spec, request.objective, data);
    this.say(tr("playground.trained_browser", { ...done, fit: fit.text }), "browser");
    this.record({ training: false, trained: { key, steps: trainer.step, seconds: ms / 1000 }, fit });
    await this.run({ ...request, action: "run" });
  }

  async fit(net, spec, objective, data) { // MMD² of samples to fresh data, next to two draws of the data
    const sampler = FIRST_SAMPLER[objective], plan = await planFor(this.root, objective, sampler, this.config.fit_steps[objective]);
    const xT = startingPoints(FIT_SAMPLES, 7, Infinity);
    const samples = (await flowPaths(net, plan, objective, spec.process.num_timesteps, xT, 8)).positions.at(-1);
    const fresh = data.fresh.slice(0, 2 * FIT_SAMPLES), other = data.train.slice(0, 2 * FIT_SAMPLES);
    const result = fitWords(mmd(samples, fresh), mmd(other, fresh), tr);
    return { ...result, samples: Array.from(samples) };
  }

  stop() {
    if (this.state.training) this.state.training.stopped = true;
    return Promise.resolve();
  }

  async model(source, objective) { // the page's own model, else the class's preset
    const key = `${source}|${objective}`;
    if (!this.state.models.has(key)) {
      if (source === "drawing") {
        throw new Error(tr("playground.nothing_learned", { name: tr(`playground.objective_names.${objective}`) }));
      }
      const [tf, spec, weights] = await Promise.all([loadTf(`${this.root}lab/static/`), specFor(this.root, objective),
        presetWeights(this.root, source, objective)]);
      this.state.models.set(key, { net: new Toy2DNet(tf, spec, weights), spec });
    }
    return this.state.models.get(key);
  }

  async scene(request, runs) { // runs: [objective, sampler] panels from the same starting points
    const data = await this.points({ ...request, action: "show" });
    const xT = startingPoints(request.particles, request.seed), panels = [];
    for (const [objective, sampler] of runs) {
      const { net, spec } = await this.model(request.source, objective);
      const plan = await planFor(this.root, objective, sampler, request.num_steps);
      const paths = await flowPaths(net, plan, objective, spec.process.num_timesteps, xT, request.seed + 1);
      panels.push({ title: tr(`playground.samplers.${sampler}`), net, spec, ...paths });
    }
    return { panels, data: data.shown, colors: particleColors(xT), arrows: request.arrows };
  }

  async run(request) {
    await this.show(await this.scene(request, [[request.objective, request.sampler]]));
  }

  async compare(request) {
    await this.show(await this.scene(request, COMPARED));
  }

  async show(scene) { // a short animation from noise to data, then the finished paths to scrub
    this.state.scene = scene;
    const times = scene.panels[0].times, count = Math.min(ANIMATION_FRAMES, times.length);
    for (let j = 0; j < count; j++) {
      this.draw(1 - j / Math.max(1, count - 1));
      await pause(FRAME_MS);
    }
    this.$(".dl-pg-scrub").value = "0";
    this.draw(0);
    this.record({ flow: { panels: scene.panels.length, steps: times.length - 1,
      final: Array.from(scene.panels[0].positions.at(-1)) } });
  }

  redraw(request) {
    if (this.state.scene) this.state.scene.arrows = request.arrows;
    if (this.state.scene) this.draw(Number(this.$(".dl-pg-scrub").value));
    return Promise.resolve();
  }

  layers(t) { // every panel at τ = t: the paths so far, the particles, the field's arrows
    const scene = this.state.scene, grid = gridPoints();
    return scene.panels.map((panel) => {
      const k = Math.max(0, panel.times.findIndex((time) => time <= t + 1e-9));
      const step = panel.times[k] <= t + 1e-9 ? k : panel.times.length - 1;
      return { title: tr("playground.panel", { title: panel.title, t: panel.times[step].toFixed(2), step,
        steps: panel.times.length - 1 }),
        data: scene.data, positions: panel.positions.slice(0, step + 1), colors: scene.colors,
        grid: scene.arrows ? grid : null, vectors: scene.arrows ? field(panel.net, panel.spec, grid, panel.times[step]) : null };
    });
  }

  draw(t) {
    drawPanels(this.$(".dl-pg-canvas"), this.layers(t));
    this.record({ drawnAt: t });
  }

  async gif() {
    if (!this.state.scene) return this.say(tr("playground.run_first"), "error");
    const { animatedGif } = await import("./gif_export.mjs");
    const size = this.state.scene.panels.length === 1 ? PANEL_PX / 2 : 150, canvas = document.createElement("canvas");
    const frames = Array.from({ length: GIF_FRAMES }, (_, j) => 1 - j / (GIF_FRAMES - 1));
    const blob = animatedGif(frames, (t) => {
      drawPanels(canvas, this.layers(t), size);
      return canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
    });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "flow.gif";
    a.click();
    this.record({ gif: blob.size });
  }

  wireControls() {
    this.$(".dl-pg-scrub").addEventListener("input", (e) => { if (this.state.scene) this.draw(Number(e.target.value)); });
    this.$(".dl-pg-gif").addEventListener("click", () => this.gif().catch((e) => this.failed(e)));
  }
}

function recent(losses) {
  const last = losses.slice(-50);
  return last.reduce((s, v) => s + v, 0) / last.length;
}

function translate(element) { // the template's own words (lab/playground_browser.TEMPLATE), in the page's language
  const label = element.querySelector(".dl-pg-scrub-label");
  if (label && label.firstChild) label.firstChild.textContent = tr("playground.t") + " ";
  element.querySelector(".dl-pg-gif").textContent = tr("playground.export");
}

export async function mount(element, props, trigger, watch, root) {
  words = await loadWords(root);
  translate(element);
  const view = new PlaygroundView(element, trigger, root);
  view.wireControls();
  view.goLive();
  watch("value", () => view.receive(props.value));
  if (props.value) view.receive(props.value); // a request that came while the words were loading
}
