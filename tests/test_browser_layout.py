"""Layouts that fit the room: at a projector's 1920×1080, a laptop's 1366×768 and a phone's 390×844, each tab's main
picture is in the window after its tab is clicked (or after its one action: Denoise, Generate) and never cropped;
presenter mode (?present=1, or the header's toggle) makes type and pictures bigger. On the phone, the pictures wider
than it (tab 1's strip, tab 4's x_t | x0 drawn on the server) are drawn at a readable height and can be seen whole by
scrolling sideways. Measured from bounding boxes in headless Chromium; screenshots of every view go to $SCREENSHOT_DIR
(default: screenshots/).

    python tests/test_browser_layout.py http://127.0.0.1:7860 screenshots/   # the same walk by hand"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIEWPORTS = {"projector": (1920, 1080), "laptop": (1366, 768), "phone": (390, 844)}
# each tab: (tab name, CSS selector of its main picture, its one action's button or None, what to wait for)
TABS = [
    ("1 · Forward noise", ".dl-live-xt, .dl-forward-server img", None, ".dl-live-xt, .dl-forward-server img"),
    ("2 · Schedules", "#alpha-bar-plot svg.marks", None, "#alpha-bar-plot svg.marks"),
    ("3 · Denoise", ".dl-main .thumbnail-item img", "Denoise", ".dl-main .thumbnail-item img"),
    ("4 · Reverse sampling", ".dl-canvas, .dl-main img", "Generate", ".dl-canvas, .dl-main img"),
    ("5 · Text to image (CLIP)", ".dl-canvas, .dl-main .thumbnail-item img", "Generate", ".dl-canvas, .dl-main img"),
    ("6 · Playground (2D)", ".dl-pg-canvas, .dl-main img", None, ".dl-pg-canvas, .dl-main img"),
]
MIN_SIDE = 90  # px: the smaller side of a main picture (tab 3's five 28×28 panels on a phone: about 95 px)
# For every visible element matching the selector: the rectangle where its picture is drawn (object-fit applied),
# whether that keeps the picture's aspect, and the rectangle left after every clipping ancestor and the window.
MEASURE = """(selector) => [...document.querySelectorAll(selector)].filter((e) => e.checkVisibility()).map((e) => {
  const r = e.getBoundingClientRect(), fit = getComputedStyle(e).objectFit;
  const [nw, nh] = e.tagName === "IMG" ? [e.naturalWidth, e.naturalHeight]
    : e.tagName === "CANVAS" ? [e.width, e.height] : [r.width, r.height];  // a plot's <svg> is drawn to its box
  let drawn = { left: r.left, top: r.top, width: r.width, height: r.height };
  if (fit === "contain" || fit === "scale-down") {
    const scale = Math.min(r.width / nw, r.height / nh, fit === "scale-down" ? 1 : Infinity);
    drawn = { left: r.left + (r.width - nw * scale) / 2, top: r.top + (r.height - nh * scale) / 2,
              width: nw * scale, height: nh * scale };
  }
  let view = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
  for (let a = e.parentElement; a; a = a.parentElement) {
    const s = getComputedStyle(a);
    if (s.overflowX === "visible" && s.overflowY === "visible") continue;
    const b = a.getBoundingClientRect();
    view = { left: Math.max(view.left, b.left), top: Math.max(view.top, b.top),
             right: Math.min(view.right, b.right), bottom: Math.min(view.bottom, b.bottom) };
  }
  return { tag: e.tagName, fit, natural: [nw, nh], drawn, view, aspect_kept: fit === "contain" ||
           fit === "scale-down" || Math.abs(drawn.width / drawn.height - nw / nh) < 0.03 * (nw / nh) };
})"""

# For every visible element matching the selector: its drawn box, the nearest box around it that scrolls sideways,
# and the hint shown under its wide picture (CSS content of .dl-wide::after; "none" when there is none).
REACH = """(selector) => [...document.querySelectorAll(selector)].filter((e) => e.checkVisibility()).map((e) => {
  const r = e.getBoundingClientRect(), wide = e.closest(".dl-wide");
  let box = e.parentElement;
  while (box && !["auto", "scroll"].includes(getComputedStyle(box).overflowX)) box = box.parentElement;
  const b = box && box.getBoundingClientRect();
  return { drawn: { left: r.left, top: r.top, right: r.right, bottom: r.bottom }, window_width: innerWidth,
           scroller: box && { left: b.left, top: b.top, right: b.right, bottom: b.bottom,
                              scroll_width: box.scrollWidth },
           hint: wide ? getComputedStyle(wide, "::after").content : "none" };
})"""


def problems(pictures: list[dict]) -> list[str]:
    """What is wrong with a tab's main pictures: none seen, cropped (aspect changed or cut by a box or the window),
    or too small to read."""
    if not pictures:
        return ["no main picture is shown"]
    found = []
    for p in pictures:
        d, v = p["drawn"], p["view"]
        if not p["aspect_kept"]:
            found.append(f"{p['tag']} drawn {d['width']:.0f}×{d['height']:.0f} for {p['natural']}: cropped or squashed")
        if d["left"] < v["left"] - 1 or d["top"] < v["top"] - 1 or d["left"] + d["width"] > v["right"] + 1 \
                or d["top"] + d["height"] > v["bottom"] + 1:
            found.append(f"{p['tag']} at {d} is cut by its box or the window {v}")
        if min(d["width"], d["height"]) < MIN_SIDE:
            found.append(f"{p['tag']} drawn {d['width']:.0f}×{d['height']:.0f}: too small")
    return found


def unreachable(pictures: list[dict]) -> list[str]:
    """What keeps a wide picture from being read on a phone: none seen, drawn too short, or a part that cannot be
    reached (neither inside the window's width nor held whole by a box that scrolls sideways and hints that it does)."""
    if not pictures:
        return ["no wide picture is shown"]
    found = []
    for p in pictures:
        d, s, width = p["drawn"], p["scroller"], p["window_width"]
        if d["bottom"] - d["top"] < MIN_SIDE:
            found.append(f"drawn {d['right'] - d['left']:.0f}×{d['bottom'] - d['top']:.0f}: too short")
        if d["left"] >= -1 and d["right"] <= width + 1:
            continue  # whole in the window's width (shrunk or wrapped to it)
        if s is None or s["left"] < -1 or s["right"] > width + 1:
            found.append(f"at {d} is cut by the window's width {width} and no box in it scrolls sideways")
        elif s["scroll_width"] < d["right"] - d["left"] - 1 or d["top"] < s["top"] - 1 or d["bottom"] > s["bottom"] + 1:
            found.append(f"at {d} is cut by the box that scrolls it {s}")
        elif p["hint"] in ("none", "normal"):
            found.append("scrolls sideways with no hint that it does")
    return found


def open_tab(page, name: str, action: str | None, ready: str):
    """Click the tab from the top of the page, then its one action (Playwright scrolls the button into view, as a
    student would); wait until the main picture has pixels."""
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("tab", name=name).click()
    if action:
        page.get_by_role("button", name=action, exact=True).filter(visible=True).click()
    page.wait_for_function("""(s) => [...document.querySelectorAll(s)].some((e) => e.checkVisibility() &&
        (e.tagName === "CANVAS" ? e.width > 0 && (!e.closest(".dl-browser") || e.closest("[data-state=done]"))
         : e.tagName === "IMG" ? e.complete && e.naturalWidth > 0 : true))""",
                           arg=ready)
    settled(page, ready)


# True once the boxes and decoded sizes of the selector's pictures are the same as at the last poll (150 ms before)
SAME_AS_LAST_POLL = """(s) => {
  const now = JSON.stringify([...document.querySelectorAll(s)].map((e) => {
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.width, r.height, e.naturalWidth || e.width || 0, e.complete];
  }));
  const same = window.dlLayoutLast === now;
  window.dlLayoutLast = now;
  return same;
}"""


def settled(page, selector: str):
    """Wait until the layout stops moving (images decode, plots draw): the main pictures' boxes unchanged for one
    150-ms poll, then one more frame."""
    page.evaluate("window.dlLayoutLast = null")
    page.wait_for_function(SAME_AS_LAST_POLL, arg=selector, polling=150)
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def walk(url: str, out: Path, timeout_ms: int = 20_000) -> dict:
    """Every tab at every viewport, then presenter mode; returns {view: problems} and presenter measurements."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS, chromium_path

    out.mkdir(parents=True, exist_ok=True)
    seen = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for viewport, (width, height) in VIEWPORTS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(timeout_ms)
            page.goto(url)
            page.wait_for_selector(".dl-main img")
            seen[f"{viewport} tabs shown"] = page.get_by_role("tab").filter(visible=True).count()
            for number, (name, main, action, ready) in enumerate(TABS, 1):
                started = time.perf_counter()
                try:
                    open_tab(page, name, action, ready)
                    seen[f"{viewport} tab {number}"] = problems(page.evaluate(MEASURE, main))
                except PlaywrightTimeout as timeout:
                    seen[f"{viewport} tab {number}"] = [f"no main picture came: {timeout.message.splitlines()[0]}"]
                page.screenshot(path=str(out / f"layout_{viewport}_tab{number}.png"))
                seen[f"{viewport} tab {number} ready after s"] = round(time.perf_counter() - started, 1)
            if viewport == "phone":
                seen.update(wide_pictures(page, out))
            page.close()
        seen.update(presenter(browser, url, out))
        browser.close()
    return seen


def wide_pictures(page, out: Path) -> dict:
    """On the phone: tab 1's strip, then tab 4's x_t | x0 from a run on the server ("where the sampling runs")."""
    open_tab(page, TABS[0][0], None, ".dl-strip img")
    seen = {"phone tab 1 strip": unreachable(page.evaluate(REACH, ".dl-strip img"))}
    page.locator(".dl-strip").scroll_into_view_if_needed()
    page.screenshot(path=str(out / "layout_phone_tab1_strip.png"))
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("tab", name=TABS[3][0]).click()
    page.get_by_label("on the server").filter(visible=True).check()
    open_tab(page, TABS[3][0], "Generate", ".dl-pair img")
    seen["phone tab 4 on the server"] = unreachable(page.evaluate(REACH, ".dl-pair img"))
    page.screenshot(path=str(out / "layout_phone_tab4_server.png"))
    return seen


def presenter(browser, url: str, out: Path) -> dict:
    """Type size and x0's height on the projector, before and after the header's toggle; then ?present=1."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    sizes = "() => [parseFloat(getComputedStyle(document.querySelector('.prose p')).fontSize), " \
            "document.querySelector('.dl-main img').getBoundingClientRect().height, " \
            "document.querySelector('.dl-main img').getBoundingClientRect().bottom]"
    page.goto(url)
    page.wait_for_function("[...document.querySelectorAll('.dl-main img')].some((e) => e.naturalWidth)")
    page.wait_for_timeout(500)
    result = {"presenter off": page.evaluate(sizes)}
    page.get_by_role("button", name="Presenter mode").click()
    page.wait_for_timeout(500)
    result.update({"presenter on": page.evaluate(sizes), "url after toggle": page.url})
    page.screenshot(path=str(out / "layout_projector_presenter.png"))
    page.goto(url + "?present=1")
    page.wait_for_selector(".dl-main img")
    result["body class from the link"] = page.evaluate("document.body.className")
    page.close()
    return result


def test_every_tab_fits_projector_laptop_and_phone(served_app):
    out = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "screenshots"))
    seen = walk(served_app, out)
    print("\nlayout:", seen)
    for viewport in VIEWPORTS:
        assert seen[f"{viewport} tabs shown"] == len(TABS), f"{viewport}: a tab is hidden behind a menu"
        for number in range(1, len(TABS) + 1):
            assert seen[f"{viewport} tab {number}"] == [], f"{viewport} tab {number}"
    assert seen["phone tab 1 strip"] == [] and seen["phone tab 4 on the server"] == []
    (font_on, picture_on, bottom_on), (font_off, picture_off, _) = seen["presenter on"], seen["presenter off"]
    assert font_off >= 16 and font_on >= 1.4 * font_off  # readable on a projector, larger from the back of a room
    # the picture takes the room the header leaves (its paragraph hidden) and stays whole on the screen
    assert picture_on > picture_off and bottom_on <= 1080
    assert "present=1" in seen["url after toggle"] and "dl-present" in seen["body class from the link"]


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    for key, value in walk(sys.argv[1], Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")).items():
        print(key, value)
