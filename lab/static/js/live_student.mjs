// A live class, a student's side (live_class.mjs mounts it): join (nickname optional); follow the views the teacher
// shows; answer the question on screen; see the reveal.
import { sendButton } from "./live_gallery.mjs";
import { drawSummary, el, reveal, shortNumber } from "./live_results.mjs";
import { modelPanel } from "./live_model.mjs";
import {
  STUDENT, action, classEnded, inClass, listen, lostClass, openView, page, post, show, store, url,
} from "./live_common.mjs";
import { choiceText, questionText, tr } from "./live_words.mjs";

export async function joinClass(code, nickname) {
  if (!code) throw new Error(tr("live.type_code"));
  const joined = await post(url(`${encodeURIComponent(code)}/join`), nickname ? { nickname } : {});
  const student = { code: joined.code, token: joined.token, nickname: joined.nickname, shown: null };
  store(STUDENT, student);
  const address = new URL(location.href);
  address.searchParams.set("live", joined.code);  // a followed view keeps it, so a reload stays in the class
  history.replaceState(history.state, "", address);
  follow(student);
}

// ---- a student
export function follow(student) {
  page.live = { role: "student", ...student, answered: {}, drawn: null };
  page.live.ui = { question: el("div", { class: "dl-class-ask-card" }) };
  show(el("div", { class: "dl-class-student" },
    el("p", { class: "dl-class-title",
      text: tr("live.title_student", { code: student.code, nickname: student.nickname }) }),
    el("p", { class: "dl-class-status" }), page.live.ui.question,
    el("div", { class: "dl-class-bar-row" }, sendButton(), el("button", { type: "button", class: "dl-class-back",
      text: tr("live.back"), onclick: () => page.live.link && openView(page.live.link, `b${Date.now()}`) })),
    page.live.ui.model = modelPanel("student")), "student");
  listen(`token=${encodeURIComponent(student.token)}`, {
    hello: (hello) => { page.live.answered = hello.answered || {}; },
    state: drawStudent, ended: () => classEnded(STUDENT), lost: () => lostClass(STUDENT),
  });
}

function drawStudent(state) {
  if (state.shown && state.shown !== page.live.shown) goTo(state);
  const q = state.question, drawn = q ? `${q.number}:${q.state}` : "";
  if (drawn === page.live.drawn) return;  // the same question: keep what the student is typing
  page.live.drawn = drawn;
  if (q) page.panel.hidden = false;  // a new question opens the panel the student had closed
  page.live.ui.question.replaceChildren(q ? studentQuestion(q)
    : el("p", { class: "dl-class-hint", text: tr("live.follow_hint") }));
}

// Open the view the teacher shows, in place; the address bar becomes its link (?live= and ?present= stay), so a
// reload keeps it.
function goTo(state) {
  const { code, token, nickname } = page.live;
  page.live.shown = state.shown;
  page.live.link = state.link;
  store(STUDENT, { code, token, nickname, shown: state.shown });
  const address = new URLSearchParams(state.link.slice(1));
  for (const [name, value] of new URLSearchParams(location.search)) {
    if (!page.fields.includes(name)) address.append(name, value);
  }
  address.set("live", code);
  history.replaceState(history.state, "", `${location.pathname}?${address}`);
  openView(state.link, state.shown);
}

function studentQuestion(q) {
  const card = el("div", { class: "dl-class-question", "data-state": q.state, "data-number": q.number },
    el("p", { class: "dl-class-prompt", text: questionText(q.question, "prompt") }));
  const mineIn = (key) => {
    const value = page.live.answered[q.number];
    return value === undefined ? "" : tr(key, { value: choiceText(q.question, value) });
  };
  if (q.state === "revealed") {
    const mine = mineIn("live.your_answer");
    card.append(drawSummary(q.summary, q.answer, q.question), reveal(q),
      mine ? el("p", { class: "dl-class-mine", text: mine }) : null);
    return card;
  }
  const mine = el("p", { class: "dl-class-mine" });
  const showMine = () => {
    mine.textContent = mineIn("live.your_answer_open");
    card.querySelectorAll(".dl-class-choice-button")
      .forEach((b) => b.classList.toggle("primary", b.dataset.choice === page.live.answered[q.number]));
  };
  const send = async (value) => {
    const kept = await post(inClass("answer"), { token: page.live.token, number: q.number, value });
    page.live.answered[q.number] = kept.value;
    showMine();
  };
  card.append(q.question.kind === "choice" ? choiceButtons(q.question, send) : numberBox(q.question, send), mine);
  showMine();
  return card;
}

function choiceButtons(question, send) {
  return el("div", { class: "dl-class-answer" },
    ...question.choices.map((choice) => action(choiceText(question, choice), () => send(choice),
      { class: "dl-class-choice-button", "data-choice": choice })));
}

function numberBox(question, send) {
  const box = el("input", { type: "number", class: "dl-class-number", min: question.low, max: question.high,
    step: question.step, "aria-label": tr("live.answer_box"), inputmode: "decimal" });
  const button = action(tr("live.send"), () => {
    if (box.value === "" || !Number.isFinite(Number(box.value))) throw new Error(tr("live.type_number"));
    return send(Number(box.value));
  }, { class: "primary dl-class-send" });
  box.addEventListener("keydown", (e) => { if (e.key === "Enter") button.click(); });
  return el("div", { class: "dl-class-answer" }, box, button, widgetButton(question, box, button),
    el("span", { class: "dl-class-range", text: tr("live.range", { low: shortNumber(question.low),
      high: shortNumber(question.high) }) }));
}

// "Send my t": the answer read from the tab's own widget (its elem_id: lab/live_ui.WIDGETS), when the page has it
function widgetButton(question, box, send) {
  const id = JSON.parse(page.panel.dataset.widgets || "{}")[`${question.tab}:${question.widget}`];
  if (!id) return null;
  const name = question.widget.replace("num_", "");  // t, steps
  return action(tr(`live.send_${name}`), () => {
    const input = document.querySelector(`#${id} input[type=number]`);
    if (!input || input.value === "") throw new Error(tr(`live.open_${name}`));
    box.value = input.value;
    send.click();
  }, { class: "dl-class-widget-answer" });
}
