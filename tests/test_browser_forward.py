"""Tab 1's slider runs in the browser (lab/forward_live.py, lab/static/js/forward_live.mjs): in Chromium, with a
colour photo from the gallery, dragging t redraws x_t, the equation and the histogram with no request to the
server, and what the page shows is what the server computes (lab/lessons/forward.forward_view): the same
equation numbers, the same pixels to within one grey level. Screenshots at t = 0, 300, 999 go to
$SCREENSHOT_DIR (default: screenshots/)."""
import base64
import os
import re
from pathlib import Path

import numpy as np
from PIL import Image

from diffusion_core.images import photo_tensor
from lab.classroom import ASSETS, PHOTO_SIZE
from lab.lessons.forward import fixed_noise, forward_view
from tests.browser import CHROMIUM_ARGS, chromium_path
from tests.conftest import ROOT

PHOTO = "astronaut"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?")
CANVAS_BASE64 = """() => {
  const c = document.querySelector('.dl-live-xt'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let s = ''; for (let i = 0; i < d.length; i += 8192) s += String.fromCharCode(...d.subarray(i, i + 8192));
  return [c.width, c.height, btoa(s)];
}"""


def server_view(t: int):
    with Image.open(ASSETS / "photos" / f"{PHOTO}.jpg") as im:
        photo = photo_tensor(im, PHOTO_SIZE)
    return forward_view(photo, "linear", 1000, t, fixed_noise(photo.shape, 0), strip_len=0)


def numbers(text: str) -> list[str]:
    return NUMBER.findall(text.replace("**", ""))


def shown(page) -> tuple[int, str]:
    """(t the page drew, its equation's text), after the next display frame."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    return int(page.eval_on_selector(".dl-forward-live", "e => e.dataset.t")), page.inner_text(".dl-live-equation")


def canvas_pixels(page) -> np.ndarray:
    width, height, data = page.evaluate(CANVAS_BASE64)
    return np.frombuffer(base64.b64decode(data), np.uint8).reshape(height, width, 4)[..., :3]


def open_photo(page, url: str):
    page.goto(url)
    page.locator(f"img[alt='photo: {PHOTO}'], button:has-text('photo: {PHOTO}')").first.click()
    page.wait_for_function("(() => { const c = document.querySelector('.dl-live-xt');"
                           " return c && c.width === 512 && document.querySelector('.dl-forward-live')"
                           ".dataset.state === 'live'; })()", timeout=60_000)


def test_the_slider_moves_in_the_browser_with_the_servers_numbers(served_app):
    from playwright.sync_api import sync_playwright

    out = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            open_photo(page, served_app)
            slider = page.locator("#forward-t input[type=range]")
            slider.scroll_into_view_if_needed()
            box = slider.bounding_box()
            requests = []
            page.on("request", lambda r: requests.append(r.url) if "/gradio_api/" in r.url else None)
            y, x_of = box["y"] + box["height"] / 2, lambda t: box["x"] + box["width"] * t / 999
            page.mouse.move(x_of(250), y)
            page.mouse.down()
            seen = []
            for target in (400, 650, 120, 820):
                page.mouse.move(x_of(target), y, steps=8)
                t, equation = shown(page)
                seen.append(t)
                assert numbers(equation) == numbers(server_view(t).equation), (t, equation)
                if target in (400, 820):
                    difference = np.abs(canvas_pixels(page).astype(int) - server_view(t).xt.astype(int))
                    assert difference.max() <= 1, (t, difference.max())
            page.mouse.up()
            page.wait_for_timeout(1000)
            assert len(set(seen)) == 4 and requests == [], requests  # nor when it is let go
            for t in (0, 300, 999):  # the screenshots, and the equation at the ends of the range
                slider.fill(str(t))
                assert shown(page)[0] == t and numbers(shown(page)[1]) == numbers(server_view(t).equation)
                page.wait_for_timeout(300)
                page.screenshot(path=str(out / f"tab1_live_photo_t{t}.png"))
        finally:
            browser.close()


def test_with_the_markov_chain_the_server_redraws_when_the_slider_is_let_go(served_app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            open_photo(page, served_app)
            page.get_by_label("run the Markov chain step by step instead of the closed form").check()
            page.wait_for_function("document.querySelector('.dl-forward-live').dataset.state === 'server'")
            joins = []
            page.on("request", lambda r: joins.append(r.url) if "/queue/join" in r.url else None)
            slider = page.locator("#forward-t input[type=range]")
            slider.scroll_into_view_if_needed()
            box = slider.bounding_box()
            y = box["y"] + box["height"] / 2
            page.mouse.move(box["x"] + box["width"] * 0.3, y)
            page.mouse.down()
            page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=5)
            page.mouse.up()
            t = int(slider.input_value())
            page.wait_for_function(f"document.querySelector('.dl-forward-server') && "
                                   f"document.body.innerText.includes('t = {t}')", timeout=60_000)
            assert len(joins) == 1  # one request, on letting go
        finally:
            browser.close()
