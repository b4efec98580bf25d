// Tab 6's pictures drawn in the student's browser on a canvas, as diffusion_core/toy2d/draw.py draws them with Pillow:
// data points, particle paths, particles coloured by their starting angle, the field's arrows, a title; and the
// loss curve. World to pixels on a side of S px showing [-R, R]²: u = (x + R)/(2R)·S, v = (R − y)/(2R)·S.
// Points are Float32Array of N·2 values (x_1, y_1, x_2, …).

export const RADIUS = 3.2, MAX_PATHS = 100, PANEL_PX = 420;
const DATA = "rgba(185,185,185,1)", ARROW = "rgba(40,110,200,0.6)", FRAME = "rgb(225,225,225)", TEXT = "rgb(20,20,20)";

/** A hue per particle from the angle of its starting point (draw.particle_colors): [r, g, b] in 0..255. */
export function particleColors(start) {
  const colors = [];
  for (let k = 0; k < start.length; k += 2) {
    const h = ((Math.atan2(start[k + 1], start[k]) / (2 * Math.PI)) % 1 + 1) % 1;
    colors.push(hsv(h, 0.85, 0.85));
  }
  return colors;
}

function hsv(h, s, v) {
  const i = Math.floor(h * 6), f = h * 6 - i, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  const [r, g, b] = [[v, t, p], [q, v, p], [p, v, t], [p, q, v], [t, p, v], [v, p, q]][i % 6];
  return [r, g, b].map((c) => Math.floor(255 * c));
}

/** An n × n grid of arrow tails over [-extent, extent]² (draw.grid_points): Float32Array (n²·2). */
export function gridPoints(n = 15, extent = RADIUS * 0.9) {
  const grid = new Float32Array(2 * n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    grid[2 * (i * n + j)] = -extent + (2 * extent * i) / (n - 1);
    grid[2 * (i * n + j) + 1] = -extent + (2 * extent * j) / (n - 1);
  }
  return grid;
}

const px = (x, size) => ((x + RADIUS) / (2 * RADIUS)) * size;
const py = (y, size) => ((RADIUS - y) / (2 * RADIUS)) * size;

function dots(ctx, points, r, fill, size, outline = null) {
  for (let k = 0; k < points.length; k += 2) {
    ctx.beginPath();
    ctx.arc(px(points[k], size), py(points[k + 1], size), r, 0, 2 * Math.PI);
    ctx.fillStyle = typeof fill === "function" ? fill(k / 2) : fill;
    ctx.fill();
    if (outline) { ctx.strokeStyle = outline; ctx.lineWidth = 0.8; ctx.stroke(); }
  }
}

/** Arrows of at most one grid cell: lengths divided by the 90th percentile of |v|, longer ones clipped. */
function arrows(ctx, grid, vectors, size) {
  const n = grid.length / 2, cell = (2 * RADIUS) / Math.max(2, Math.round(Math.sqrt(n))), longest = cell * 0.8;
  const norms = Array.from({ length: n }, (_, i) => Math.hypot(vectors[2 * i], vectors[2 * i + 1]));
  const scale = [...norms].sort((a, b) => a - b)[Math.floor(0.9 * (n - 1))] || 1;
  ctx.strokeStyle = ARROW;
  ctx.lineWidth = 1;
  for (let i = 0; i < n; i++) {
    const k = Math.min(1, longest / Math.max(norms[i] / scale * longest, longest)) * longest / scale;
    const [x0, y0] = [px(grid[2 * i], size), py(grid[2 * i + 1], size)];
    const [x1, y1] = [px(grid[2 * i] + vectors[2 * i] * k, size), py(grid[2 * i + 1] + vectors[2 * i + 1] * k, size)];
    const length = Math.hypot(x1 - x0, y1 - y0);
    ctx.beginPath();
    ctx.moveTo(x0, y0); ctx.lineTo(x1, y1);
    if (length > 1) {
      const [ux, uy] = [(x1 - x0) / length, (y1 - y0) / length], head = Math.min(3 + length / 4, length);
      for (const side of [-1, 1]) { // two strokes back from the head, ±30°
        ctx.moveTo(x1, y1);
        ctx.lineTo(x1 + (-ux * 0.87 - side * uy * 0.5) * head, y1 + (-uy * 0.87 + side * ux * 0.5) * head);
      }
    }
    ctx.stroke();
  }
}

