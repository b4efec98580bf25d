// The live class's words in the page's language (lab/i18n: live.*, questions.*), loaded once when the panel mounts
// (lang.mjs). The class's state on its event stream is the same text for every page: a question carries its words
// as the catalogue's keys with their values (lab/live/questions.Question.public), and each page fills them here.
import { fill, loadWords } from "./lang.mjs";

let words = {};

export async function loadLiveWords(root) {
  words = await loadWords(root);
}

/** The sentence of `key` with its {placeholders} filled; the key itself if the catalogue lacks it. */
export const tr = (key, values) => fill(words, key, values);

/** A question's prompt or explanation ("prompt", "explain") in the page's language; its English as it came when
 *  the catalogue lacks it. asked: {question, explain?} or a question itself. */
export function questionText(question, part, english = "") {
  const key = question.words && question.words[part];
  return key && words[key] ? fill(words, key, question.values || {}) : english || question[part] || "";
}

/** A choice of a question (kept in English) as the page's language says it; a name (a schedule's) as it is. */
export function choiceText(question, choice) {
  const at = (question.choices || []).indexOf(choice);
  const key = at >= 0 && question.words ? question.words.choices[at] : null;
  return key && words[key] ? words[key] : String(choice);
}
