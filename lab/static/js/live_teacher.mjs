// A live class, the teacher's side (live_class.mjs mounts it): start a class -> code, join link, QR; show the page's
// view to the class; ask a question of the bank, reveal, close; the class's answers live on the projector.
import { drawGallery } from "./live_gallery.mjs";
import { drawSummary, el, reveal } from "./live_results.mjs";
import { modelPanel } from "./live_model.mjs";
import {
  TEACHER, action, classEnded, currentView, inClass, listen, lostClass, page, post, say, show, store, url,
} from "./live_common.mjs";
import { choiceText, questionText, tr } from "./live_words.mjs";

export async function startClass() {
  const made = await post(url("classes"), {});
  const teacher = { code: made.code, key: made.key };
  store(TEACHER, teacher);
  teach(teacher);
}

// ---- the teacher
export function teach(teacher) {
  page.live = { role: "teacher", ...teacher, state: null };
  page.live.ui = teacherPanel(teacher);
  show(page.live.ui.root, "teacher");
  loadQuestions(page.live.ui.questions);
  listen(`key=${encodeURIComponent(teacher.key)}`, {
    hello: () => {}, state: drawTeacher, ended: () => classEnded(TEACHER), lost: () => lostClass(TEACHER),
  });
}

function teacherPanel(teacher) {
  const joinLink = `${location.origin}${location.pathname}?live=${teacher.code}`;
  const ui = { questions: el("select", { class: "dl-class-questions", "aria-label": tr("live.question_to_ask") }) };
  ui.join = el("div", { class: "dl-class-join" },
    el("img", { class: "dl-class-qr", alt: tr("live.qr_alt", { link: joinLink }),
      src: inClass(`qr.svg?key=${encodeURIComponent(teacher.key)}`) }),
    el("div", { class: "dl-class-join-text" }, el("p", { text: tr("live.join_at") }),
      el("p", { class: "dl-class-link", text: joinLink }), el("p", { text: tr("live.or_code") }),
      el("p", { class: "dl-class-code", text: teacher.code })));
  ui.results = el("div", { class: "dl-class-results" });
  ui.students = el("div", { class: "dl-class-students" });
  ui.gallery = el("div", { class: "dl-class-gallery" });
  const qr = el("button", { type: "button", text: tr("live.hide_qr"), onclick: () => {
    ui.join.hidden = !ui.join.hidden;
    qr.textContent = tr(ui.join.hidden ? "live.show_qr" : "live.hide_qr");
  } });
  ui.reveal = action(tr("live.reveal"), () => post(inClass("reveal"), { key: page.live.key }), { disabled: true });
  ui.close = action(tr("live.close"), () => post(inClass("close-question"), { key: page.live.key }),
    { disabled: true });
  const bar = el("div", { class: "dl-class-bar-row dl-class-controls" },
    el("span", { class: "dl-class-title", text: tr("live.title", { code: teacher.code }) }),
    action(tr("live.show_view"), showView, { class: "primary dl-class-show" }),
    ui.questions, action(tr("live.ask"), askQuestion, { class: "dl-class-ask" }), ui.reveal, ui.close, qr,
    action(tr("live.end"), () => post(inClass("end"), { key: page.live.key }), { class: "dl-class-end" }));
  ui.root = el("div", { class: "dl-class-teacher" }, bar, el("p", { class: "dl-class-status" }),
    el("div", { class: "dl-class-body" }, ui.join, el("div", { class: "dl-class-side" }, ui.results, ui.students)),
    ui.gallery, ui.model = modelPanel("teacher"));
  return ui;
}

async function loadQuestions(select) {
  try {
    const bank = await (await fetch(url("questions"))).json();
    const groups = new Map();
    for (const q of bank) {
      if (!groups.has(q.tab)) groups.set(q.tab, el("optgroup", { label: tr(`tabs.${q.tab}`) }));
      groups.get(q.tab).append(el("option", { value: q.id, text: questionText(q, "prompt") }));
    }
    select.replaceChildren(...groups.values());
  } catch (error) {
    say(tr("live.no_bank"), "error");
  }
}

async function showView() {
  const view = await currentView();
  await post(inClass("show"), { key: page.live.key, view });
  say(tr("live.shown", { view }));
}

async function askQuestion() {
  const question = page.live.ui.questions.value;
  const view = await currentView().catch(() => undefined);  // the answer may depend on it (the sampler shown)
  await post(inClass("ask"), { key: page.live.key, question, view });
  say("");
}

function drawTeacher(state) {
  page.live.state = state;
  const present = state.students.filter((s) => s.present);
  page.live.ui.students.replaceChildren(
    el("p", { class: "dl-class-joined", text: present.length === 1 ? tr("live.one_joined")
      : tr("live.joined", { n: present.length }) }),
    el("ul", {}, ...present.map(studentItem)));
  const asked = state.question && state.asked.find((a) => a.number === state.question.number);
  page.live.ui.reveal.disabled = !asked || asked.state !== "open";
  page.live.ui.close.disabled = !asked;
  page.live.ui.results.replaceChildren(asked ? questionResults(asked, asked.state === "revealed")
    : el("p", { class: "dl-class-hint", text: tr("live.ask_hint") }));
  drawGallery(page.live.ui.gallery, state.gallery);
}

// a student's nickname; a click lets the teacher replace one not fit for the projector
function studentItem(student) {
  const rename = action(student.nickname, async () => {
    const name = window.prompt(tr("live.new_name", { name: student.nickname, id: student.id }), "");
    if (name !== null) await post(inClass("rename"), { key: page.live.key, student: student.id, nickname: name });
  }, { class: "dl-class-rename", title: tr("live.rename"),
    "aria-label": tr("live.rename_who", { name: student.nickname }) });
  return el("li", { "data-student": student.id }, rename);
}

// each answer with its nickname; the teacher hides one (it leaves the class's histogram, stays in the CSV)
function answerList(asked) {
  const list = el("details", { class: "dl-class-answers", open: page.live.answersOpen },
    el("summary", { text: tr("live.answers", { n: asked.answers.length }) }),
    el("ul", {}, ...asked.answers.map((a) => el("li", { "data-hidden": String(a.hidden) },
      el("span", { text: `${a.nickname}: ${choiceText(asked.question, a.value)}` }),
      action(tr(a.hidden ? "live.show" : "live.hide"), () => post(inClass("hide-answer"),
        { key: page.live.key, number: asked.number, student: a.student, hidden: !a.hidden }),
      { class: "dl-class-hide-answer" })))));
  list.addEventListener("toggle", () => { page.live.answersOpen = list.open; });  // kept open across updates
  return list;
}

// a question with its answers so far; the right answer only once revealed (the teacher's screen is on the projector)
function questionResults(asked, revealed) {
  return el("div", { class: "dl-class-question", "data-state": asked.state, "data-number": asked.number },
    el("p", { class: "dl-class-prompt", text: `${asked.number}. ${questionText(asked.question, "prompt")}` }),
    el("p", { class: "dl-class-state", text: tr(`live.state_${asked.state}`) }),
    drawSummary(asked.summary, revealed ? asked.answer : null, asked.question),
    revealed ? reveal(asked) : null, asked.answers ? answerList(asked) : null);
}
