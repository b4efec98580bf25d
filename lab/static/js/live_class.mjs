// A live class on the page (lab/live_ui.py places the panel; lab/live/routes.py serves the class). The page talks to
// the class over JSON routes and one EventSource (hello, state, ended), never through Gradio events.
//   teacher (live_teacher.mjs): start a class -> code, join link, QR; show the page's view; ask, reveal, close
//   student (live_student.mjs): join (nickname optional); follow the views shown; answer the question on screen
// The teacher's key and a student's token live in sessionStorage (this tab only), never in the address bar.
import { el } from "./live_results.mjs";
import { STUDENT, TEACHER, action, page, show, stored } from "./live_common.mjs";
import { follow, joinClass } from "./live_student.mjs";
import { startClass, teach } from "./live_teacher.mjs";
import { loadLiveWords, tr } from "./live_words.mjs";

export async function mount(element, base) {
  await loadLiveWords(base);  // every word of the panel in the page's language
  page.root = base;
  page.panel = element;
  page.fields = JSON.parse(element.dataset.fields || "[]");
  page.restart = (code) => show(chooser(code));
  window.diffusionLab = { ...window.diffusionLab, toggleLive };
  const code = new URLSearchParams(location.search).get("live");
  const teacher = stored(TEACHER), student = stored(STUDENT);
  if (teacher && !code) teach(teacher);
  else if (student && (!code || student.code === code.toUpperCase())) follow(student);
  else if (code) show(chooser(code));
}

function toggleLive() {
  if (!page.panel) return;
  if (!page.live && page.panel.hidden) show(chooser(""));
  else page.panel.hidden = !page.panel.hidden;
}

// no class yet: start one, or join one with its code (filled in from ?live=CODE)
function chooser(code) {
  const codeBox = el("input", { class: "dl-class-code-box", value: code, placeholder: tr("live.code"), maxlength: 12,
    "aria-label": tr("live.class_code"), autocomplete: "off", autocapitalize: "characters" });
  const nickname = el("input", { class: "dl-class-nickname", placeholder: tr("live.nickname"), maxlength: 40,
    "aria-label": tr("live.nickname"), autocomplete: "off" });
  const join = action(tr("live.join"), () => joinClass(codeBox.value.trim(), nickname.value.trim()),
    { class: "primary" });
  const form = el("div", { class: "dl-class-card dl-class-join-form" },
    el("h3", { text: code ? tr("live.join_code", { code }) : tr("live.join_a_class") }), codeBox, nickname, join);
  nickname.addEventListener("keydown", (e) => { if (e.key === "Enter") join.click(); });
  codeBox.hidden = Boolean(code);
  const start = el("div", { class: "dl-class-card dl-class-teach" }, el("h3", { text: tr("live.teach") }),
    el("p", { text: tr("live.teach_how") }), action(tr("live.start"), startClass));
  return el("div", { class: "dl-class-chooser" }, form, code ? null : start, el("p", { class: "dl-class-status" }));
}
