// A live class on the page (lab/live_ui.py places the panel; lab/live/routes.py serves the class). The page talks to
// the class over JSON routes and one EventSource (hello, state, ended), never through Gradio events.
//   teacher: start a class -> code, join link, QR; show the page's view to the class; ask, reveal, close; results
//   student: join (nickname optional); follow the views shown; answer the question on screen; see the reveal
// The teacher's key and a student's token live in sessionStorage (this tab only), never in the address bar. To follow
// a view a student's page opens the view's link, keeping ?live=CODE: the reloaded page finds its token and listens
// again as the same student (no second join), and the view is restored as any link's is (lab/view_link_ui.py).
import { drawSummary, el, shortNumber } from "./live_results.mjs";

const TEACHER = "dl-class-teacher", STUDENT = "dl-class-student";  // sessionStorage keys
const VIEW_WAIT_MS = 15000;  // the page's link to its view is computed by the server: a busy queue can be slow

let root = "/", panel = null, fields = [], live = null;  // live: the class this page takes part in, or null

const stored = (name) => { try { return JSON.parse(sessionStorage.getItem(name)); } catch (e) { return null; } };
const store = (name, value) => sessionStorage.setItem(name, JSON.stringify(value));
const url = (path) => `${root}lab/live/${path}`;
const inClass = (path) => url(`${encodeURIComponent(live.code)}/${path}`);

export function mount(element, base) {
  root = base;
  panel = element;
  fields = JSON.parse(panel.dataset.fields || "[]");
  window.diffusionLab = { ...window.diffusionLab, toggleLive };
  const code = new URLSearchParams(location.search).get("live");
  const teacher = stored(TEACHER), student = stored(STUDENT);
  if (teacher && !code) teach(teacher);
  else if (student && (!code || student.code === code.toUpperCase())) follow(student);
  else if (code) show(chooser(code));
}

function toggleLive() {
  if (!panel) return;
  if (!live && panel.hidden) show(chooser(""));
  else panel.hidden = !panel.hidden;
}

function show(content, role = "") {
  panel.replaceChildren(content);
  panel.dataset.role = role;
  panel.hidden = false;
}

function say(sentence, kind = "") {
  const line = panel.querySelector(".dl-class-status");
  if (!line) return;
  line.textContent = sentence;
  line.dataset.kind = kind;
}

async function post(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `The class did not answer (${response.status}): try again.`);
  return data;
}

