"""lab/live/routes.py through FastAPI's TestClient: a lesson end to end, and every refusal a JSON sentence."""
import base64

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lab.i18n import text
from lab.live.gallery import DATA_URL
from lab.live.registry import Registry
from lab.live.routes import FAULT, live_routes
from tests.lab.test_live_class import KNOWN
from tests.lab.test_live_gallery import png_url

TEACHER_ROUTES = {"show": {"view": "?tab=forward"}, "ask": {"question": "forward-lose-picture"}, "reveal": {},
                  "close-question": {}, "hide-answer": {"number": 1, "student": 1}, "hide-picture": {"picture": 1},
                  "rename": {"student": 1}, "end": {}}


@pytest.fixture
def client():
    app = FastAPI()
    app.include_router(live_routes(Registry(KNOWN)))
    with TestClient(app) as client:  # one event loop for the whole test (the classes' events belong to it)
        yield client


def start(client) -> tuple[str, str]:
    started = client.post("/lab/live/classes", json={}).json()
    return started["code"], started["key"]


def join(client, code: str, nickname: str = "") -> dict:
    return client.post(f"/lab/live/{code}/join", json={"nickname": nickname}).json()


def refused(response, status: int, words: str):
    assert response.status_code == status, response.text
    assert words in response.json()["error"]


def test_a_lesson_from_start_to_export(client):
    code, key = start(client)
    ada, bo = join(client, code.lower(), "Ada"), join(client, code)
    assert (ada["student"], bo["nickname"]) == (1, "student 2")
    assert client.post(f"/lab/live/{code}/show", json={"key": key, "view": "?tab=forward&t=700"}).json()["view"] \
        == {"tab": "forward", "t": 700}
    asked = client.post(f"/lab/live/{code}/ask", json={"key": key, "question": "forward-lose-picture"})
    number = asked.json()["number"]
    assert client.post(f"/lab/live/{code}/answer", json={"token": ada["token"], "number": number, "value": 300.2}
                       ).json()["value"] == 300
    client.post(f"/lab/live/{code}/answer", json={"token": bo["token"], "number": number, "value": 700})
    state = client.get(f"/lab/live/{code}/state", params={"key": key}).json()
    assert [a["value"] for a in state["asked"][0]["answers"]] == [300, 700] and state["view"]["t"] == 700
    assert client.post(f"/lab/live/{code}/reveal", json={"key": key}).json() == {"ok": True}
    png = client.post(f"/lab/live/{code}/gallery", json={"token": bo["token"], "link": "?tab=sampling&seed=2",
                                                         "png": png_url()}).json()["picture"]
    picture = client.get(f"/lab/live/{code}/gallery/{png}.png", params={"token": ada["token"]})
    assert picture.headers["content-type"] == "image/png" and picture.content.startswith(b"\x89PNG")
    client.post(f"/lab/live/{code}/hide-picture", json={"key": key, "picture": png})
    refused(client.get(f"/lab/live/{code}/gallery/{png}.png", params={"token": ada["token"]}), 404, "no such picture")
    assert client.get(f"/lab/live/{code}/gallery/{png}.png", params={"key": key}).status_code == 200
    answers = client.get(f"/lab/live/{code}/export/answers.csv", params={"key": key})
    assert answers.headers["content-type"].startswith("text/csv") and "Ada" in answers.text
    assert "attachment" in answers.headers["content-disposition"]
    qr = client.get(f"/lab/live/{code}/qr.svg", params={"key": key})
    assert qr.headers["content-type"].startswith("image/svg+xml") and qr.text.startswith("<svg")


def test_a_students_teacher_action_is_refused_with_a_sentence(client):
    code, key = start(client)
    token = join(client, code)["token"]
    for route, body in TEACHER_ROUTES.items():
        for credentials in ({"key": token}, {"token": token}, {}, {"key": None}, {"key": [key]}):
            refused(client.post(f"/lab/live/{code}/{route}", json={**body, **credentials}), 403, "Only the teacher")
    for reading in ("state", "export/answers.csv", "events", "qr.svg"):
        refused(client.get(f"/lab/live/{code}/{reading}", params={"key": token}), 403, "Only the teacher")


def test_two_classes_are_isolated(client):
    (one, one_key), (two, two_key) = start(client), start(client)
    ada = join(client, one, "Ada")
    client.post(f"/lab/live/{two}/ask", json={"key": two_key, "question": "forward-lose-picture"})
    refused(client.post(f"/lab/live/{two}/answer", json={"token": ada["token"], "number": 1, "value": 3}), 403,
            "not in this class")
    refused(client.post(f"/lab/live/{two}/show", json={"key": one_key, "view": "?tab=forward"}), 403,
            "Only the teacher")
    refused(client.get(f"/lab/live/{two}/events", params={"token": ada["token"]}), 403, "not in this class")
    assert client.get(f"/lab/live/{two}/state", params={"key": two_key}).json()["students"] == []


