() => {
  // Page behaviour that CSS alone cannot give (lab/static/css/classroom.css):
  // 1. Presenter mode: large type and large pictures for a projector (body.dl-present). On with ?present=1 in the
  //    URL or the header's toggle; the toggle keeps the URL in step, so a copied link carries it.
  // 2. On a phone, choosing a tab scrolls the tab bar to the top of the screen, so the tab's picture is in view.
  const PARAM = "present", PHONE = window.matchMedia("(max-width: 640px)");
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
}
