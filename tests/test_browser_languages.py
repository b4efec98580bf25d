"""The page in the browser's language and in a chosen one (lab/i18n): German from Accept-Language, Simplified Chinese
from ?lang=zh-CN, French from the header's switch; the tab names, a label and a sentence the server computes for the
request (a refusal's toast, the equation after a redraw) in that language; tab 6's own scripts and the live class's
panel, with a refusal of its routes, too. Screenshots at 1366×768 go to $SCREENSHOT_DIR (default: screenshots/)."""
import os
from pathlib import Path

from lab.view_link_ui import LINK_BOX_ID
from tests.conftest import ROOT

OUT = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "screenshots"))
SIZE = {"width": 1366, "height": 768}


def open_in(browser, url: str, locale: str):
    """A fresh page whose browser speaks `locale` (navigator.language and Accept-Language), the app loaded."""
    page = browser.new_context(viewport=SIZE, locale=locale).new_page()
    page.set_default_timeout(180_000)
    page.goto(url)
    page.get_by_text("Diffusion Lab").first.wait_for()
    return page


def screenshot(page, name: str):
    """The window from the top of the page, toasts closed."""
    page.evaluate("document.querySelectorAll('.toast-close').forEach((b) => b.click()); window.scrollTo(0, 0)")
    page.wait_for_timeout(500)
    page.screenshot(path=str(OUT / name))


def tab_names(page) -> list[str]:
    return [name.strip() for name in page.get_by_role("tab").all_inner_texts()]


def refusal_toast(page, button: str) -> str:
    """Press a button on tab 1 whose handler refuses (an empty drawing); the toast's sentence."""
    page.get_by_role("button", name=button).click()
    toast = page.locator(".toast-body").first
    toast.wait_for()
    return toast.inner_text()


def test_the_browsers_language_is_the_pages(browser, served_app):
    OUT.mkdir(parents=True, exist_ok=True)
    page = open_in(browser, served_app, "de-DE")
    page.get_by_role("tab", name="1 · Vorwärts-Rauschen").wait_for()
    assert tab_names(page)[:5] == ["1 · Vorwärts-Rauschen", "2 · Zeitpläne", "3 · Entrauschen",
                                   "4 · Rückwärts-Sampling", "5 · Text zu Bild (CLIP)"]
    assert page.get_by_label("Rausch-Zeitplan").first.is_visible()
    assert "Die Zeichnung ist leer" in refusal_toast(page, "Meine Zeichnung verwenden")
    page.get_by_label("Rausch-Zeitplan").first.click()
    page.get_by_role("option", name="cosine").click()  # the server redraws: its equation in German
    page.wait_for_function("document.body.innerText.includes('von 1000 (cosine)')")
    page.wait_for_timeout(1500)
    screenshot(page, "lang_de_tab1.png")
    page.get_by_role("tab", name="2 · Zeitpläne").click()
    page.wait_for_timeout(2500)
    screenshot(page, "lang_de_tab2.png")
    page.get_by_role("tab", name="6 · Spielwiese (2D)").click()  # the tab's labels, and its script's own words
    assert page.get_by_text("Lernziel (was das Netz lernt)").first.is_visible()
    page.wait_for_function("document.querySelector('.dl-pg-scrub-label')?.textContent.includes('reines Rauschen')")
    screenshot(page, "lang_de_tab6.png")


def test_a_link_chooses_the_language(browser, served_app):
    page = open_in(browser, served_app + "?lang=zh-CN", "en-US")
    page.get_by_role("tab", name="1 · 前向加噪").wait_for()
    assert tab_names(page)[:2] == ["1 · 前向加噪", "2 · 噪声调度"]
    assert page.locator(".dl-lang-switch select").input_value() == "zh-CN"
    assert "画布是空的" in refusal_toast(page, "使用我的画")
    page.get_by_role("button", name="复制此视图的链接").click()  # a copied link opens in the chosen language too
    page.wait_for_function(f"() => document.querySelector('#{LINK_BOX_ID} textarea').value.startsWith('http')")
    assert "lang=zh-CN" in page.locator(f"#{LINK_BOX_ID} textarea").input_value()
    page.wait_for_timeout(1000)
    screenshot(page, "lang_zh_tab1.png")
    page.get_by_role("tab", name="4 · 反向采样").click()
    page.get_by_role("button", name="生成", exact=True).click()  # the browser's sampler says where it runs, in Chinese
    where = page.locator(".dl-where").filter(visible=True).first
    page.wait_for_function("(el) => /运行/.test(el.textContent)", arg=where.element_handle())
    page.wait_for_timeout(3000)
    screenshot(page, "lang_zh_tab4.png")
    page.get_by_role("button", name="直播课堂").click()  # the live class's panel, and its routes' refusal
    page.locator(".dl-class-code-box").fill("ZZZZZZ")
    page.get_by_role("button", name="加入", exact=True).click()
    page.wait_for_function("document.querySelector('.dl-class-status')?.textContent.includes('没有课堂使用这个代码')")
    assert page.get_by_role("button", name="开始上课").is_visible()


def test_the_switch_changes_the_language_and_keeps_it(browser, served_app):
    page = open_in(browser, served_app, "en-US")
    page.get_by_role("tab", name="1 · Forward noise").wait_for()
    page.locator(".dl-lang-switch select").select_option("fr")
    page.get_by_role("tab", name="1 · Bruit direct").wait_for()
    assert "lang=fr" in page.url
    page.goto(served_app)  # the choice is remembered without ?lang=
    page.get_by_role("tab", name="1 · Bruit direct").wait_for()
    assert "Le dessin est vide" in refusal_toast(page, "Utiliser mon dessin")
