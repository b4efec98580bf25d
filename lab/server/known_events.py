"""Requests that name an event this app does not have get a sentence, not a server fault.

Gradio answers a queue request for an event number it does not know with a 500 and a traceback in the log, and one
for an event that only runs in the browser (no Python function) with a traceback after queueing it; the same for
/gradio_api/call/<name> with an unknown name. /gradio_api/run/<name> runs an event outside the queue (no lane, no
limit), and /gradio_api/deep_link writes files that stay. `KnownEvents` (ASGI middleware around the whole app)
answers those with a 404 and one sentence before Gradio sees them, and a body over MAX_JOIN_BYTES with a 413;
a join to a lane that is full (lab/server/lane_caps.py) with a 429; every other request passes unchanged.
The events' values themselves are checked by lab/server/input_gate.py."""
from __future__ import annotations

import json
import re

from lab.i18n import headers_language, speaking, text
from lab.server.lane_caps import LaneCaps

JOIN = "/gradio_api/queue/join"
BY_NAME = re.compile(r"/gradio_api/call/(?:v2/)?([^/]+)/?")  # an event by its API name, through the queue
# Routes that run an event outside the queue (its lanes and limits) or write state files that are never removed
# (deep links: this app's links to a view need none): refused.
CLOSED = re.compile(r"/gradio_api/(?:run|api)/.*|/gradio_api/deep_link/?")
MAX_JOIN_BYTES = 4 << 20  # an event's values (files are uploaded separately): texts, numbers, choices
UNKNOWN, TOO_LARGE = "queue.unknown", "queue.too_large"  # the refusals' words: lab/i18n, in the request's language
BUSY_STATUS = 429  # the page shows its `detail` (a 503 would show Gradio's own words)


class KnownEvents:
    def __init__(self, app, demo):
        self.app = app
        self.indices = {i for i, fn in demo.fns.items() if fn.fn is not None}  # events with a Python function
        self.names = {fn.api_name for fn in demo.fns.values() if fn.fn is not None and fn.api_name}
        # the caps need Gradio's queue counts: present when gradio_tuning applied lane_caps (else no cap, logged)
        counts = getattr(demo, "lab_waiting", None)
        self.caps = LaneCaps(demo, counts) if counts is not None else None

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        with speaking(headers_language(headers)):
            return await self.checked(scope, receive, send)

    async def checked(self, scope, receive, send):
        """Refuse (a sentence in the request's language) or pass the request on."""
        if CLOSED.fullmatch(scope["path"]):
            return await answer(send, 404, text(UNKNOWN))
        named = BY_NAME.fullmatch(scope["path"]) if scope["method"] == "POST" else None
        if named and named.group(1) not in self.names:
            return await answer(send, 404, text(UNKNOWN))
        if scope["method"] != "POST" or not (named or scope["path"] == JOIN):
            return await self.app(scope, receive, send)
        body = await read_body(receive, MAX_JOIN_BYTES)
        if body is None:
            return await answer(send, 413, text(TOO_LARGE))
        fn_index = None if named else event_number(body)
        if fn_index is not None and not (type(fn_index) is int and fn_index in self.indices):
            return await answer(send, 404, text(UNKNOWN))
        busy = self.caps and self.caps.refusal(fn_index, named.group(1) if named else None)
        if busy:
            return await answer(send, BUSY_STATUS, busy)
        return await self.app(scope, replay(body, receive), send)


def event_number(body: bytes):
    """The body's fn_index as sent, or None. This app runs events only by the number of one it runs in Python (a
    page sends a plain integer; Gradio would also read "7", "0_7" or 7.0: refused). A body without a number, or
    one Gradio cannot read at all, is left to Gradio's own answer (400 or 422 saying what is missing)."""
    try:
        return json.loads(body).get("fn_index")
    except (ValueError, AttributeError, RecursionError):
        return None


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
