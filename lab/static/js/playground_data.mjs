// What tab 6's page fetches (lab/server/playground_files.py: the same JSON for every student, cached) and the points
// of a student's drawing, read in the page (lessons.playground.drawing_points: ink from the alpha channel, or from
// the brightness of an opaque drawing; points in proportion to it, spread within their pixel, y up, in [-BOX, BOX]²).
import { floats } from "./toy2d_net.mjs";
import { splitmix32 } from "./seeded_normal.mjs";

const cache = new Map(); // URL -> Promise<JSON>

export function fetchJson(root, path) {
  const url = `${root}lab/playground/${path}`;
  if (!cache.has(url)) {
    cache.set(url, fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
      return r.json();
    }));
    cache.get(url).catch(() => cache.delete(url));
  }
  return cache.get(url);
}

/** The training spec of an objective, with ᾱ as a Float32Array (spec.abar) for DDPM. */
export async function specFor(root, objective) {
  const spec = await fetchJson(root, `spec/${objective}.json`);
  if (spec.process.kind === "ddpm" && !spec.abar) spec.abar = floats(spec.process.alphas_cumprod);
  return spec;
}

/** A preset's points: {train, shown, fresh} as Float32Array. */
export async function datasetPoints(root, dataset) {
  const json = await fetchJson(root, `data/${dataset}.json`);
  return { train: floats(json.train), shown: floats(json.shown), fresh: floats(json.fresh) };
}

export const planFor = (root, objective, sampler, steps) => fetchJson(root, `plan/${objective}/${sampler}/${steps}.json`);
export const presetWeights = async (root, dataset, objective) =>
  (await fetchJson(root, `preset/${dataset}/${objective}.json`)).weights;

function loadImage(url, unreadable) {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error(unreadable));
    image.src = url;
  });
}

/** (H·W) ink in [0, 255] of a picture drawn at size × size. */
function inkOf(image, size) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(image, 0, 0, size, size);
  const rgba = ctx.getImageData(0, 0, size, size).data, n = size * size, ink = new Float32Array(n);
  let transparent = false, bright = 0;
  for (let i = 0; i < n; i++) { transparent ||= rgba[4 * i + 3] < 255; bright += (rgba[4 * i] + rgba[4 * i + 1] + rgba[4 * i + 2]) / 3; }
  const invert = bright / n > 127;
  for (let i = 0; i < n; i++) {
    const grey = (rgba[4 * i] + rgba[4 * i + 1] + rgba[4 * i + 2]) / 3;
    ink[i] = transparent ? rgba[4 * i + 3] : invert ? 255 - grey : grey;
  }
  return ink;
}

/** n points in proportion to the drawing's ink (the same drawing gives the same points); throws a sentence a
 *  student understands when it is empty. sketch: the Sketchpad's value ({composite: {url}}); say(key): the page's
 *  words (lang.mjs fill). */
export async function drawingPoints(sketch, { box, resolution, points: n }, say) {
  const url = sketch?.composite?.url;
  if (!url) throw new Error(say("playground.empty_drawing"));
  const ink = inkOf(await loadImage(url, say("playground.unreadable")), resolution);
  const total = ink.reduce((s, v) => s + v, 0), max = Math.max(...ink);
  if (max - Math.min(...ink) < 8 || total < 1e-3 * 255 * ink.length) throw new Error(say("playground.empty_drawing"));
  const cumulative = new Float64Array(ink.length);
  ink.forEach((v, i) => { cumulative[i] = (i ? cumulative[i - 1] : 0) + v; });
  const next = splitmix32(12345), uniform = () => next() / 4294967296, points = new Float32Array(2 * n);
  for (let k = 0; k < n; k++) {
    const u = uniform() * total;
    let lo = 0, hi = ink.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cumulative[mid] > u) hi = mid; else lo = mid + 1; }
    const row = Math.floor(lo / resolution), col = lo % resolution;
    points[2 * k] = (((col + uniform()) / resolution) * 2 - 1) * box;
    points[2 * k + 1] = ((1 - (row + uniform()) / resolution) * 2 - 1) * box;
  }
  return points;
}
