"""The app as an attacker meets it: served as `python app.py` serves it (lab.server.launch.make_app under uvicorn,
on the loopback), called by plain HTTP with any value, for any dependency of /config, hidden ones included."""
from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import uuid

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(classroom):
    """(base URL, demo) of make_app(build_demo(classroom), classroom) running in a thread; stopped on exit. A demo
    of its own: a mounted Blocks stays marked as running and could not be launched again by another test."""
    import uvicorn

    from lab.demo import build_demo
    from lab.server.launch import make_app

    demo = build_demo(classroom)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(make_app(demo, classroom), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + "/config", timeout=5).status_code == 200:
                break
        time.sleep(0.1)
    try:
        yield base, demo
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def call(base: str, fn_index: int, data: list, session: str | None = None, timeout: float = 120,
         event_data=None) -> dict:
    """One event through Gradio's queue as a page sends it; {"success", "output", "logs": [(title, text)],
    "error"} from the stream's messages."""
    session = session or uuid.uuid4().hex
    body = {"data": data, "fn_index": fn_index, "session_hash": session, "event_data": event_data,
            "trigger_id": None}
    joined = httpx.post(base + "/gradio_api/queue/join", content=json.dumps(body), timeout=30,
                        headers={"Content-Type": "application/json"})
    if joined.status_code != 200:
        return {"success": False, "status": joined.status_code, "error": joined.text, "logs": []}
    logs = []
    result = {"success": False, "error": "the stream ended without a result", "logs": logs}
    with httpx.stream("GET", base + "/gradio_api/queue/data", params={"session_hash": session}, timeout=timeout) as r:
        for line in r.iter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("msg") == "log":
                logs.append((message.get("title"), message.get("log")))
            elif message.get("msg") == "process_completed":
                output = message.get("output") or {}
                result = {"success": message.get("success"), "output": output.get("data"), "logs": logs,
                          "error": output.get("error"), "title": output.get("title")}
                break
    return result


def upload(base: str, name: str, content: bytes) -> str:
    """A file uploaded as the page uploads one; its path on the server."""
    r = httpx.post(base + "/gradio_api/upload", files={"files": (name, content)}, timeout=30)
    r.raise_for_status()
    return r.json()[0]


def file_data(path: str) -> dict:
    return {"path": path, "meta": {"_type": "gradio.FileData"}}
