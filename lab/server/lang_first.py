"""The page's language is chosen before Gradio's scripts start (lab/static/js/lang_first.js): Gradio reads the
browser's language once, when it starts, and offers no hook that runs earlier. This ASGI middleware puts that script
first in the head of Gradio's page (GET /), with the languages of lab/i18n; every other answer passes untouched.

    app = LangFirst(gr.mount_gradio_app(...))   # inside SharedResponses: the page it keeps has the script"""
from __future__ import annotations

import json

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from lab.i18n import LANGS, catalogue
from lab.page import STATIC

SCRIPT = ("<script>" + (STATIC / "js" / "lang_first.js").read_text(encoding="utf-8")
          .replace("__LANGS__", json.dumps(list(LANGS))) + "</script>").encode()
HEAD = b"<head>"


def first_in_head(page: bytes) -> bytes:
    """The page with SCRIPT right after its <head> (a page without one is left as it is)."""
    at = page.find(HEAD)
    return page if at < 0 else page[:at + len(HEAD)] + SCRIPT + page[at + len(HEAD):]


class LangFirst:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != "/":
            return await self.app(scope, receive, send)
        start, body = None, []

        async def keep(message):
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                return await send(message)
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = b"".join(body)
            headers = dict(start.get("headers", []))
            if headers.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in headers:
                page = first_in_head(page)
            await send({**start, "headers": [(k, str(len(page)).encode() if k == b"content-length" else v)
                                             for k, v in start.get("headers", [])]})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, keep)


def catalogue_routes() -> APIRouter:
    """GET /lab/i18n/<lang>.json: the flat catalogue of one language, for the page's own scripts
    (lab/static/js/lang.mjs)."""
    router = APIRouter()

    @router.get("/lab/i18n/{lang}.json")
    def one_catalogue(lang: str):
        if lang not in LANGS:
            return JSONResponse({"error": f"No language {lang[:20]!r}: one of {', '.join(LANGS)}."}, status_code=404)
        return JSONResponse(catalogue(lang), headers={"Cache-Control": "public, max-age=3600"})

    return router
