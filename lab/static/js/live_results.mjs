// A question's answers drawn for the projector and the students (lab/live/summaries.py makes the summary):
// a histogram of numbers as SVG bars with the median (and, once revealed, the right answer) marked, or one bar per
// choice. Every word and number goes in as textContent: a nickname or a value never becomes markup. The words are
// the page's language (live_words.mjs).
import { choiceText, questionText, tr } from "./live_words.mjs";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 600, HEIGHT = 270, TOP = 66, BOTTOM = 30;  // the histogram's drawing box, in its own units
const LABEL_Y = { median: 24, answer: 54 };  // the two markers' labels on their own lines, above the bars' counts

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

export function svg(tag, attributes, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

export const shortNumber = (v) => (Number.isInteger(v) ? String(v) : String(Number(Number(v).toPrecision(3))));

// x of a value on the histogram's axis (bins of equal width, or of equal ratio: log_bins questions)
function axis(bins) {
  const low = bins[0].low, high = bins[bins.length - 1].high;
  const log = bins.length > 1 && Math.abs((bins[1].high - bins[1].low) - (bins[0].high - bins[0].low)) > 1e-6;
  return (v) => {
    const share = log ? Math.log(Math.max(v, low) / low) / Math.log(high / low) : (v - low) / (high - low);
    return Math.min(1, Math.max(0, share)) * WIDTH;
  };
}

function marker(x, label, kind) {
  const group = svg("g", { class: `dl-class-mark dl-class-mark-${kind}` });
  group.append(svg("line", { x1: x, x2: x, y1: LABEL_Y[kind] + 4, y2: HEIGHT - BOTTOM }),
    svg("text", { x: Math.min(Math.max(x, 60), WIDTH - 60), y: LABEL_Y[kind], "text-anchor": "middle" }, label));
  return group;
}

export function histogram(bins, median, answer) {
  const most = Math.max(1, ...bins.map((b) => b.count)), step = WIDTH / bins.length;
  const tall = HEIGHT - TOP - BOTTOM, x = axis(bins);
  const chart = svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "dl-class-histogram", role: "img" });
  chart.append(svg("title", {}, tr("live.histogram_title", { low: shortNumber(bins[0].low),
    high: shortNumber(bins[bins.length - 1].high) })));
  bins.forEach((bin, i) => {
    const h = (bin.count / most) * tall, top = HEIGHT - BOTTOM - h;
    chart.append(svg("rect", { x: i * step + 1, y: top, width: step - 2, height: h, class: "dl-class-bin",
      "data-count": bin.count }));
    if (bin.count) chart.append(svg("text", { x: (i + 0.5) * step, y: top - 4, "text-anchor": "middle" }, bin.count));
  });
  chart.append(svg("line", { x1: 0, x2: WIDTH, y1: HEIGHT - BOTTOM, y2: HEIGHT - BOTTOM, class: "dl-class-axis" }));
  for (const [value, anchor] of [[bins[0].low, "start"], [bins[bins.length - 1].high, "end"]]) {
    chart.append(svg("text", { x: x(value), y: HEIGHT - 8, "text-anchor": anchor }, shortNumber(value)));
  }
  if (median !== null && median !== undefined) {
    chart.append(marker(x(median), tr("live.median", { value: shortNumber(median) }), "median"));
  }
  if (answer !== null && answer !== undefined && typeof answer === "number") {
    chart.append(marker(x(answer), tr("live.right_mark", { value: shortNumber(answer) }), "answer"));
  }
  return chart;
}

export function choiceBars(counts, answer, question = {}) {
  const most = Math.max(1, ...counts.map((c) => c.count));
  return el("div", { class: "dl-class-choices" }, ...counts.map(({ choice, count }) => el("div", {
    class: "dl-class-choice" + (choice === answer ? " dl-class-right" : ""), "data-choice": choice, "data-count": count,
  }, el("span", { class: "dl-class-choice-name", text: choiceText(question, choice) }),
  el("span", { class: "dl-class-bar" }, el("span", { style: `width: ${(100 * count) / most}%` })),
  el("span", { class: "dl-class-choice-count", text: String(count) }))));
}

// summary: {answers, counts} or {answers, median, histogram}; answer: the right one, shown only once revealed;
// question: whose choices the counts name
export function drawSummary(summary, answer, question) {
  const many = summary.answers === 1 ? tr("live.one_answer") : tr("live.n_answers", { n: summary.answers });
  const picture = summary.counts ? choiceBars(summary.counts, answer, question)
    : histogram(summary.histogram, summary.median, answer);
  return el("div", { class: "dl-class-summary", "data-answers": summary.answers },
    el("p", { class: "dl-class-count", text: many }), picture);
}

// the right answer and why (a revealed question, on the projector and the students' screens)
export function reveal(asked) {
  const value = typeof asked.answer === "number" ? shortNumber(asked.answer) : choiceText(asked.question, asked.answer);
  const explain = questionText(asked.question, "explain", asked.explain);
  const known = asked.answer !== null && asked.answer !== undefined;
  return el("p", { class: "dl-class-explain",
    text: known ? tr("common.sentences", { a: tr("live.the_answer", { value }), b: explain }) : explain });
}
