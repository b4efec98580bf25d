// Tab 1's x_t, equation and histogram drawn in the student's browser while the t slider moves, with no request
// to the server. The server (lab/forward_live.py) sends x0, ε and the schedule's tables once per picture, noise,
// schedule and T; here, per pixel and channel,
//     x_t = a·x0 + b·ε,   a = √ᾱ_t, b = √(1−ᾱ_t)   (ᾱ_t: the server's float32 table)
// shown as round((clip(x_t, −1, 1) + 1)·127.5), as diffusion_core.images.tensor_to_uint8 does. The equation is
// the server's own template (lab/lessons/forward.EQUATION) filled with Python's format specs.

function bytesOf(base64) {
  const raw = atob(base64), out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** The payload's arrays, decoded once: x0 uint8 and ε int16, both (H, W, C); the (T,) float32 tables. */
export function decode(payload) {
  const [channels, height, width] = payload.shape;
  const floats = (b64) => new Float32Array(bytesOf(b64).buffer);
  return {
    channels, height, width, T: payload.T, schedule: payload.schedule, epsScale: payload.eps_scale,
    x0: bytesOf(payload.x0), eps: new Int16Array(bytesOf(payload.eps).buffer),
    abar: floats(payload.abar), snr: floats(payload.snr), snrDb: floats(payload.snr_db),
  };
}

const trimZeros = (s) => (s.includes(".") ? s.replace(/\.?0+$/, "") : s);

/** Python's format(value, spec) for the specs the equation uses: "", ".Nf", ".Ng". */
export function pyFormat(value, spec) {
  if (!spec || typeof value !== "number") return String(value);
  const match = /^\.(\d+)([fg])$/.exec(spec);
  if (!match) throw new Error(`format spec ${spec} is not supported`);
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  const precision = Number(match[1]);
  if (match[2] === "f") return (Object.is(value, -0) ? "-" : "") + value.toFixed(precision);
  const p = Math.max(precision, 1);
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const [mantissa, exponentText] = value.toExponential(p - 1).split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= p) {
    return `${trimZeros(mantissa)}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return trimZeros(value.toFixed(p - 1 - exponent));
}

/** str.format for "{name}" and "{name:spec}" fields. */
export function fill(template, values) {
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (_, name, spec) => pyFormat(values[name], spec));
}

/** The little Markdown the equation uses: **bold** and "  \n" line breaks. */
export function markdownToHtml(text) {
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped.replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>").replace(/ {2}\n/g, "<br>");
}

/** The equation's values at t, as lab/lessons/forward.equation_at computes them. */
export function equationValues(data, t) {
  const abar = data.abar[t];
  return { t, T: data.T, schedule: data.schedule, a: Math.sqrt(abar), s: Math.sqrt(1 - abar), abar,
    snr: data.snr[t], snr_db: data.snrDb[t] };
}

/** x_t's values (H·W·C) and its RGBA pixels for a canvas. */
export function noisedPixels(data, a, b) {
  const { channels, height, width, x0, eps, epsScale } = data, n = height * width;
  const values = new Float32Array(n * channels), rgba = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) {
      const k = i * channels + c, v = a * (x0[k] / 127.5 - 1) + b * eps[k] * epsScale;
      values[k] = v;
      const level = Math.round((Math.min(1, Math.max(-1, v)) + 1) * 127.5);
      if (channels === 3) rgba[i * 4 + c] = level;
      else rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = level;
    }
    rgba[i * 4 + 3] = 255;
  }
  return { values, rgba };
}

/** numpy.histogram(values, bins, range=(lo, hi), density=True): counts / (values in range) / bin width. */
export function histogram(values, { bins, lo, hi }) {
  const counts = new Float64Array(bins), width = (hi - lo) / bins;
  let inside = 0;
  for (const v of values) {
    if (!(v >= lo && v <= hi)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
    inside++;
  }
  return Array.from(counts, (c) => (inside ? c / inside / width : 0));
}

const BARS = "rgba(59, 130, 246, 0.75)", CURVE = "#f97316", INK = "#555";

function drawHistogram(canvas, densities, { bins, lo, hi }, { title, legend } = {}) {
  const g = canvas.getContext("2d"), W = canvas.width, H = canvas.height;
  const left = 36, right = 8, top = 28, bottom = 24, plotW = W - left - right, plotH = H - top - bottom;
  const normal = (x) => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
  const yMax = Math.max(0.45, ...densities) * 1.05, xOf = (x) => left + (x - lo) / (hi - lo) * plotW;
  const yOf = (d) => top + plotH - d / yMax * plotH;
  g.clearRect(0, 0, W, H);
  g.font = "13px sans-serif";
  g.fillStyle = INK;
  g.fillText(title || "pixels of x_t vs N(0, 1)", left, 16);
  g.fillStyle = BARS;
  densities.forEach((d, k) => {
    const x = xOf(lo + k * (hi - lo) / bins);
    g.fillRect(x, yOf(d), plotW / bins - 1, top + plotH - yOf(d));
  });
  g.strokeStyle = CURVE;
  g.lineWidth = 2;
  g.beginPath();
  for (let i = 0; i <= 200; i++) {
    const x = lo + (hi - lo) * i / 200;
    i ? g.lineTo(xOf(x), yOf(normal(x))) : g.moveTo(xOf(x), yOf(normal(x)));
  }
  g.stroke();
  g.fillStyle = INK;
  g.strokeStyle = INK;
  g.lineWidth = 1;
  g.strokeRect(left, top, plotW, plotH);
  for (let x = Math.ceil(lo); x <= hi; x++) g.fillText(String(x), xOf(x) - 4, H - 6);
  g.fillText(yMax.toFixed(1), 2, top + 10);
  g.fillText("0", 20, top + plotH);
  g.fillStyle = BARS;
  g.fillRect(W - 190, 8, 12, 10);
  g.fillStyle = CURVE;
  g.fillRect(W - 90, 12, 12, 3);
  g.fillStyle = INK;
  g.fillText(legend || "x_t pixels", W - 174, 17);
  g.fillText("N(0, 1)", W - 74, 17);
}

/** The payload's words in the page's language (lab/i18n; window.diffusionLab.lang), else its own (English). */
export function wordsOf(payload) {
  const lang = window.diffusionLab && window.diffusionLab.lang;
  return (payload.langs && payload.langs[lang]) || payload;
}

export function altText(payload, t, snrDb) { // lab/lessons/forward.py: xt_alt
  const [, seen] = payload.visibility.find(([bound]) => snrDb >= bound);
  return fill(payload.alt, { t, seen });
}

/** The live view's names in the page's language: the picture's alt text at t, its label, the histogram's; its words. */
function labelled(element, payload, t, snrDb) {
  const words = wordsOf(payload);
  element.querySelector(".dl-live-xt").setAttribute("aria-label", altText(words, t, snrDb));
  if (words.label) element.querySelector(".dl-live-label").textContent = words.label;
  element.querySelector(".dl-live-histogram").setAttribute("aria-label", words.histogram_alt || "");
  return words;
}

function sizeCanvas(canvas, data) { // a digit is upscaled with crisp pixels; a photo is shown at its size or smaller
  const scale = Math.max(1, Math.floor(224 / Math.max(data.width, data.height)));
  canvas.style.width = `calc(var(--dl-main-h, 60vh) * ${data.width / data.height})`; // as tall as x0 (max-width: 100%)
  canvas.style.imageRendering = scale > 1 ? "pixelated" : "auto";
}

export function mount(element, props, watch) {
  const $ = (selector) => element.querySelector(selector);
  const state = { payload: null, data: null, askedT: null, pendingT: null };

  const slider = () => state.payload && document.querySelector(`#${state.payload.slider} input[type=range]`);
  const sliderT = () => Number(slider()?.value ?? 0);

  function showServerView(show) {
    document.querySelectorAll(`.${state.payload.server_view}`).forEach((el) => { el.style.display = show ? "" : "none"; });
    $(".dl-live-stage").hidden = show;
    const column = element.closest(`.${state.payload.live_column}`); // the live view's column takes no room then
    if (column) column.style.display = show ? "none" : "";
    $(".dl-forward-live").dataset.state = show ? "server" : "live";
  }

  function draw(tRequested) {
    state.askedT = tRequested;
    const data = state.data, t = Math.min(Math.max(Math.round(tRequested) || 0, 0), data.T - 1);
    const values = equationValues(data, t);
    const { values: xt, rgba } = noisedPixels(data, values.a, values.s);
    const canvas = $(".dl-live-xt");
    canvas.width = data.width;
    canvas.height = data.height;
    canvas.getContext("2d").putImageData(new ImageData(rgba, data.width, data.height), 0, 0);
    const words = labelled(element, state.payload, t, values.snr_db);
    $(".dl-live-equation").innerHTML = markdownToHtml(fill(words.equation, values));
    drawHistogram($(".dl-live-histogram"), histogram(xt, state.payload.histogram), state.payload.histogram, words);
    $(".dl-forward-live").dataset.t = String(t);
    window.diffusionLab = { ...window.diffusionLab, forward: { t, a: values.a, b: values.s } };
  }

  function drawSoon(t) { // at most once per display frame, always the newest t
    if (state.pendingT === null) requestAnimationFrame(() => { const next = state.pendingT; state.pendingT = null; draw(next); });
    state.pendingT = t;
  }

  function accept(payload) {
    if (!payload || typeof payload !== "object" || payload === state.payload) return;
    state.payload = payload;
    if (payload.markov) return showServerView(true); // the Markov chain runs on the server
    state.data = decode(payload);
    sizeCanvas($(".dl-live-xt"), state.data);
    showServerView(false);
    draw(sliderT());
  }

  document.addEventListener("input", (event) => { // the slider or its number box, while it moves
    const box = event.target.closest?.(`#${state.payload?.slider}`);
    if (!box || !state.data || state.payload.markov) return;
    const value = Number(event.target.value);
    drawSoon(Number.isFinite(value) ? value : sliderT());
  }, true);
  setInterval(() => { // a t set by the page itself (a link, a new T) fires no input event
    if (state.data && !state.payload.markov && sliderT() !== state.askedT && state.pendingT === null) drawSoon(sliderT());
  }, 250);
  watch("value", () => accept(props.value));
  accept(props.value);
}
