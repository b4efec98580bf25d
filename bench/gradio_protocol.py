"""A simulated student that costs little: Gradio's queue protocol (sse_v3) spoken with the standard library, as the
page speaks it. gradio_client on the same 2-core machine was measured to use more CPU than the server it measures
(it downloads and hashes every streamed picture); this one does what a browser does with a streamed picture (fetches
it once) and nothing more.

    session = Session(url, config)                    # config: json of <url>/config, fetched once per class
    outputs = session.call("run_sampler", "mnist_fast", "dpm_solver_pp", 20, 0.0, 7, 8, -1, 2.0, True)

Values are the endpoint's inputs without its gr.State ones (the server holds those per session, as for a page).
"""
from __future__ import annotations

import json
import secrets
import urllib.request

API = "gradio_api"


class ProtocolError(RuntimeError):
    pass


def fetch_config(url: str) -> dict:
    with urllib.request.urlopen(url + "config", timeout=60) as answer:
        return json.load(answer)


class Session:
    def __init__(self, url: str, config: dict):
        self.url, self.session_hash = url, secrets.token_hex(6)
        kinds = {c["id"]: c["type"] for c in config["components"]}
        self.endpoints = {d["api_name"]: (d["id"], [kinds[i] == "state" for i in d["inputs"]])
                          for d in config["dependencies"] if d.get("api_name")}
        self.fetched: set[str] = set()

    def call(self, api_name: str, *values):
        """Join the queue, follow the event's stream to its end; returns the final outputs. Streamed pictures are
        fetched once each, as a page shows them."""
        fn_index, is_state = self.endpoints[api_name]
        given = iter(values)
        data = [None if state else next(given) for state in is_state]
        body = json.dumps({"data": data, "fn_index": fn_index, "session_hash": self.session_hash,
                           "event_data": None, "trigger_id": None}).encode()
        join = urllib.request.Request(f"{self.url}{API}/queue/join", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(join, timeout=60) as answer:
            event_id = json.load(answer)["event_id"]
        with urllib.request.urlopen(f"{self.url}{API}/queue/data?session_hash={self.session_hash}",
                                    timeout=900) as stream:
            for line in stream:
                if not line.startswith(b"data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") not in (None, event_id):
                    continue
                self.show_pictures(message.get("output"))
                if message.get("msg") == "process_completed":
                    output = message.get("output") or {}
                    if not message.get("success", False):
                        raise ProtocolError(str(output.get("error") or output)[:200])
                    return output.get("data")
        raise ProtocolError("the stream ended before the event completed")

    def show_pictures(self, output):
        for url in urls(output):
            if url not in self.fetched:
                self.fetched.add(url)
                with urllib.request.urlopen(url, timeout=60) as answer:
                    answer.read()


def urls(value) -> list[str]:
    """Every file URL inside an event's output (files are {"url": ..., "path": ...} dicts, possibly in diffs)."""
    if isinstance(value, dict):
        found = [value["url"]] if isinstance(value.get("url"), str) and value["url"].startswith("http") else []
        return found + [u for v in value.values() for u in urls(v)]
    if isinstance(value, list):
        return [u for v in value for u in urls(v)]
    return []
