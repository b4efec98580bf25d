"""What every student's page fetches the same, computed once and replayed from memory: Gradio's page (its config is
rebuilt and deep-copied for every request), its content-hashed script and style files (Brotli-compressed again for
every request), its fonts and theme, the gallery pictures in its file cache (each request checks and streams
the file), and what the browser samples with (lab/server/static_files.py: scripts, ONNX Runtime Web, model files).
A class of thirty opening the app otherwise costs the server thirty times that work.

    app = SharedResponses(gr.mount_gradio_app(...))   # an ASGI middleware around the whole app

Only plain GETs of those paths are kept, only 200 answers without cookies, keyed by everything the answer depends
on (path and query, the encodings the browser accepts, the host and proxy headers Gradio builds its root URL
from). Conditional and range requests pass through. Memory is bounded: least recently used answers leave first.
Gradio's page goes out gzip-compressed (it sends it uncompressed: half a megabyte per student); the hashed files
get a year's Cache-Control, so a reload costs nothing."""
from __future__ import annotations

import gzip
from collections import OrderedDict

SHARED_PREFIXES = ("/assets/", "/static/", "/theme.css", "/gradio_api/file=",
                   "/lab/static/", "/lab/models/",  # the browser sampler: its scripts, ONNX Runtime Web, the models
                   "/lab/playground/")  # tab 6 in the browser: spec, data, presets, plans (lab/server/playground_files)
ON_SECOND_ASK = ("/gradio_api/file=",)  # Gradio's file cache also holds one student's pictures: kept once shared
IMMUTABLE = ("/assets/",)  # file names carry a hash of their content
IMMUTABLE_CACHE_CONTROL = b"public, max-age=31536000, immutable"
KEY_HEADERS = (b"host", b"accept-encoding", b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-port",
               b"x-forwarded-prefix")
PASS_THROUGH_HEADERS = (b"range", b"if-none-match", b"if-modified-since", b"authorization")
MAX_BYTES = 64 << 20  # the page (~0.1 MB gzipped), Gradio's files (~4 MB), gallery pictures, models (~2-5 MB each)
MAX_ONE = 8 << 20


def shared_path(path: str) -> bool:
    return path == "/" or path.startswith(SHARED_PREFIXES)


class SharedResponses:
    """ASGI middleware; `hits` and `misses` count replayed and computed answers (for the bench and the tests)."""

    def __init__(self, app, max_bytes: int = MAX_BYTES):
        self.app, self.max_bytes = app, max_bytes
        self.answers: OrderedDict[tuple, tuple[int, list, bytes]] = OrderedDict()
        self.asked_once: OrderedDict[tuple, None] = OrderedDict()  # keys of ON_SECOND_ASK paths asked for once
        self.bytes = self.hits = self.misses = 0

    async def __call__(self, scope, receive, send):
        key = self.key(scope)
        if key is None:
            return await self.app(scope, receive, send)
        if key in self.answers:
            self.answers.move_to_end(key)
            self.hits += 1
            status, headers, body = self.answers[key]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            return await send({"type": "http.response.body", "body": body})
        self.misses += 1
        await self.compute(key, scope, receive, send)

    @staticmethod
    def key(scope) -> tuple | None:
        if scope["type"] != "http" or scope["method"] != "GET" or not shared_path(scope["path"]):
            return None
        headers = dict(scope["headers"])
        if any(name in headers for name in PASS_THROUGH_HEADERS):
            return None
        return (scope["path"], scope["query_string"], scope.get("root_path", ""),
                *(headers.get(name, b"") for name in KEY_HEADERS))

    async def compute(self, key: tuple, scope, receive, send):
        """Run the app, collecting its answer; keep it if it is whole, shareable and small enough; send it."""
        start, chunks = {}, []

        async def collect(message):
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        status, headers, body = start.get("status", 500), list(start.get("headers", [])), b"".join(chunks)
        if status == 200:
            headers, body = finished(scope["path"], dict(scope["headers"]), headers, body)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        names = {name.lower() for name, _ in headers}
        if status == 200 and b"set-cookie" not in names and len(body) <= MAX_ONE and self.second_ask(key):
            self.store(key, (status, headers, body))

    def second_ask(self, key: tuple) -> bool:
        """False the first time an ON_SECOND_ASK path is asked for (remembered among the last 4096), else True."""
        if not key[0].startswith(ON_SECOND_ASK) or key in self.asked_once:
            return True
        self.asked_once[key] = None
        if len(self.asked_once) > 4096:
            self.asked_once.popitem(last=False)
        return False

    def store(self, key: tuple, answer: tuple):
        self.answers[key] = answer
        self.bytes += len(answer[2])
        while self.bytes > self.max_bytes and self.answers:
            _, (_, _, body) = self.answers.popitem(last=False)
            self.bytes -= len(body)


def finished(path: str, request_headers: dict, headers: list, body: bytes) -> tuple[list, bytes]:
    """Gradio's page gzipped when the browser takes gzip and Gradio sent it plain; hashed files cached for a year;
    the length of the whole body (it may have been streamed in chunks)."""
    names = {name.lower() for name, _ in headers}
    extra = []
    if path == "/" and b"content-encoding" not in names and b"gzip" in request_headers.get(b"accept-encoding", b""):
        body = gzip.compress(body, compresslevel=6)
        extra += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
    if path.startswith(IMMUTABLE) and b"cache-control" not in names:
        extra.append((b"cache-control", IMMUTABLE_CACHE_CONTROL))
    kept = [(n, v) for n, v in headers if n.lower() not in (b"content-length", b"transfer-encoding")]
    return kept + extra + [(b"content-length", str(len(body)).encode())], body
