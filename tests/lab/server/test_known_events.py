"""lab/server/known_events.py: a request naming an event the app does not have gets a 404 and a sentence, never a server
fault; every known event passes through unchanged."""
import json
import logging

import httpx

from lab.i18n import text
from lab.server.known_events import TOO_LARGE, UNKNOWN
from tests.lab.raw_api import call


def join(base, fn_index, data=()):
    return httpx.post(base + "/gradio_api/queue/join", timeout=30, headers={"Content-Type": "application/json"},
                      content=json.dumps({"data": list(data), "fn_index": fn_index, "session_hash": "s1"}))


def test_unknown_events_get_a_sentence(served_demo, app, caplog, capfd):
    browser_only = next(i for i, fn in served_demo.fns.items() if fn.fn is None)
    with caplog.at_level(logging.INFO):
        for fn_index in (9999, -1, browser_only, True, "9999", 9999.0, "9_9", "0_0", "2", 2.0, [2], {"a": 2}):
            r = join(app, fn_index)
            assert r.status_code == 404 and r.json()["detail"] == text(UNKNOWN), (fn_index, r.text)
        for path in ("/gradio_api/call/nope", "/gradio_api/run/nope", "/gradio_api/call/%2e%2e", "/gradio_api/api/nope",
                     "/gradio_api/run/update_forward", "/gradio_api/call/v2/nope", "/gradio_api/deep_link"):
            r = httpx.post(app + path, json={"data": []}, timeout=30)
            assert r.status_code == 404 and r.json()["detail"] == text(UNKNOWN), path
        for path in ("/gradio_api/run/nope", "/gradio_api/api/nope", "/gradio_api/deep_link"):
            assert httpx.get(app + path, timeout=30).json()["detail"] == text(UNKNOWN), path
        assert httpx.get(app + "/gradio_api/deep_link", params={"session_hash": "s1"}).status_code == 404
        for path in ("/docs", "/redoc"):
            assert httpx.get(app + path).status_code == 404, path
        assert "/lab/" not in httpx.get(app + "/openapi.json").text  # Gradio's own; the app's outer one is off
        r = join(app, 2, ["x" * (5 << 20)])
        assert r.status_code == 413 and r.json()["detail"] == text(TOO_LARGE)
        r = httpx.post(app + "/gradio_api/call/update_schedules", json={"data": ["x" * (5 << 20)]}, timeout=30)
        assert r.status_code == 413
        no_number = {"data": [], "session_hash": "s"}
        assert httpx.post(app + "/gradio_api/queue/join", json=no_number).status_code == 400  # Gradio's: says so
        assert join(app, "abc").json()["detail"] == text(UNKNOWN)
    assert "Traceback" not in capfd.readouterr().err
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_known_events_pass_unchanged(served_demo, app):
    update = next(i for i, fn in served_demo.fns.items() if fn.api_name == "update_schedules")
    answer = call(app, update, [["linear", "cosine"], 1000, 10, None, None])
    assert answer["success"] and answer["logs"] == [] and answer["output"]
    r = httpx.post(app + "/gradio_api/call/update_schedules", json={"data": [["linear"], 1000, 10]}, timeout=30)
    assert r.status_code == 200 and "event_id" in r.json()
