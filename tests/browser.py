"""Drive the running app in headless Chromium (Debian's package) with Playwright; save screenshots.

    python tests/browser.py http://127.0.0.1:7860 screenshots/
Used by tests/test_browser.py; runnable by hand to look at the app."""
from __future__ import annotations

import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def app_page(url: str, width: int, height: int, timeout_ms: int = 120_000):
    """Debian's Chromium, one page of the given window size with the app loaded; closed on leaving."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_default_timeout(timeout_ms)
        page.goto(url)
        try:
            yield page
        finally:
            browser.close()


def open_page(browser, url: str, init_script: str | None = None, timeout_ms: int = 180_000):
    """A page in a fresh context (nothing cached), the app loaded; init_script runs before the page's own."""
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.set_default_timeout(timeout_ms)
    if init_script:
        page.add_init_script(init_script)
    page.goto(url)
    page.get_by_text("Diffusion Lab").first.wait_for()
    return page


def _images_loaded(page, selector: str) -> int:
    """How many <img> inside `selector` have actually decoded pixels."""
    return page.eval_on_selector_all(f"{selector} img",
                                     "els => els.filter(e => e.complete && e.naturalWidth > 0).length")


def _tab1_forward(page, out_dir: Path, seen: dict):
    """Move the t slider with the keyboard, then wait for x_t to redraw."""
    before = page.get_by_text("x_t = √ᾱ_t").first.inner_text()
    slider = page.locator("input[type=range]").first
    slider.focus()
    for _ in range(50):
        slider.press("ArrowRight")
    page.wait_for_function("!document.body.innerText.includes('t = 250 of')")
    page.wait_for_timeout(1500)
    seen["equation"] = page.get_by_text("x_t = √ᾱ_t").first.inner_text()
    seen["equation_changed"] = seen["equation"] != before
    seen["tab1_images"] = _images_loaded(page, "body")
    page.screenshot(path=str(out_dir / "tab1_forward.png"), full_page=True)


def _tabs2_and_3(page, out_dir: Path, seen: dict):
    page.get_by_role("tab", name="2 · Schedules").click()
    page.wait_for_timeout(3000)
    page.screenshot(path=str(out_dir / "tab2_schedules.png"), full_page=True)
    page.get_by_role("tab", name="3 · Denoise").click()
    page.get_by_role("button", name="Denoise").click()
    page.get_by_text("ground truth x0").first.wait_for()
    page.wait_for_timeout(2000)
    seen["tab3_images"] = _images_loaded(page, "body")
    page.screenshot(path=str(out_dir / "tab3_denoise.png"), full_page=True)


def _tab4_sampling(page, out_dir: Path, seen: dict):
    page.get_by_role("tab", name="4 · Reverse sampling").click()
    page.get_by_role("button", name="Generate").filter(visible=True).click()
    page.get_by_text("model evaluations").first.wait_for()
    page.wait_for_function("document.body.innerText.includes('step 20/20')")
    page.wait_for_timeout(1500)
    seen["tab4_status"] = page.get_by_text("step 20/20").first.inner_text()
    page.screenshot(path=str(out_dir / "tab4_sampling.png"), full_page=True)
    page.get_by_label("on the server").filter(visible=True).first.check()  # an export needs the server's frames
    page.get_by_role("button", name="Generate").filter(visible=True).click()
    done = "document.body.innerText.includes('step 20/20')"
    page.wait_for_function(f"!{done}")  # the click clears the last run's status, then the server streams the new one
    page.wait_for_function(done)
    page.get_by_role("button", name="Export GIF, MP4 + PNG strip").click()  # served from the exports folder
    gif = page.locator("a[href*='trajectory.gif']").first
    gif.wait_for()
    seen["tab4_export"] = page.request.get(gif.get_attribute("href")).body()[:6]
    page.get_by_role("button", name="Same seed, all samplers").click()
    page.get_by_text("DPM-Solver++(2M):").first.wait_for()
    page.wait_for_timeout(1500)
    page.screenshot(path=str(out_dir / "tab4_compare.png"), full_page=True)


def _tab5_text(page, out_dir: Path, seen: dict):
    page.get_by_role("tab", name="5 · Text to image (CLIP)").click()
    page.wait_for_timeout(1000)
    inspect = page.get_by_role("button", name="Inspect prompt")
    seen["tab5_live"] = inspect.count() > 0  # a CLIP-conditioned model is installed
    if seen["tab5_live"]:
        page.get_by_label("prompt").fill("dark ankle boots")
        page.get_by_role("button", name="Generate").filter(visible=True).click()
        page.wait_for_function("document.body.innerText.includes('step 20/20')")
        inspect.click()
        page.get_by_text("The prompt is close").or_(page.get_by_text("far from everything")).first.wait_for()
        page.wait_for_timeout(1500)
        seen["tab5_images"] = _images_loaded(page, "body")
    page.screenshot(path=str(out_dir / "tab5_text.png"), full_page=True)


def walk_through(url: str, out_dir: Path, timeout_ms: int = 120_000) -> dict:
    """Every tab in turn; returns what was seen (equation, image counts, statuses, error toasts)."""
    from playwright.sync_api import sync_playwright

    out_dir.mkdir(parents=True, exist_ok=True)
    seen = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(timeout_ms)
        page.goto(url)
        page.get_by_text("Diffusion Lab").first.wait_for()
        page.wait_for_function("document.querySelectorAll('img').length > 4")
        page.wait_for_timeout(3000)
        for visit in (_tab1_forward, _tabs2_and_3, _tab4_sampling, _tab5_text):
            visit(page, out_dir, seen)
        seen["errors"] = page.locator(".toast-body").count()
        browser.close()
    return seen


if __name__ == "__main__":
    print(walk_through(sys.argv[1], Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")))
