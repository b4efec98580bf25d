"""Links to a view in a real browser: a link opens its tab with its values and the tab drawn; "copy link to this view"
writes a link that opens the same view in a new page. Screenshots go to $SCREENSHOT_DIR (default: screenshots/)."""
import os
import re
from pathlib import Path

from lab.view_link_ui import LINK_BOX_ID
from tests.browser import open_page
from tests.conftest import ROOT

OUT = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "screenshots"))


def copied_link(page) -> str:
    """Press the button; the link in its box (the clipboard may refuse a page without https or permission)."""
    page.get_by_role("button", name=re.compile("Copy link to this view")).click()
    page.wait_for_function(f"() => document.querySelector('#{LINK_BOX_ID} textarea').value.startsWith('http')")
    return page.locator(f"#{LINK_BOX_ID} textarea").input_value()


def shown(page, label: str):
    """The visible widget of that label (inactive tabs keep theirs in the page too)."""
    return page.get_by_label(label, exact=True).filter(visible=True).first


def tab_1_view(page) -> dict:
    page.wait_for_function("document.body.innerText.includes('t = 700 of 1000 (cosine)')")
    return {"tab": page.get_by_role("tab", selected=True).inner_text(),
            "t": shown(page, "number input for t (how much noise)").input_value(),
            "schedule": shown(page, "noise schedule").input_value()}


def test_a_tab_1_link_and_its_copy_open_the_same_view(browser, served_app):
    OUT.mkdir(parents=True, exist_ok=True)
    page = open_page(browser, served_app + "?tab=forward&t=700&schedule=cosine&image=3")
    first = tab_1_view(page)
    assert first == {"tab": "1 · Forward noise", "t": "700", "schedule": "cosine"}
    page.wait_for_timeout(1500)
    page.screenshot(path=str(OUT / "link_tab1.png"))
    link = copied_link(page)
    assert link.startswith(served_app + "?") and "tab=forward" in link and "t=700" in link and "image=3" in link
    again = open_page(browser, link)
    assert tab_1_view(again) == first
    page.close(), again.close()


def test_a_tab_4_link_and_its_copy_open_the_same_view(browser, served_app):
    model = "mnist_cond" if (ROOT / "pretrained" / "mnist_cond" / "model.safetensors").exists() else "tiny_cond"
    page = open_page(browser, served_app + f"?tab=sampling&model={model}&sampler=ddim&steps=30&seed=42&class=7"
                                           "&guidance=3.5"
                                           "&present=1")  # presenter mode's parameter: not ours, kept in the copy
    expected = {"tab": "4 · Reverse sampling", "model": model, "class": "7", "steps": "30", "seed": "42",
                "guidance": "3.5", "ddim": True}
    assert tab_4_view(page) == expected
    page.screenshot(path=str(OUT / "link_tab4.png"))
    link = copied_link(page)
    assert "tab=sampling" in link and "class=7" in link and "sampler=ddim" in link and "present=1" in link
    page.screenshot(path=str(OUT / "link_tab4_copied.png"))
    again = open_page(browser, link)
    assert tab_4_view(again) == expected
    page.close(), again.close()


def tab_4_view(page) -> dict:
    page.get_by_role("tab", name="4 · Reverse sampling", selected=True).wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('input[type=number]')].some(e => e.value === '42')")
    return {"tab": page.get_by_role("tab", selected=True).inner_text(), "model": shown(page, "model").input_value(),
            "class": shown(page, "class").input_value(),
            "steps": shown(page, "number input for steps (model evaluations)").input_value(),
            "seed": shown(page, "seed").input_value(),
            "guidance": shown(page, "number input for guidance scale w (1 = none)").input_value(),
            "ddim": page.get_by_role("radio", name="DDIM", exact=True).filter(visible=True).first.is_checked()}
