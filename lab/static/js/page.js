() => {
  // Page behaviour that CSS alone cannot give (lab/static/css/classroom.css):
  // 1. Presenter mode: large type and large pictures for a projector (body.dl-present). On with ?present=1 in the
  //    URL or the header's toggle; the toggle keeps the URL in step, so a copied link carries it.
  // 2. On a phone, choosing a tab scrolls the tab bar to the top of the screen, so the tab's picture is in view.
  // 3. On a phone, a tab's action (its primary button: Denoise, Generate, Run the flow) brings the picture it makes
  //    into view when it arrives: the controls are taller than the screen, the picture is above or below them.
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
  document.addEventListener("load", (event) => {
    if (event.target.tagName === "IMG" && event.target.closest(".dl-main")) arrived(event.target);
  }, true);  // load does not bubble: caught on its way down
  document.addEventListener("dl-drawn", (event) => arrived(event.target));
}
