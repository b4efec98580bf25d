"""Tabs 3-5 with the colour emoji model, as a student meets them in Chromium at a laptop's 1366×768: tab 3 denoises
an emoji from tab 1's gallery into six colour panels in one row (ε̂ also channel by channel), whole in the window;
tab 4 samples the emoji model in the page, in colour; tab 5 draws "a red heart" with it, and the pictures are red.
Screenshots go to $SCREENSHOT_DIR (default: screenshots/).

    python tests/test_browser_emoji.py http://127.0.0.1:7860 screenshots/   # the same walk by hand"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODEL = "emoji_text"
PANELS = ".dl-main .thumbnail-item img"
# (mean |R - G|, mean |G - B|, mean R - G) over the pixels of an <img> or <canvas> that are not near-white paper
COLOUR = """(element) => {
  const w = element.naturalWidth || element.width, h = element.naturalHeight || element.height;
  const c = document.createElement("canvas"); c.width = w; c.height = h;
  const g = c.getContext("2d"); g.drawImage(element, 0, 0);
  const d = g.getImageData(0, 0, w, h).data;
  let n = 0, rg = 0, gb = 0, redness = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] > 235 && d[i + 1] > 235 && d[i + 2] > 235) continue;
    n++; rg += Math.abs(d[i] - d[i + 1]); gb += Math.abs(d[i + 1] - d[i + 2]); redness += d[i] - d[i + 1];
  }
  return n ? [rg / n, gb / n, redness / n] : [0, 0, 0];
}"""


def choose(page, label: str, option: str):
    page.get_by_label(label, exact=True).filter(visible=True).first.click()
    page.get_by_role("option", name=option, exact=True).click()
    page.wait_for_timeout(800)


def browser_canvas(page):
    """The canvas of the browser sampler in the visible tab, once its run is done."""
    done = """() => [...document.querySelectorAll(".dl-browser .dl-canvas")].filter((c) => c.checkVisibility() &&
        c.width > 0 && c.closest("[data-state]")?.dataset.state === "done")"""
    page.wait_for_function(f"({done})().length > 0")
    return page.evaluate_handle(f"({done})()[0]")


def walk(url: str, out: Path, timeout_ms: int = 120_000) -> dict:
    from tests.browser import app_page
    from tests.test_browser_layout import MEASURE, problems

    out.mkdir(parents=True, exist_ok=True)
    seen = {}
    with app_page(url, 1366, 768, timeout_ms) as page:
        page.wait_for_selector(".dl-main img")
        page.locator(".thumbnail-item").filter(visible=True).last.click()  # the gallery's last picture: an emoji
        page.wait_for_timeout(1000)

        page.get_by_role("tab", name="3 · Denoise").click()
        choose(page, "model", MODEL)
        page.get_by_role("button", name="Denoise", exact=True).click()
        page.wait_for_function(f"document.querySelectorAll('{PANELS}').length >= 6")
        page.wait_for_timeout(1500)
        panels = page.locator(PANELS).filter(visible=True)
        seen["tab 3 panels"] = panels.count()
        seen["tab 3 rows"] = len({round(panels.nth(i).bounding_box()["y"]) for i in range(panels.count())})
        seen["tab 3 problems"] = problems(page.evaluate(MEASURE, PANELS))
        seen["tab 3 ground truth colour"] = panels.first.evaluate(COLOUR)
        page.screenshot(path=str(out / "emoji_tab3_1366.png"))

        page.get_by_role("tab", name="4 · Reverse sampling").click()
        choose(page, "model", MODEL)
        page.get_by_role("button", name="Generate", exact=True).filter(visible=True).click()
        seen["tab 4 colour"] = browser_canvas(page).evaluate(COLOUR)
        page.screenshot(path=str(out / "emoji_tab4_1366.png"))

        page.get_by_role("tab", name="5 · Text to image (CLIP)").click()
        choose(page, "text model", MODEL)
        prompt = page.get_by_label("prompt").filter(visible=True).first
        prompt.fill("a red heart")
        page.get_by_role("button", name="Generate", exact=True).filter(visible=True).click()
        seen["tab 5 colour"] = browser_canvas(page).evaluate(COLOUR)
        page.screenshot(path=str(out / "emoji_tab5_1366.png"))
    return seen


def test_tabs_3_to_5_in_colour_with_the_emoji_model(served_app):
    from diffusion_core.data import DatasetNotFound
    from diffusion_core.emoji import find_emoji_root

    if not (ROOT / "pretrained" / MODEL / "model.safetensors").is_file():
        pytest.skip(f"pretrained/{MODEL} is not here")
    try:
        find_emoji_root()  # the gallery's emoji
    except DatasetNotFound:
        pytest.skip("the emoji data is not here (see docs/training.md: Data)")
    seen = walk(served_app, Path(os.environ.get("SCREENSHOT_DIR", ROOT / "screenshots")))
    print("\nemoji:", seen)
    assert seen["tab 3 panels"] == 6 and seen["tab 3 rows"] == 1 and seen["tab 3 problems"] == []
    assert min(seen["tab 3 ground truth colour"][:2]) > 5  # an emoji in colour, not three copies of one grey
    assert min(seen["tab 4 colour"][:2]) > 5
    assert seen["tab 5 colour"][2] > 20  # "a red heart": red stronger than green where there is ink


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(walk(sys.argv[1], Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")))
