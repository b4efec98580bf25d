"""lab/server/lang_first.py: the page's language script first in Gradio's page (GET / only, uncompressed HTML), the
rest untouched; the catalogue of one language for the page's scripts."""
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, PlainTextResponse
from fastapi.testclient import TestClient

from lab.i18n import LANGS, catalogue
from lab.server.lang_first import SCRIPT, LangFirst, catalogue_routes, first_in_head


def app():
    inner = FastAPI()
    inner.include_router(catalogue_routes())

    @inner.get("/")
    def page():
        return HTMLResponse("<html><head><script>window.gradio_config = {}</script></head><body></body></html>")

    @inner.get("/other")
    def other():
        return PlainTextResponse("<head>")

    return TestClient(LangFirst(inner))


def test_the_script_comes_before_gradios_own():
    client = app()
    page = client.get("/")
    assert page.text.startswith("<html><head><script>(() => {") and page.text.index("gradio_config") > len(SCRIPT)
    assert int(page.headers["content-length"]) == len(page.content)
    assert '["en", "de", "es", "fr", "zh-CN"]' in page.text and "__LANGS__" not in page.text
    assert client.get("/other").text == "<head>"  # another path: untouched
    assert first_in_head(b"<p>no head</p>") == b"<p>no head</p>"


def test_the_catalogue_of_a_language_for_the_pages_scripts():
    client = app()
    for lang in LANGS:
        assert client.get(f"/lab/i18n/{lang}.json").json() == catalogue(lang)
    missing = client.get("/lab/i18n/xx.json")
    assert missing.status_code == 404 and "one of en, de" in missing.json()["error"]
