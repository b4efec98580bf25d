"""What a browser test measures for issue 26 ("every student in the room"), shared by
tests/test_browser_accessibility.py and bench/accessibility.py:

    axe(page)            axe-core's violations on the page as it is shown (tests/vendor/axe-core, MPL-2.0)
    small_texts(page)    every visible text whose computed font size is under a bound (presenter mode: 18 px)
    cut(page, selectors) each named element that is not whole: its box outside a clipping ancestor's
    open_tab(page, n)    the tab of that number, clicked, its first pictures drawn"""
from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SIZES = {"1920x1080": (1920, 1080), "1366x768": (1366, 768), "390x844": (390, 844)}
TAB_NAMES = ("1 · Forward noise", "2 · Schedules", "3 · Denoise", "4 · Reverse sampling", "5 · Text to image (CLIP)",
             "6 · Playground (2D)")
IMPACTS = ("critical", "serious", "moderate", "minor")
# WCAG 2.0-2.2 A and AA and axe's best practices, as axe's own browser extension runs by default
AXE_RUN = """async () => {
  const r = await axe.run(document, { resultTypes: ["violations"] });
  return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
    targets: v.nodes.slice(0, 4).map((n) => n.target.join(" ") + " :: " + (n.failureSummary || "").slice(0, 160)) }));
}"""

# Every visible element with its own text (a text node child, not only whitespace) or a form control, and its
# computed font size; an SVG <text> is measured as drawn (its box height), since a plot scales its type with its box.
TEXT_SIZES = """(bound) => {
  const out = [];
  for (const e of document.querySelectorAll("body *")) {
    if (!e.checkVisibility || !e.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    const own = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const control = ["INPUT", "SELECT", "TEXTAREA"].includes(e.tagName) && e.type !== "range"
      && e.type !== "checkbox" && e.type !== "radio" && e.type !== "file";
    if ((!own && !control) || e.closest(".sr-only")) continue;
    const r = e.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.bottom < 0 || r.right < 0) continue;
    let size = parseFloat(getComputedStyle(e).fontSize);
    if (e.closest("svg")) {
      const svg = e.closest("svg"), box = svg.getBoundingClientRect(), vb = svg.viewBox && svg.viewBox.baseVal;
      size = vb && vb.width ? size * box.width / vb.width : size;
    }
    if (size < bound) out.push({ tag: e.tagName, size: Math.round(size * 10) / 10,
      text: (e.value || e.textContent || "").trim().slice(0, 40),
      where: (e.closest("[id]") || {}).id || e.className.toString().slice(0, 40) });
  }
  return out;
}"""

# For each selector: every visible match whose box is not inside each ancestor that clips it (overflow hidden or clip,
# up to the first box that scrolls: what it holds is reached by scrolling), or whose text ends in an ellipsis.
CUT = """(selectors) => selectors.flatMap((s) => [...document.querySelectorAll(s)]
  .filter((e) => e.checkVisibility()).flatMap((e) => {
    const r = e.getBoundingClientRect();
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const st = getComputedStyle(a);
      // a box that scrolls sideways clips too: what lies past its edge needs a scroll bar a student may not see
      // (a gallery that scrolls down, tile after tile, does not: its scroll bar is how a student reaches them)
      const scrolls = ["auto", "scroll"].includes(st.overflowX) || ["auto", "scroll"].includes(st.overflowY);
      const x = st.overflowX !== "visible", y = ["hidden", "clip"].includes(st.overflowY);
      if (!x && !y) continue;
      const b = a.getBoundingClientRect();
      if ((x && (r.left < b.left - 1 || r.right > b.right + 1))
          || (y && (r.top < b.top - 1 || r.bottom > b.bottom + 1)))
        return [`${s}: ${Math.round(r.width)}×${Math.round(r.height)} cut by <${a.tagName.toLowerCase()} class="${
          a.className.toString().slice(0, 40)}"> ${Math.round(b.width)}×${Math.round(b.height)}`];
      if (scrolls) break;  // inside the scrolling box: its own edges are what a student sees
    }
    const own = getComputedStyle(e);
    const hides = ["hidden", "clip"].includes(own.overflowX) || own.textOverflow === "ellipsis";
    if (e.scrollWidth > e.clientWidth + 1 && hides)  // cut by its own box ("1…1" for a slider's 1 … 1000)
      return [`${s}: its text is cut short ("${e.textContent.trim().slice(0, 30)}…")`];
    return [];
  }))"""


def axe(page) -> list[dict]:
    """axe-core's violations: [{id, impact, nodes, targets}]."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(AXE_RUN)


def small_texts(page, bound: float = 18) -> list[dict]:
    return page.evaluate(TEXT_SIZES, bound)


def cut(page, selectors: list[str]) -> list[str]:
    return page.evaluate(CUT, selectors)


def open_tab(page, number: int, wait_ms: int = 1500):
    """Click tab `number` (1-6) from the top of the page; wait until its pictures have drawn."""
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("tab", name=TAB_NAMES[number - 1]).click()
    page.wait_for_timeout(wait_ms)


def load(page, url: str, present: bool = False):
    page.goto(url + ("?present=1" if present else ""))
    page.wait_for_function("[...document.querySelectorAll('img')].some((e) => e.naturalWidth > 0)")
    page.wait_for_timeout(1500)
