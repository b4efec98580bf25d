() => {
  // Presenter mode: large type and large pictures for a projector (lab/static/css/classroom.css, body.dl-present).
  // On with ?present=1 in the URL or the header's toggle; the toggle keeps the URL in step, so a link carries it.
  const PARAM = "present";
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
}
