// A model of the class's own drawings (lab/live/class_model.py), one panel in the teacher's and the students' live
// class (live_teacher.mjs and live_student.mjs mount it). A student draws 28×28 digits or symbols (or uploads a
// picture: the browser reads its pixels, the server never decodes an image) and sends them; the teacher trains one
// model on them on the server, its loss and pictures live on the projector (the class's state, on its event stream);
// then everyone draws pictures from it, each beside its nearest class drawing and their pixel distance.
import { el, shortNumber, svg } from "./live_results.mjs";
import { action, inClass, page, post, say } from "./live_common.mjs";
import { tr } from "./live_words.mjs";

const SIDE = 28, SCALE = 8;  // the drawing's pixels; the pad shows each as SCALE×SCALE
const BRUSH = 2.2 * SCALE;  // a pen stroke as wide as MNIST's, about 2 px of 28
const CURVE = { width: 320, height: 120 };

export function modelPanel(role) {
  const ui = { role, drawings: "", results: el("div", { class: "dl-model-results" }) };
  ui.progress = el("div", { class: "dl-model-progress" });
  ui.draw = action(tr("live.model_draw"), () => drawFromModel(ui), { class: "primary dl-model-draw", hidden: true });
  const title = tr(role === "teacher" ? "live.model_teacher" : "live.model_student");
  const head = el("summary", { text: title });
  ui.root = el("details", { class: "dl-class-model", "data-role": role }, head,  // folded until used (update)
    role === "teacher" ? teacherPart(ui) : studentPart(ui), ui.progress, ui.draw, ui.results);
  const heard = (event) => {
    if (!ui.root.isConnected && ui.seen) return page.panel.removeEventListener("dl-class-state", heard);
    ui.seen = true;
    if (event.detail.model) update(ui, event.detail.model);
  };
  page.panel.addEventListener("dl-class-state", heard);
  return ui.root;
}

// ---- the teacher: how many drawings (each one can be hidden), Train
function teacherPart(ui) {
  ui.count = el("p", { class: "dl-model-count", text: tr("live.no_drawings") });
  ui.strip = el("div", { class: "dl-model-strip" });
  ui.train = el("button", { type: "button", class: "primary dl-model-train", text: tr("live.model_train"),
    onclick: () => train(ui) });
  return el("div", { class: "dl-model-teacher" }, ui.count, ui.train, ui.strip);
}

// disabled from the click until the class's state says the training ended (update)
async function train(ui) {
  ui.train.disabled = true;
  try {
    const started = await post(inClass("train"), { key: page.live.key });
    say(tr("live.training_started", { steps: started.steps }));
  } catch (error) {
    say(error.message, "error");
    ui.train.disabled = false;
  }
}

function drawStrip(ui, drawings) {
  const names = JSON.stringify(drawings.map((d) => [d.id, d.hidden, d.nickname]));  // redrawn when one changes
  if (names === ui.drawings) return;
  ui.drawings = names;
  const key = encodeURIComponent(page.live.key);
  ui.strip.replaceChildren(...drawings.map((d) => el("button", { type: "button", class: "dl-model-thumb",
    "data-hidden": d.hidden ? "1" : "0",
    title: tr(d.hidden ? "live.thumb_hidden" : "live.thumb_shown", { name: d.nickname }),
    onclick: () => post(inClass("hide-drawing"), { key: page.live.key, drawing: d.id, hidden: !d.hidden })
      .catch((error) => say(error.message, "error")) },
  el("img", { src: inClass(`drawing/${d.id}.png?key=${key}`),
    alt: tr("live.drawing_alt", { id: d.id, name: d.nickname }) }))));
}

// ---- a student: the drawing pad
function studentPart(ui) {
  const pad = el("canvas", { class: "dl-model-pad", width: SIDE * SCALE, height: SIDE * SCALE,
    "aria-label": tr("live.pad") });
  const pen = pad.getContext("2d");
  clear(pen);
  drawWith(pad, pen);
  ui.sent = el("p", { class: "dl-model-sent" });
  const upload = el("input", { type: "file", accept: "image/*", class: "dl-model-upload", hidden: true,
    "aria-label": tr("live.upload"), onchange: () => upload.files[0] && putPicture(pen, upload.files[0])
      .catch(() => say(tr("live.not_a_picture"), "error")) });
  // the browser's own file button speaks the browser's language, not the page's: a button of ours opens it
  const pick = el("button", { type: "button", class: "dl-model-upload-button", text: tr("live.upload_button"),
    onclick: () => upload.click() });
  const send = action(tr("live.add_drawing"), async () => {
    const sent = await post(inClass("drawing"), { token: page.live.token, pixels: pixelsOf(pad) });
    showSent(ui, sent);
    clear(pen);
  }, { class: "primary dl-model-send" });
  fetch(inClass(`drawings/mine?token=${encodeURIComponent(page.live.token)}`))
    .then((r) => (r.ok ? r.json() : null)).then((sent) => sent && showSent(ui, sent)).catch(() => {});
  return el("div", { class: "dl-model-student" }, pad,
    el("div", { class: "dl-model-pad-buttons" }, send, action(tr("live.clear"), () => clear(pen)), pick, upload),
    ui.sent);
}

function showSent(ui, sent) {
  ui.sent.textContent = tr("live.you_sent", { sent: sent.sent, of: sent.of });
}

function clear(pen) {
  pen.fillStyle = "black";
  pen.fillRect(0, 0, SIDE * SCALE, SIDE * SCALE);
}