function paths(ctx, positions, colors, size) {
  const n = colors.length, count = Math.min(MAX_PATHS, n);
  ctx.lineWidth = 1;
  for (let j = 0; j < count; j++) {
    const i = Math.round((j * (n - 1)) / Math.max(1, count - 1));
    ctx.beginPath();
    positions.forEach((x, s) => (s ? ctx.lineTo : ctx.moveTo).call(ctx, px(x[2 * i], size), py(x[2 * i + 1], size)));
    ctx.strokeStyle = `rgba(${colors[i].join(",")},0.35)`;
    ctx.stroke();
  }
}

/** One panel at (left, 0): layer = {title, data, positions (the paths so far, oldest first), colors, grid,
 *  vectors}, each optional. */
export function drawPanel(ctx, layer, left, size = PANEL_PX) {
  ctx.save();
  ctx.translate(left, 0);
  ctx.beginPath(); ctx.rect(0, 0, size, size); ctx.clip();
  ctx.fillStyle = "white"; ctx.fillRect(0, 0, size, size);
  ctx.strokeStyle = FRAME; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(0, size / 2); ctx.lineTo(size, size / 2); ctx.moveTo(size / 2, 0); ctx.lineTo(size / 2, size);
  ctx.stroke();
  if (layer.data) dots(ctx, layer.data, 1.2, DATA, size);
  if (layer.grid && layer.vectors) arrows(ctx, layer.grid, layer.vectors, size);
  if (layer.positions?.length) {
    if (layer.positions.length > 1) paths(ctx, layer.positions, layer.colors, size);
    dots(ctx, layer.positions.at(-1), 2.2, (i) => `rgb(${layer.colors[i].join(",")})`, size, "rgba(40,40,40,0.6)");
  }
  ctx.fillStyle = TEXT;
  ctx.font = "14px sans-serif";
  ctx.fillText(layer.title || "", 8, 18);
  ctx.strokeStyle = FRAME;
  ctx.strokeRect(0.5, 0.5, size - 1, size - 1);
  ctx.restore();
}

/** Panels side by side, 6 px apart, on `canvas` (resized to fit). */
export function drawPanels(canvas, layers, size = PANEL_PX) {
  canvas.width = layers.length * size + (layers.length - 1) * 6;
  canvas.height = size;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "white"; ctx.fillRect(0, 0, canvas.width, canvas.height);
  layers.forEach((layer, i) => drawPanel(ctx, layer, i * (size + 6), size));
}

/** The loss per step (grey) and its running average over 50 steps (blue), on a log-free linear axis; say(key,
 *  values): the page's words (lang.mjs fill). */
export function drawLoss(canvas, losses, say) {
  const ctx = canvas.getContext("2d"), w = canvas.width, h = canvas.height, pad = 28;
  ctx.fillStyle = "white"; ctx.fillRect(0, 0, w, h);
  if (!losses.length) return;
  const smooth = losses.map((_, i) => mean(losses.slice(Math.max(0, i - 49), i + 1)));
  const top = Math.max(...smooth.slice(Math.min(20, smooth.length - 1))) * 1.3, n = Math.max(2, losses.length);
  const x = (i) => pad + ((w - pad - 8) * i) / (n - 1), y = (v) => h - pad - (h - pad - 8) * Math.min(1, v / top);
  [[losses, "rgba(150,150,150,0.6)"], [smooth, "rgb(40,110,200)"]].forEach(([series, colour]) => {
    ctx.beginPath();
    series.forEach((v, i) => (i ? ctx.lineTo : ctx.moveTo).call(ctx, x(i), y(v)));
    ctx.strokeStyle = colour; ctx.lineWidth = 1.5; ctx.stroke();
  });
  ctx.fillStyle = TEXT; ctx.font = "12px sans-serif";
  ctx.fillText(say("playground.loss_title", { top: top.toFixed(2) }), pad, 14);
  ctx.fillText("0", 8, h - pad);
  ctx.textAlign = "right";
  ctx.fillText(say("playground.loss_step", { step: losses.length }), w - 8, h - 8);
  ctx.textAlign = "left";
}

const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
