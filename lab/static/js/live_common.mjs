// What the live class's modules share (live_class.mjs mounts them): the panel, the class this page takes part in,
// requests to lab/live's JSON routes, the status line and the class's event stream.
import { el } from "./live_results.mjs";
import { tr } from "./live_words.mjs";

export const TEACHER = "dl-class-teacher", STUDENT = "dl-class-student";  // sessionStorage keys
const VIEW_WAIT_MS = 15000;  // the page's link to its view is computed by the server: a busy queue can be slow
// page: the panel and the page's base; live: the class this page takes part in (or null); restart(code): the chooser
export const page = { root: "/", panel: null, fields: [], live: null, restart: () => {} };

export const stored = (name) => { try { return JSON.parse(sessionStorage.getItem(name)); } catch (e) { return null; } };
export const store = (name, value) => sessionStorage.setItem(name, JSON.stringify(value));
export const url = (path) => `${page.root}lab/live/${path}`;
export const inClass = (path) => url(`${encodeURIComponent(page.live.code)}/${path}`);

export function show(content, role = "") {
  page.panel.replaceChildren(content);
  page.panel.dataset.role = role;
  page.panel.hidden = false;
}

export function say(sentence, kind = "") {
  const line = page.panel.querySelector(".dl-class-status");
  if (!line) return;
  line.textContent = sentence;
  line.dataset.kind = kind;
}

export async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || tr("live.no_answer", { status: response.status }));
  return data;
}

// a button whose action is a request: disabled while it runs, its refusal said in the status line
export function action(label, run, props = {}) {
  const button = el("button", { type: "button", text: label, ...props });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await run();
    } catch (error) {
      say(error.message, "error");
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

// the class's event stream for this page (query: key= for the teacher, token= for a student)
export function listen(query, handlers) {
  const source = new EventSource(inClass(`events?${query}`));
  page.live.source = source;
  source.addEventListener("hello", (e) => { say(""); handlers.hello(JSON.parse(e.data)); });
  source.addEventListener("state", (e) => {
    const state = JSON.parse(e.data);
    handlers.state(state);
    page.panel.dispatchEvent(new CustomEvent("dl-class-state", { detail: state }));  // for panels such as live_model
  });
  source.addEventListener("ended", () => { source.close(); handlers.ended(); });
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) handlers.lost();  // refused: the class or the person is gone
    else say(tr("live.reconnecting"), "error");
  });
}

// The page's view as a link's query ("?tab=…&t=…"): pressing "Copy link to this view" has the server write it, and
// the page announces it ("dl-view-link", lab/view_link_ui.py) before adding the page's own parameters.
export function currentView() {
  return new Promise((resolve, reject) => {
    const button = document.getElementById(page.panel.dataset.viewButton);
    if (!button) return reject(new Error(tr("live.no_view_link")));
    const got = (event) => { clearTimeout(timer); document.removeEventListener("dl-view-link", got); resolve(event.detail); };
    const timer = setTimeout(() => {
      document.removeEventListener("dl-view-link", got);
      reject(new Error(tr("live.view_late")));
    }, VIEW_WAIT_MS);
    document.addEventListener("dl-view-link", got);
    button.click();
  });
}

// Open a view on this page, in place (no reload): the page's hidden follow button hands it to the view-link restore
// (lab/view_link_ui.py). count makes the same view opened twice a change.
export function openView(link, count) {
  window.diffusionLab = { ...window.diffusionLab, followedView: `${link}&shown=${count}` };
  pressFollow(0);
}

// the button exists once Gradio has drawn the page (a student who joins from a link gets the view before that)
function pressFollow(tries) {
  const button = document.getElementById(page.panel.dataset.followButton);
  if (button) button.click();
  else if (tries < 100) setTimeout(() => pressFollow(tries + 1), 100);
}

// ---- the end of a class, or a class this page can no longer reach
export function classEnded(name) {
  const { role, key, code } = page.live;
  sessionStorage.removeItem(name);
  page.live = null;
  const file = (kind, label) => el("a", { href: url(`${encodeURIComponent(code)}/export/${kind}?key=`
    + encodeURIComponent(key)), download: `class-${code}-${kind}`, text: label });
  const exports = role === "teacher" ? el("p", { class: "dl-class-exports" },
    file("class.pdf", tr("live.download_pdf")), " · ", file("answers.csv", tr("live.download_answers")),
    " · ", file("gallery.csv", tr("live.download_gallery"))) : null;
  show(el("div", { class: "dl-class-card" }, el("p", { text: tr("live.has_ended", { code }) }), exports), "ended");
}

export function lostClass(name) {
  const code = page.live.code;
  sessionStorage.removeItem(name);
  page.live = null;
  page.restart(name === STUDENT ? code : "");
  say(tr("live.lost"), "error");
}
