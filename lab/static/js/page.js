() => {
  // Page behaviour that CSS alone cannot give (lab/static/css/classroom.css):
  // 1. Presenter mode: large type and large pictures for a projector (body.dl-present). On with ?present=1 in the
  //    URL or the header's toggle; the toggle keeps the URL in step, so a copied link carries it.
  // 2. On a phone, choosing a tab scrolls the tab bar to the top of the screen, so the tab's picture is in view.
  // 3. On a phone, a tab's action (its primary button: Denoise, Generate, Run the flow) brings the picture it makes
  //    into view when it arrives: the controls are taller than the screen, the picture is above or below them.
  // 4. A wide picture (.dl-wide: tab 1's strip, tab 4's x_t | x0) that is wider than its box, as on a phone, is
  //    marked .dl-scrolls, which shows a hint to swipe sideways; re-checked whenever the picture or its box changes
  //    size (a new picture, the window turned, its tab shown); while it scrolls, the keyboard reaches it (tabindex).
  // 5. Names Gradio leaves out of step (axe-core's label-content-name-mismatch): a gallery thumbnail shows its caption
  //    but is named "Thumbnail 3 of 32"; its name becomes "<caption> (Thumbnail 3 of 32)", what the eye reads first.
  const PARAM = "present", PHONE = window.matchMedia("(max-width: 640px)");
  const WAIT_MS = 60000, FOLLOW_MS = 1000;  // a result shown this long after the action; its other pictures after it
  let showUntil = 0;  // performance.now() before which an arriving picture is scrolled into view
  function setPresenter(on) {
    document.body.classList.toggle("dl-present", on);
    document.querySelectorAll(".dl-present-toggle").forEach((b) => b.setAttribute("aria-pressed", String(on)));
    const url = new URL(window.location.href);
    if (on) url.searchParams.set(PARAM, "1"); else url.searchParams.delete(PARAM);
    window.history.replaceState(window.history.state, "", url);
  }
  const togglePresenter = () => setPresenter(!document.body.classList.contains("dl-present"));
  window.diffusionLab = { ...window.diffusionLab, setPresenter, togglePresenter };
  setPresenter(new URLSearchParams(window.location.search).get(PARAM) === "1");
  document.addEventListener("click", (event) => {
    const tab = event.target.closest && event.target.closest("[role=tab]");
    if (!tab || !PHONE.matches) return;
    requestAnimationFrame(() => tab.closest(".tab-wrapper").scrollIntoView({ block: "start" }));
  });
  document.addEventListener("click", (event) => {
    if (PHONE.matches && event.target.closest && event.target.closest("button.primary")) {
      showUntil = performance.now() + WAIT_MS;
    }
  });
  function arrived(picture) {  // an image of a main picture loaded, or the browser sampler drew its first step
    if (performance.now() > showUntil || !picture.checkVisibility()) return;
    showUntil = Math.min(showUntil, performance.now() + FOLLOW_MS);  // a gallery's other pictures, then no more
    (picture.closest(".dl-main") || picture).scrollIntoView({ block: "nearest" });
  }
  const resized = new ResizeObserver((entries) => entries.forEach(({ target }) => {
    const wide = target.closest(".dl-wide"), frame = wide && wide.querySelector(".image-frame");
    if (!frame) return;
    const scrolls = frame.scrollWidth > frame.clientWidth + 1;
    wide.classList.toggle("dl-scrolls", scrolls);
    if (scrolls) frame.setAttribute("tabindex", "0"); else frame.removeAttribute("tabindex");
  }));
  function nameThumbnails() {
    for (const button of document.querySelectorAll("button.thumbnail-item[aria-label]")) {
      const caption = button.querySelector(".caption-label")?.textContent.trim(), name = button.getAttribute("aria-label");
      if (!caption || name.startsWith(`${caption} (`)) continue;
      button.setAttribute("aria-label", `${caption} (${name.replace(/^.* \((Thumbnail [^)]*)\)$/, "$1")})`);
    }
  }
  let naming = false;  // at most once per frame, however many changes arrive
  new MutationObserver(() => {
    if (!naming) requestAnimationFrame(() => { naming = false; nameThumbnails(); });
    naming = true;
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributeFilter: ["aria-label"] });
  function watchWide(picture) {  // observing twice is harmless
    resized.observe(picture);
    resized.observe(picture.closest(".image-frame") || picture);
  }
  document.querySelectorAll(".dl-wide img").forEach(watchWide);  // pictures that loaded before this ran
  document.addEventListener("load", (event) => {
    if (event.target.tagName !== "IMG") return;
    if (event.target.closest(".dl-main")) arrived(event.target);
    if (event.target.closest(".dl-wide")) watchWide(event.target);
  }, true);  // load does not bubble: caught on its way down
  document.addEventListener("dl-drawn", (event) => arrived(event.target));
}