def test_bad_codes_bodies_and_values_get_sentences(client):
    code, key = start(client)
    token = join(client, code)["token"]
    refused(client.post("/lab/live/ZZZZZ0/join", json={}), 404, "No class has this code")
    refused(client.get("/lab/live/%3Cscript%3E/state", params={"key": key}), 404, "No class has this code")
    refused(client.post(f"/lab/live/{code}/join", content=b"x" * (1 << 20)), 413, "too large")
    for body in (b"not json", b"[1, 2]", b"[" * 50_000, b"\xff\xfe"):
        refused(client.post(f"/lab/live/{code}/join", content=body), 400, "JSON object")
    client.post(f"/lab/live/{code}/ask", json={"key": key, "question": "forward-lose-picture"})
    for value in ('"300"', "null", "[300]", '{"a": 1}', "1e999", "NaN", "-Infinity", "true", "5000"):
        body = f'{{"token": "{token}", "number": 1, "value": {value}}}'.encode()
        refused(client.post(f"/lab/live/{code}/answer", content=body), 400, "Answer with a number")
    refused(client.post(f"/lab/live/{code}/ask", json={"key": key, "question": ["x"]}), 404, "no such question")
    refused(client.post(f"/lab/live/{code}/show", json={"key": key, "view": {"tab": {"x": 1}}}), 400, "view")
    big = DATA_URL + base64.b64encode(b"\x89PNG" + b"0" * (70 << 10)).decode()
    refused(client.post(f"/lab/live/{code}/gallery", json={"token": token, "link": "?tab=text", "png": big}), 413,
            "too large")
    refused(client.get(f"/lab/live/{code}/export/secrets.csv", params={"key": key}), 404, "exports")


def test_wrong_codes_from_one_client_are_rate_limited(client):
    code, _ = start(client)
    statuses = [client.post("/lab/live/ZZZZZZ/join", json={}).status_code for _ in range(12)]
    assert statuses[:10] == [404] * 10 and statuses[10:] == [429, 429]
    refused(client.post(f"/lab/live/{code}/join", json={}), 429, "Too many codes")


def test_an_ended_class_stream_says_so_and_closes(client):
    code, key = start(client)
    client.post(f"/lab/live/{code}/end", json={"key": key})
    events = client.get(f"/lab/live/{code}/events", params={"key": key})
    assert events.headers["content-type"].startswith("text/event-stream")
    assert [line for line in events.text.splitlines() if line.startswith("event:")] == \
        ["event: hello", "event: state", "event: ended"]
    assert client.get(f"/lab/live/{code}/export/summaries.csv", params={"key": key}).status_code == 200


def test_at_most_a_few_open_streams_per_person():
    registry, app = Registry(KNOWN), FastAPI()
    app.include_router(live_routes(registry))
    with TestClient(app) as client:
        code, key = start(client)
        ada = join(client, code)
        registry.find(code).streams.update({1: 3, "teacher": 3})  # three tabs each, already open
        refused(client.get(f"/lab/live/{code}/events", params={"token": ada["token"]}), 429, "several tabs")
        refused(client.get(f"/lab/live/{code}/events", params={"key": key}), 429, "several tabs")


def test_a_fault_is_a_sentence_not_a_traceback(client, monkeypatch):
    monkeypatch.setattr(Registry, "find", lambda self, code: 1 / 0)
    refused(client.get("/lab/live/ABCDEF/state"), 500, text(FAULT))
    assert len(client.get("/lab/live/questions").json()) >= 12


def test_beside_gradio_with_the_pages_own_view_names(demo):
    """As make_app mounts it: the router before Gradio's catch-all, the views checked against the app's own names."""
    import gradio as gr

    app = FastAPI()
    app.include_router(live_routes(Registry(demo.links.handlers.known)))
    with TestClient(gr.mount_gradio_app(app, demo, path="/")) as client:
        code, key = start(client)
        model = demo.links.handlers.known.models[0]
        shown = client.post(f"/lab/live/{code}/show", json={"key": key, "view": f"?tab=sampling&model={model}"})
        assert shown.json()["view"] == {"tab": "sampling", "model": model}
        client.post(f"/lab/live/{code}/end", json={"key": key})
        assert "event: ended" in client.get(f"/lab/live/{code}/events", params={"key": key}).text


def test_the_class_pdf_is_for_the_teacher(client):
    code, key = start(client)
    ada = join(client, code, "Ada")
    client.post(f"/lab/live/{code}/ask", json={"key": key, "question": "schedules-faster-250"})
    client.post(f"/lab/live/{code}/answer", json={"token": ada["token"], "number": 1, "value": "linear"})
    pdf = client.get(f"/lab/live/{code}/export/class.pdf", params={"key": key})
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert f'filename="class-{code}.pdf"' in pdf.headers["content-disposition"]
    refused(client.get(f"/lab/live/{code}/export/class.pdf", params={"key": ada["token"]}), 403, "Only the teacher")
    refused(client.get(f"/lab/live/{code}/export/notes.txt", params={"key": key}), 404, "class.pdf")


def test_a_refusal_speaks_the_pages_language(client):
    """The dl_lang cookie, else Accept-Language: the sentence in that language; English without either."""
    refused(client.post("/lab/live/nope99/join", json={}, headers={"cookie": "dl_lang=de"}), 404,
            "Keine Klasse hat diesen Code")
    refused(client.post("/lab/live/nope99/join", json={}, headers={"accept-language": "zh-CN,zh;q=0.9"}), 404,
            "没有课堂使用这个代码")
    refused(client.post("/lab/live/nope99/join", json={}), 404, "No class has this code")