// white strokes on black, as MNIST; pointer events serve the mouse, a pen and a finger alike
function drawWith(pad, pen) {
  let last = null;
  const at = (e) => {
    const box = pad.getBoundingClientRect();
    return [(e.clientX - box.left) * pad.width / box.width, (e.clientY - box.top) * pad.height / box.height];
  };
  pad.addEventListener("pointerdown", (e) => {
    last = at(e);
    stroke(pen, last, last);
    try { pad.setPointerCapture(e.pointerId); } catch (error) { /* a pointer already gone: the stroke still counts */ }
  });
  pad.addEventListener("pointermove", (e) => {
    if (!last) return;
    const next = at(e);
    stroke(pen, last, next);
    last = next;
  });
  for (const end of ["pointerup", "pointercancel"]) pad.addEventListener(end, () => { last = null; });
}

function stroke(pen, from, to) {
  Object.assign(pen, { strokeStyle: "white", lineWidth: BRUSH, lineCap: "round", lineJoin: "round" });
  pen.beginPath();
  pen.moveTo(...from);
  pen.lineTo(...to);
  pen.stroke();
}

// an uploaded picture, fitted in the pad (pixelsOf turns dark ink on light paper into light on dark)
async function putPicture(pen, file) {
  const picture = await createImageBitmap(file);
  const side = SIDE * SCALE, fit = Math.min(side / picture.width, side / picture.height);
  pen.fillStyle = "white";
  pen.fillRect(0, 0, side, side);
  pen.drawImage(picture, (side - picture.width * fit) / 2, (side - picture.height * fit) / 2,
    picture.width * fit, picture.height * fit);
}

// the pad as the model sees it: 28×28 grey in [0, 1], white ink on black
function pixelsOf(pad) {
  const small = el("canvas", { width: SIDE, height: SIDE }).getContext("2d", { willReadFrequently: true });
  small.imageSmoothingQuality = "high";
  small.drawImage(pad, 0, 0, SIDE, SIDE);
  const rgba = small.getImageData(0, 0, SIDE, SIDE).data, grey = [];
  for (let i = 0; i < rgba.length; i += 4) grey.push((rgba[i] + rgba[i + 1] + rgba[i + 2]) / 765);
  const light = grey.reduce((a, b) => a + b, 0) / grey.length > 0.5;
  return grey.map((v) => Math.round((light ? 1 - v : v) * 1000) / 1000);
}

// ---- the training, live: step, loss curve, the four pictures it draws so far
function update(ui, model) {
  const used = model.state !== "idle" || (ui.role === "teacher" && model.sent > 0);
  if (used && !ui.unfolded) ui.root.open = ui.unfolded = true;  // once: a student may fold it again
  if (ui.role === "teacher") {
    ui.count.textContent = !model.sent ? tr("live.no_drawings")
      : tr(model.sent === 1 ? "live.one_drawing" : "live.drawings", { n: model.sent });
    drawStrip(ui, model.drawings || []);
    ui.train.disabled = model.state === "training";
  }
  ui.draw.hidden = model.state !== "trained";
  ui.progress.replaceChildren(...progressOf(model));
}

function progressOf(model) {
  const values = { n: model.trained_on, step: model.step, steps: model.steps,
    left: Math.max(1, Math.round(model.seconds_left || 0)) };
  const key = { training: model.seconds_left ? "live.training_left" : "live.training", trained: "live.trained",
    stopped: "live.stopped", failed: "live.failed" }[model.state];
  if (!key) return [];
  return [el("p", { class: "dl-model-state", "data-state": model.state, text: tr(key, values) }),
    el("div", { class: "dl-model-live" }, lossCurve(model.loss),
      el("figure", { class: "dl-model-pictures" }, ...model.pictures.map((src, i) =>
        el("img", { src, alt: tr("live.picture_at", { i: i + 1, step: model.step }) })),
      model.pictures.length ? el("figcaption", { text: tr("live.draws_now") }) : null))];
}

function lossCurve(points) {
  const { width, height } = CURVE, box = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "dl-model-loss",
    role: "img", "aria-label": tr("live.loss_alt") });
  if (points.length < 2) return box;
  const top = Math.max(...points.map((p) => p[1])), last = points[points.length - 1][0];
  const xy = points.map(([step, loss]) => `${(step / last) * width},${height - 16 - (loss / top) * (height - 30)}`);
  box.append(svg("polyline", { points: xy.join(" "), class: "dl-model-loss-line" }),
    svg("text", { x: 4, y: 12 }, tr("live.loss", { value: shortNumber(points[points.length - 1][1]) })),
    svg("text", { x: width - 4, y: height - 2, "text-anchor": "end" }, tr("live.step", { step: last })));
  return box;
}

// ---- pictures from the trained model, each beside its nearest class drawing
async function drawFromModel(ui) {
  const secret = page.live.role === "teacher" ? { key: page.live.key } : { token: page.live.token };
  const found = await post(inClass("class-samples"), secret);
  ui.results.replaceChildren(el("p", { class: "dl-model-sentence", text: found.sentence }),
    el("div", { class: "dl-model-pairs" }, ...found.pictures.map((p, i) => el("figure", {
      class: "dl-model-pair", "data-near-copy": p.near_copy ? "1" : "0" },
    el("img", { src: p.picture, alt: tr("live.model_picture", { i: i + 1 }) }),
    el("img", { src: p.nearest, alt: tr("live.nearest_alt", { name: p.nickname }) }),
    el("figcaption", { text: tr(p.near_copy ? "live.pair_copy" : "live.pair", { name: p.nickname,
      distance: p.distance.toFixed(2) }) })))),
    el("p", { class: "dl-class-hint", text: tr("live.pairs_hint", { distance: found.distance }) }));
}