// a button whose action is a request: disabled while it runs, its refusal said in the status line
function action(label, run, props = {}) {
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

// no class yet: start one, or join one with its code (filled in from ?live=CODE)
function chooser(code) {
  const codeBox = el("input", { class: "dl-class-code-box", value: code, placeholder: "code", maxlength: 12,
    "aria-label": "class code", autocomplete: "off", autocapitalize: "characters" });
  const nickname = el("input", { class: "dl-class-nickname", placeholder: "nickname (optional)", maxlength: 40,
    "aria-label": "nickname (optional)", autocomplete: "off" });
  const join = action("Join", () => joinClass(codeBox.value.trim(), nickname.value.trim()), { class: "primary" });
  const form = el("div", { class: "dl-class-card dl-class-join-form" },
    el("h3", { text: code ? `Join the live class ${code}` : "Join a class" }), codeBox, nickname, join);
  nickname.addEventListener("keydown", (e) => { if (e.key === "Enter") join.click(); });
  codeBox.hidden = Boolean(code);
  const start = el("div", { class: "dl-class-card dl-class-teach" }, el("h3", { text: "Teach" }),
    el("p", { text: "Your students join with a code; you show them this page's views and ask questions." }),
    action("Start a class", startClass));
  return el("div", { class: "dl-class-chooser" }, form, code ? null : start, el("p", { class: "dl-class-status" }));
}

async function startClass() {
  const made = await post(url("classes"), {});
  const teacher = { code: made.code, key: made.key };
  store(TEACHER, teacher);
  teach(teacher);
}

async function joinClass(code, nickname) {
  if (!code) throw new Error("Type the class code your teacher shows.");
  const joined = await post(url(`${encodeURIComponent(code)}/join`), nickname ? { nickname } : {});
  const student = { code: joined.code, token: joined.token, nickname: joined.nickname, shown: null };
  store(STUDENT, student);
  const address = new URL(location.href);
  address.searchParams.set("live", joined.code);  // a followed view keeps it, so a reload stays in the class
  history.replaceState(history.state, "", address);
  follow(student);
}

// the class's event stream for this page (query: key= for the teacher, token= for a student)
function listen(query, handlers) {
  const source = new EventSource(inClass(`events?${query}`));
  live.source = source;
  source.addEventListener("hello", (e) => { say(""); handlers.hello(JSON.parse(e.data)); });
  source.addEventListener("state", (e) => handlers.state(JSON.parse(e.data)));
  source.addEventListener("ended", () => { source.close(); handlers.ended(); });
  source.addEventListener("error", () => {
    if (source.readyState === EventSource.CLOSED) handlers.lost();  // refused: the class or the person is gone
    else say("The connection to the class dropped: reconnecting…", "error");
  });
}

// ---- the teacher
function teach(teacher) {
  live = { role: "teacher", ...teacher, state: null };
  live.ui = teacherPanel(teacher);
  show(live.ui.root, "teacher");
  loadQuestions(live.ui.questions);
  listen(`key=${encodeURIComponent(teacher.key)}`, {
    hello: () => {}, state: drawTeacher, ended: () => classEnded(TEACHER), lost: () => lostClass(TEACHER),
  });
}

function teacherPanel(teacher) {
  const joinLink = `${location.origin}${location.pathname}?live=${teacher.code}`;
  const ui = { questions: el("select", { class: "dl-class-questions", "aria-label": "question to ask" }) };
  ui.join = el("div", { class: "dl-class-join" },
    el("img", { class: "dl-class-qr", alt: `QR code of the join link ${joinLink}`,
      src: inClass(`qr.svg?key=${encodeURIComponent(teacher.key)}`) }),
    el("div", { class: "dl-class-join-text" }, el("p", { text: "Join the class at" }),
      el("p", { class: "dl-class-link", text: joinLink }), el("p", { text: "or type the code" }),
      el("p", { class: "dl-class-code", text: teacher.code })));
  ui.results = el("div", { class: "dl-class-results" });
  ui.students = el("div", { class: "dl-class-students" });
  const qr = el("button", { type: "button", text: "Hide the QR", onclick: () => {
    ui.join.hidden = !ui.join.hidden;
    qr.textContent = ui.join.hidden ? "Show the QR" : "Hide the QR";
  } });
  ui.reveal = action("Reveal", () => post(inClass("reveal"), { key: live.key }), { disabled: true });
  ui.close = action("Close", () => post(inClass("close-question"), { key: live.key }), { disabled: true });
  const bar = el("div", { class: "dl-class-bar-row dl-class-controls" },
    el("span", { class: "dl-class-title", text: `Live class ${teacher.code}` }),
    action("Show this view to the class", showView, { class: "primary dl-class-show" }),
    ui.questions, action("Ask", askQuestion, { class: "dl-class-ask" }), ui.reveal, ui.close, qr,
    action("End the class", () => post(inClass("end"), { key: live.key }), { class: "dl-class-end" }));
  ui.root = el("div", { class: "dl-class-teacher" }, bar, el("p", { class: "dl-class-status" }),
    el("div", { class: "dl-class-body" }, ui.join, el("div", { class: "dl-class-side" }, ui.results, ui.students)));
  return ui;
}

async function loadQuestions(select) {
  try {
    const bank = await (await fetch(url("questions"))).json();
    const groups = new Map();
    for (const q of bank) {
      if (!groups.has(q.tab)) groups.set(q.tab, el("optgroup", { label: `tab: ${q.tab}` }));
      groups.get(q.tab).append(el("option", { value: q.id, text: q.prompt }));
    }
    select.replaceChildren(...groups.values());
  } catch (error) {
    say("The question bank did not load: reload the page to ask questions.", "error");
  }
}

// The page's view as a link's query ("?tab=…&t=…"): pressing "Copy link to this view" has the server write it, and
// the page announces it ("dl-view-link", lab/view_link_ui.py) before adding the page's own parameters.
function currentView() {
  return new Promise((resolve, reject) => {
    const button = document.getElementById(panel.dataset.viewButton);
    if (!button) return reject(new Error("This page has no link to its view."));
    const got = (event) => { clearTimeout(timer); document.removeEventListener("dl-view-link", got); resolve(event.detail); };
    const timer = setTimeout(() => {
      document.removeEventListener("dl-view-link", got);
      reject(new Error("The page did not give its view in time: try again."));
    }, VIEW_WAIT_MS);
    document.addEventListener("dl-view-link", got);
    button.click();
  });
}

async function showView() {
  const view = await currentView();
  await post(inClass("show"), { key: live.key, view });
  say(`Shown to the class: ${view}`);
}

async function askQuestion() {
  const question = live.ui.questions.value;
  const view = await currentView().catch(() => undefined);  // the answer may depend on it (the sampler shown)
  await post(inClass("ask"), { key: live.key, question, view });
  say("");
}

function drawTeacher(state) {
  live.state = state;
  const present = state.students.filter((s) => s.present);
  live.ui.students.replaceChildren(
    el("p", { class: "dl-class-joined", text: present.length === 1 ? "1 student joined" : `${present.length} students joined` }),
    el("ul", {}, ...present.map((s) => el("li", { text: s.nickname, "data-student": s.id }))));
  const asked = state.question && state.asked.find((a) => a.number === state.question.number);
  live.ui.reveal.disabled = !asked || asked.state !== "open";
  live.ui.close.disabled = !asked;
  live.ui.results.replaceChildren(asked ? questionResults(asked, asked.state === "revealed")
    : el("p", { class: "dl-class-hint", text: "Ask a question: the class's answers appear here as they come in." }));
}

// a question with its answers so far; the right answer only once revealed (the teacher's screen is on the projector)
function questionResults(asked, revealed) {
  const words = { open: "answers open", revealed: "revealed", closed: "closed" };
  return el("div", { class: "dl-class-question", "data-state": asked.state, "data-number": asked.number },
    el("p", { class: "dl-class-prompt", text: `${asked.number}. ${asked.question.prompt}` }),
    el("p", { class: "dl-class-state", text: words[asked.state] || asked.state }),
    drawSummary(asked.summary, revealed ? asked.answer : null),
    revealed ? reveal(asked) : null);
}

function reveal(asked) {
  const answer = asked.answer === null || asked.answer === undefined ? "" : `Answer: ${typeof asked.answer === "number"
    ? shortNumber(asked.answer) : asked.answer}. `;
  return el("p", { class: "dl-class-explain", text: answer + (asked.explain || "") });
}

// ---- a student
function follow(student) {
  live = { role: "student", ...student, answered: {}, drawn: null };
  live.ui = { question: el("div", { class: "dl-class-ask-card" }) };
  show(el("div", { class: "dl-class-student" },
    el("p", { class: "dl-class-title", text: `Live class ${student.code} · you are ${student.nickname}` }),
    el("p", { class: "dl-class-status" }), live.ui.question), "student");
  listen(`token=${encodeURIComponent(student.token)}`, {
    hello: (hello) => { live.answered = hello.answered || {}; },
    state: drawStudent, ended: () => classEnded(STUDENT), lost: () => lostClass(STUDENT),
  });
}

function drawStudent(state) {
  if (state.link && state.link !== live.shown) return goTo(state.link);
  const q = state.question, drawn = q ? `${q.number}:${q.state}` : "";
  if (drawn === live.drawn) return;  // the same question: keep what the student is typing
  live.drawn = drawn;
  if (q) panel.hidden = false;  // a new question opens the panel the student had closed
  live.ui.question.replaceChildren(q ? studentQuestion(q)
    : el("p", { class: "dl-class-hint", text: "Follow the teacher: the page shows what they show." }));
}

// open the view the teacher shows (its own parameters replace the page's; ?live= and ?present= stay)
function goTo(link) {
  const next = new URLSearchParams(link.slice(1));
  for (const [name, value] of new URLSearchParams(location.search)) if (!fields.includes(name)) next.append(name, value);
  next.set("live", live.code);
  store(STUDENT, { code: live.code, token: live.token, nickname: live.nickname, shown: link });
  live.source.close();
  location.assign(`${location.pathname}?${next}`);
}

function studentQuestion(q) {
  const card = el("div", { class: "dl-class-question", "data-state": q.state, "data-number": q.number },
    el("p", { class: "dl-class-prompt", text: q.question.prompt }));
  if (q.state === "revealed") {
    const value = live.answered[q.number];
    card.append(drawSummary(q.summary, q.answer), reveal(q),
      value === undefined ? null : el("p", { class: "dl-class-mine", text: `Your answer: ${value}` }));
    return card;
  }
  const mine = el("p", { class: "dl-class-mine" });
  const showMine = () => {
    const value = live.answered[q.number];
    mine.textContent = value === undefined ? "" : `Your answer: ${value} (you can change it until the reveal)`;
    card.querySelectorAll(".dl-class-choice-button").forEach((b) => b.classList.toggle("primary", b.textContent === value));
  };
  const send = async (value) => {
    const kept = await post(inClass("answer"), { token: live.token, number: q.number, value });
    live.answered[q.number] = kept.value;
    showMine();
  };
  card.append(q.question.kind === "choice" ? choiceButtons(q.question, send) : numberBox(q.question, send), mine);
  showMine();
  return card;
}

function choiceButtons(question, send) {
  return el("div", { class: "dl-class-answer" },
    ...question.choices.map((choice) => action(choice, () => send(choice), { class: "dl-class-choice-button" })));
}

function numberBox(question, send) {
  const box = el("input", { type: "number", class: "dl-class-number", min: question.low, max: question.high,
    step: question.step, "aria-label": "your answer", inputmode: "decimal" });
  const button = action("Send", () => {
    if (box.value === "" || !Number.isFinite(Number(box.value))) throw new Error("Type a number first.");
    return send(Number(box.value));
  }, { class: "primary dl-class-send" });
  box.addEventListener("keydown", (e) => { if (e.key === "Enter") button.click(); });
  return el("div", { class: "dl-class-answer" }, box, button,
    el("span", { class: "dl-class-range", text: `${shortNumber(question.low)} to ${shortNumber(question.high)}` }));
}

// ---- the end of a class, or a class this page can no longer reach
function classEnded(name) {
  const role = live.role, key = live.key, code = live.code;
  sessionStorage.removeItem(name);
  live = null;
  const exports = role === "teacher" ? el("a", { href: url(`${encodeURIComponent(code)}/export/answers.csv?key=` +
    encodeURIComponent(key)), download: `class-${code}-answers.csv`, text: "Download the answers (CSV)" }) : null;
  show(el("div", { class: "dl-class-card" }, el("p", { text: `The live class ${code} has ended.` }), exports),
    "ended");
}

function lostClass(name) {
  const code = live.code;
  sessionStorage.removeItem(name);
  live = null;
  show(chooser(name === STUDENT ? code : ""));
  say("This page is no longer in the class (it ended, or the server restarted): join it again with its code.",
    "error");
}
