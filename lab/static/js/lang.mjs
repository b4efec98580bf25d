// The page's words for its own scripts (lab/i18n): the flat catalogue of the page's language (window.diffusionLab.lang,
// chosen by lab/static/js/lang_first.js), fetched once from GET /lab/i18n/<lang>.json; English when it cannot be.
const loaded = new Map(); // root -> Promise of the catalogue

export function pageLanguage() {
  return (window.diffusionLab && window.diffusionLab.lang) || "en";
}

async function fetchWords(root, lang) {
  const answer = await fetch(`${root}lab/i18n/${lang}.json`);
  if (!answer.ok) throw new Error(`no catalogue for ${lang}`);
  return answer.json();
}

/** The catalogue of the page's language (once per page); the English one if that fails. */
export function loadWords(root) {
  if (!loaded.has(root)) {
    const lang = pageLanguage();
    loaded.set(root, fetchWords(root, lang).catch(() => (lang === "en" ? {} : fetchWords(root, "en"))).catch(() => ({})));
  }
  return loaded.get(root);
}

/** The sentence of `key` with its {placeholders} filled, as lab/i18n.text does; the key itself if it is missing. */
export function fill(words, key, values = {}) {
  const sentence = (words && words[key]) || key;
  return sentence.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
