// The class gallery (lab/live/gallery.py keeps it): a student sends the picture on their screen with the link to the
// view that made it; the projector shows every picture with its nickname; a click opens its view on the teacher's
// page (then "Show this view to the class" shows it to everyone); the teacher hides a picture the class should not see.
import { el } from "./live_results.mjs";
import { action, currentView, inClass, openView, page, post, say } from "./live_common.mjs";
import { tr } from "./live_words.mjs";

const SIDES = [160, 112, 80];  // a picture is sent at the first size whose PNG fits the class's limit
const MAX_PNG_CHARS = 48 << 10;  // lab/live/limits.Bounds.max_png_bytes (as a data URL: a third larger, kept safe)
const PICTURES = ".dl-main img, .dl-main canvas, .dl-result img, .dl-result canvas";
let opened = 0;  // views opened from the gallery on this page (each a change, lab/view_link_ui.FOLLOW_JS)

const sideOf = (e) => [e.naturalWidth || e.width || 0, e.naturalHeight || e.height || 0];
const area = (e) => { const r = e.getBoundingClientRect(); return sideOf(e)[0] && sideOf(e)[1] ? r.width * r.height : 0; };

// the picture drawn largest (an img or a canvas) in the tab on screen, or null
function pictureOnScreen() {
  const tab = [...document.querySelectorAll("[role=tabpanel]")].find((p) => p.checkVisibility());
  return [...(tab || document).querySelectorAll(PICTURES)].filter((e) => e.checkVisibility() && area(e) > 0)
    .sort((a, b) => area(b) - area(a))[0] || null;
}

// the picture as a PNG data URL small enough for the class (pixels kept crisp: a 28×28 digit stays sharp)
function asPng(picture) {
  const [w, h] = sideOf(picture);
  for (const side of SIDES) {
    const scale = Math.min(1, side / Math.max(w, h));
    const canvas = el("canvas", { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) });
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = scale < 1;
    context.drawImage(picture, 0, 0, canvas.width, canvas.height);
    const png = canvas.toDataURL("image/png");
    if (png.length <= MAX_PNG_CHARS) return png;
  }
  throw new Error(tr("live.too_detailed"));
}

// ---- a student: the button under the question
export function sendButton() {
  return action(tr("live.send_picture"), async () => {
    const picture = pictureOnScreen();
    if (!picture) throw new Error(tr("live.no_picture_yet"));
    const png = asPng(picture);
    const link = await currentView();
    const sent = await post(inClass("gallery"), { token: page.live.token, link, png });
    say(tr("live.sent_picture", { n: sent.picture }));
  }, { class: "dl-class-send-picture" });
}

// ---- the teacher: the gallery on the projector
export function drawGallery(box, gallery) {
  const shown = JSON.stringify(gallery.map((p) => [p.id, p.hidden, p.nickname]));
  if (box.dataset.shown === shown) return;  // unchanged: keep the pictures (no reload, no flicker)
  box.dataset.shown = shown;
  if (!gallery.length) {
    box.replaceChildren(el("p", { class: "dl-class-hint", text: tr("live.gallery_empty",
      { button: tr("live.send_picture") }) }));
    return;
  }
  box.replaceChildren(el("h3", { text: tr("live.gallery", { n: gallery.length }) }),
    el("div", { class: "dl-class-gallery-grid" }, ...gallery.map(galleryItem)));
}

function galleryItem(picture) {
  const src = inClass(`gallery/${picture.id}.png?key=${encodeURIComponent(page.live.key)}`);
  const who = { name: picture.nickname, link: picture.link };
  const open = el("button", { type: "button", class: "dl-class-gallery-open", title: tr("live.open_view", who),
    "aria-label": tr("live.open_view_of", who) },
  picture.has_png ? el("img", { src, alt: tr("live.picture_alt", who) })
    : el("span", { text: picture.link }));
  open.addEventListener("click", () => {
    opened += 1;
    openView(picture.link, `g${opened}`);
    say(tr("live.opened", { name: picture.nickname, button: tr("live.show_view") }));
  });
  const hide = action(tr(picture.hidden ? "live.show" : "live.hide"), () => post(inClass("hide-picture"),
    { key: page.live.key, picture: picture.id, hidden: !picture.hidden }), { class: "dl-class-gallery-hide" });
  return el("figure", { class: "dl-class-gallery-item", "data-picture": picture.id, "data-hidden": String(picture.hidden) },
    open, el("figcaption", { text: picture.nickname }), hide);
}
