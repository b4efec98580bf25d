"""Requests that name an event this app does not have get a sentence, not a server fault.

Gradio answers a queue request for an event number it does not know with a 500 and a traceback in the log, and one
for an event that only runs in the browser (no Python function) with a traceback after queueing it; the same for
/gradio_api/call/<name> and /gradio_api/run/<name> with an unknown name. `KnownEvents` (ASGI middleware around the
whole app) answers those with a 404 and one sentence before Gradio sees them; every other request passes unchanged.
The events' values themselves are checked by lab/input_gate.py."""
from __future__ import annotations

import json
import re

JOIN = "/gradio_api/queue/join"
BY_NAME = re.compile(r"/gradio_api/(?:call|run)/([^/]+)/?")
MAX_JOIN_BYTES = 4 << 20  # an event's values (files are uploaded separately): texts, numbers, choices
UNKNOWN = "This app has no such action: reload the page (a script: see the app's API page for what it can call)."
TOO_LARGE = "That request is too large for this app: send shorter values."


class KnownEvents:
    def __init__(self, app, demo):
        self.app = app
        self.indices = {i for i, fn in demo.fns.items() if fn.fn is not None}  # events with a Python function
        self.names = {fn.api_name for fn in demo.fns.values() if fn.fn is not None and fn.api_name}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        named = BY_NAME.fullmatch(scope["path"])
        if named and named.group(1) not in self.names:
            return await answer(send, 404, UNKNOWN)
        if scope["path"] != JOIN:
            return await self.app(scope, receive, send)
        body = await read_body(receive, MAX_JOIN_BYTES)
        if body is None:
            return await answer(send, 413, TOO_LARGE)
        if not self.known(body):
            return await answer(send, 404, UNKNOWN)
        return await self.app(scope, replay(body, receive), send)

    def known(self, body: bytes) -> bool:
        """False when the body names an event number this app does not run in Python; a body Gradio cannot read
        at all is left to Gradio's own answer (400 or 422 with what is missing)."""
        try:
            fn_index = json.loads(body).get("fn_index")
        except (ValueError, AttributeError, RecursionError):
            return True
        if isinstance(fn_index, bool):
            return False
        if isinstance(fn_index, str) and re.fullmatch(r"\s*[+-]?\d{1,9}\s*", fn_index):
            fn_index = int(fn_index)  # Gradio reads "7" as 7
        if isinstance(fn_index, float) and fn_index.is_integer():
            fn_index = int(fn_index)
        if not isinstance(fn_index, int):
            return True  # None, a word, 2.5: Gradio says what is wrong (400 or 422)
        return fn_index in self.indices


async def read_body(receive, limit: int) -> bytes | None:
    """The request's body, or None once it passes `limit` bytes."""
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        if size > limit:
            return None
        more = message.get("more_body", False)
    return b"".join(chunks)


def replay(body: bytes, receive):
    """A receive() that gives the body already read, then listens to the client again (for a disconnect)."""
    sent = False

    async def receive_again():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()
    return receive_again


async def answer(send, status: int, sentence: str):
    body = json.dumps({"detail": sentence}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"x-content-type-options", b"nosniff")]})
    await send({"type": "http.response.body", "body": body})
