"""A student's text is shown as text: prompts that look like HTML, Markdown or maths, typed into tab 5 or carried by
a link, show literally in the prompt inspector's verdict; no link, picture, heading or formula comes from them and
the page asks no other address for anything. Screenshots go to $SCREENSHOT_DIR (default: screenshots/)."""
import json
import os
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from lab.tabs.text import VERDICT_ID
from tests.browser import open_page
from tests.conftest import ROOT

OUT = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "screenshots"))
PROMPTS = ["<a href='https://example.org/'>Click here for the answers</a> <h1>HOMEWORK CANCELLED</h1>",
           "<img src=https://example.org/x.png> ![pic](https://example.org/pic.png) <img src=x>",
           "**bold** _slanted_ $$x^2$$ [answers](https://example.org) # heading",
           "<script>alert(1)</script> my homework"]
MARKUP = "a, img, h1, h2, h3, h4, h5, h6, em, script, .katex, math, iframe"  # (the app's own words are in bold)


def verdict(page) -> dict:
    """The verdict's text and the markup elements inside it, once it has been redrawn for the last prompt."""
    return page.evaluate(f"""() => {{
        const box = document.getElementById('{VERDICT_ID}');
        return {{text: box.innerText.replace(/\\s+/g, ' '), markup: box.querySelectorAll('{MARKUP}').length}};
    }}""")


def inspect(page, prompt: str, typed: bool = True):
    """Type the prompt (or keep the link's) and press Inspect prompt; wait for the verdict quoting it as typed (a
    time-out here means the prompt did not show literally)."""
    if typed:
        page.get_by_label("prompt", exact=True).filter(visible=True).first.fill(prompt)
    page.get_by_role("button", name="Inspect prompt").click()
    literal = json.dumps(" ".join(prompt.split()))
    page.wait_for_function(f"document.getElementById('{VERDICT_ID}').innerText.replace(/\\s+/g, ' ')"
                           f".includes({literal})", timeout=60_000)


def watched(page):
    """page.elsewhere: every address other than this server that the page asks for anything."""
    page.elsewhere = []
    page.on("request", lambda r: urlparse(r.url).hostname not in ("127.0.0.1", "localhost", None) and
            page.elsewhere.append(r.url))
    return page


@pytest.fixture
def page(browser, served_app):
    if not (ROOT / "pretrained" / "text_cond" / "model.safetensors").exists():
        pytest.skip("tab 5 needs pretrained/text_cond")
    page = watched(open_page(browser, served_app + "?tab=text"))
    yield page
    page.close()


def test_typed_prompts_show_as_typed(page):
    OUT.mkdir(parents=True, exist_ok=True)
    for i, prompt in enumerate(PROMPTS):
        inspect(page, prompt)
        shown = verdict(page)
        assert shown["markup"] == 0, (prompt, shown)
        assert " ".join(prompt.split()) in shown["text"], (prompt, shown["text"])
        page.screenshot(path=str(OUT / f"tab5_literal_prompt_{i}.png"))
    assert page.elsewhere == []  # no picture or link was fetched from another address


def test_a_link_s_prompt_shows_as_typed(browser, served_app, page):
    for prompt in PROMPTS[:2]:
        linked = watched(open_page(browser, served_app + "?tab=text&prompt=" + quote(prompt)))
        inspect(linked, prompt, typed=False)
        shown = verdict(linked)
        assert shown["markup"] == 0 and " ".join(prompt.split()) in shown["text"], shown
        assert linked.elsewhere == []
        linked.close()
