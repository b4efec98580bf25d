"""lab/server/shared_responses.py: what every page fetches alike is computed once and replayed byte for byte; anything
per-user, conditional, partial or with a cookie passes through; memory stays under its bound."""

import pytest
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient

from lab.server.shared_responses import SharedResponses


def counting_app():
    """A stand-in for Gradio: each path answers with its name and how many times the app computed it."""
    app, computed = FastAPI(), {}

    def answer(path: str, **headers) -> Response:
        computed[path] = computed.get(path, 0) + 1
        media_type = "text/html" if path == "/" else "text/plain"
        return Response(f"{path} #{computed[path]} ".encode() * 50, media_type=media_type, headers=headers)

    app.get("/")(lambda: answer("/"))
    app.get("/assets/{name}")(lambda name: answer(f"/assets/{name}"))
    app.post("/assets/{name}")(lambda name: answer(f"/assets/{name}"))
    app.get("/gradio_api/file={name:path}")(lambda name: answer(f"/file/{name}"))
    app.get("/gradio_api/queue/data")(lambda: answer("/queue"))
    app.get("/static/cookie")(lambda: answer("/cookie", **{"set-cookie": "a=1"}))
    return app, computed


@pytest.fixture
def served():
    app, computed = counting_app()
    shared = SharedResponses(app, max_bytes=10_000)
    return TestClient(shared), shared, computed


def test_a_hashed_file_is_computed_once_and_replayed_with_a_years_cache(served):
    client, shared, computed = served
    first, second = client.get("/assets/index-abc.js"), client.get("/assets/index-abc.js")
    assert first.content == second.content and computed["/assets/index-abc.js"] == 1
    assert second.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert int(second.headers["content-length"]) == len(second.content)
    assert (shared.hits, shared.misses) == (1, 1)


def test_the_page_goes_out_gzipped_once_compressed(served):
    client, shared, _ = served
    plain = client.get("/", headers={"accept-encoding": "identity"})
    zipped = client.get("/", headers={"accept-encoding": "gzip"})  # computed again (#2), the client decodes it
    assert zipped.headers["content-encoding"] == "gzip" and zipped.text == plain.text.replace("#1", "#2")
    again = client.get("/", headers={"accept-encoding": "gzip"})
    assert again.text == zipped.text and int(again.headers["content-length"]) < len(plain.content) / 5
    assert shared.hits == 1 and computed_once(shared, "/")


def computed_once(shared, path: str) -> bool:
    return sum(key[0] == path for key in shared.answers) == 2  # one answer per accepted encoding


def test_per_user_conditional_partial_and_cookie_answers_pass_through(served):
    client, shared, computed = served
    for _ in range(2):
        client.get("/gradio_api/queue/data")
        client.get("/assets/a.js", headers={"range": "bytes=0-9"})
        client.get("/static/cookie")
    client.post("/assets/a.js")
    assert computed["/queue"] == 2 and computed["/assets/a.js"] == 3 and computed["/cookie"] == 2
    assert shared.hits == 0 and not shared.answers


def test_a_gradio_file_is_kept_once_a_second_student_asks(served):
    client, shared, computed = served
    bodies = [client.get("/gradio_api/file=/tmp/gradio/x.png").content for _ in range(3)]
    assert computed["/file//tmp/gradio/x.png"] == 2 and bodies[1] == bodies[2] and shared.hits == 1


def test_memory_stays_under_the_bound(served):
    client, shared, _ = served
    for i in range(30):  # each answer ~1 kB against a 10 kB bound
        client.get(f"/assets/{i}.js")
    assert shared.bytes <= 10_000 and len(shared.answers) < 30
    assert shared.bytes == sum(len(body) for _, _, body in shared.answers.values())
    assert ("/assets/29.js",) == next(reversed(shared.answers))[:1]  # the newest stays


def test_the_browser_samplers_scripts_are_read_once_and_replayed(classroom):
    from lab.server.static_files import browser_routes

    app = FastAPI()
    app.include_router(browser_routes(classroom.zoo))
    shared = SharedResponses(app)
    client = TestClient(shared)
    first, second = (client.get("/lab/static/js/plan_executor.mjs") for _ in range(2))
    assert first.status_code == 200 and first.content == second.content and b"export" in second.content
    assert (shared.hits, shared.misses) == (1, 1) and second.headers["etag"] == first.headers["etag"]
    assert client.get("/lab/models/missing/model.onnx").status_code == 404  # a refusal is not kept
    assert client.get("/lab/models/missing/model.onnx").status_code == 404 and shared.hits == 1
