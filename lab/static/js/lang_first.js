(() => {
  // The page's language, chosen before Gradio starts (lab/server/lang_first.py puts this first in the page's head):
  // ?lang= in the address, else the header's switch (kept in localStorage), else the browser's languages, else
  // English. Gradio picks its translations (gr.I18n, lab/i18n/page.py) from navigator.language, read once at start:
  // it is set to the chosen language, so Gradio's words and ours agree. The dl_lang cookie carries it with every
  // event request, so a handler answers in it; Gradio's own settings menu may change it later (html[lang]).
  const LANGS = __LANGS__, KEY = "dl-lang", COOKIE = "dl_lang";
  const ours = (tag) => {  // "de-AT" -> "de", "zh", "zh-Hans" -> "zh-CN", "ja" -> null
    if (!tag) return null;
    const exact = LANGS.find((lang) => lang.toLowerCase() === tag.toLowerCase());
    const base = tag.split("-")[0].toLowerCase();
    return exact || (base === "zh" ? "zh-CN" : LANGS.includes(base) ? base : null);
  };
  let stored = null;
  try { stored = window.localStorage.getItem(KEY); } catch (e) { /* storage off: no remembered choice */ }
  const fromUrl = new URLSearchParams(window.location.search).get("lang");
  const chosen = [fromUrl, stored].find((tag) => LANGS.includes(tag)) || null;
  const browser = [...(navigator.languages || []), navigator.language].map(ours).find(Boolean);
  const setLang = (lang) => {
    document.cookie = `${COOKIE}=${lang}; path=/; SameSite=Lax`;
    window.diffusionLab = { ...window.diffusionLab, lang };
  };
  const lang = chosen || browser || "en";
  Object.defineProperty(Navigator.prototype, "language", { get: () => lang, configurable: true });
  Object.defineProperty(Navigator.prototype, "languages", { get: () => [lang], configurable: true });
  setLang(lang);
  window.diffusionLab.chosenLang = chosen;  // a copied link names the language only when it was chosen
  new MutationObserver(() => setLang(ours(document.documentElement.lang) || "en"))
    .observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
})();
