"""lab/live/model_routes.py through FastAPI's TestClient: students send drawings, the teacher trains on the server
(its progress on the class's state), everyone draws pictures with their nearest drawing; every refusal a sentence."""
import time

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from lab.live.limits import Bounds
from lab.live.registry import Registry
from lab.live.routes import live_routes
from tests.lab.test_live_class import KNOWN
from tests.lab.test_live_class_drawings import stroke
from tests.lab.test_live_routes import join, refused, start


@pytest.fixture
def registry():
    return Registry(KNOWN, Bounds(class_model_steps=4, drawings_per_student=3))


@pytest.fixture
def client(registry):
    app = FastAPI()
    app.include_router(live_routes(registry))
    with TestClient(app) as client:  # one event loop: the training thread reports on it
        yield client


def send(client, code, token, column=14):
    return client.post(f"/lab/live/{code}/drawing", json={"token": token, "pixels": stroke(column)})


def trained_state(client, code, key) -> dict:
    for _ in range(600):
        model = client.get(f"/lab/live/{code}/state", params={"key": key}).json()["model"]
        if model["state"] != "training":
            return model
        time.sleep(0.1)
    raise AssertionError("the class model did not finish training in 60 s")


def test_draw_train_and_sample(client):
    code, key = start(client)
    ada, bo = join(client, code, "Ada"), join(client, code, "Bo")
    for i, column in enumerate((4, 9, 14, 19, 24)):
        sent = send(client, code, (ada, bo)[i % 2]["token"], column).json()
    assert sent == {"ok": True, "drawing": 5, "sent": 3, "of": 3}  # Ada's third
    assert client.get(f"/lab/live/{code}/drawings/mine", params={"token": bo["token"]}).json() \
        == {"ok": True, "sent": 2, "of": 3}
    png = client.get(f"/lab/live/{code}/drawing/2.png", params={"key": key})
    assert png.headers["content-type"] == "image/png" and png.headers["x-content-type-options"] == "nosniff"
    assert client.post(f"/lab/live/{code}/train", json={"key": key}).json() == {"ok": True, "steps": 4}
    model = trained_state(client, code, key)
    assert model["state"] == "trained" and model["step"] == 4 and len(model["pictures"]) == 4
    assert [d["nickname"] for d in model["drawings"]] == ["Ada", "Bo", "Ada", "Bo", "Ada"]
    found = client.post(f"/lab/live/{code}/class-samples", json={"token": bo["token"], "seed": 3}).json()
    assert found["seed"] == 3 and len(found["pictures"]) == 4 and "pixel distance" in found["distance"]
    assert {"picture", "nearest", "drawing", "distance", "near_copy", "nickname"} <= set(found["pictures"][0])
    assert client.post(f"/lab/live/{code}/class-samples", json={"key": key}).json()["ok"]


def test_refusals_are_sentences(client, registry):
    code, key = start(client)
    ada = join(client, code, "Ada")
    refused(client.post(f"/lab/live/{code}/drawing", json={"token": ada["token"], "pixels": [0.5] * 784}),
            400, "draw something first")
    refused(client.post(f"/lab/live/{code}/drawing", json={"token": ada["token"], "pixels": "a picture"}),
            400, "784 numbers from 0 to 1")
    refused(client.post(f"/lab/live/{code}/drawing", json={"token": "nobody", "pixels": stroke()}), 403,
            "not in this class")
    for column in (4, 9, 14):
        send(client, code, ada["token"], column)
    refused(send(client, code, ada["token"], 20), 409, "You have sent your 3 drawings")
    refused(client.post(f"/lab/live/{code}/train", json={"key": ada["token"]}), 403, "Only the teacher")
    refused(client.post(f"/lab/live/{code}/train", json={"key": key}), 409, "at least 4")
    refused(client.post(f"/lab/live/{code}/class-samples", json={"token": ada["token"]}), 409, "not trained yet")
    refused(client.get(f"/lab/live/{code}/drawing/1.png", params={"token": ada["token"]}), 403, "Only the teacher")
    refused(client.get(f"/lab/live/{code}/drawing/9.png", params={"key": key}), 404, "no such drawing")
    refused(client.post(f"/lab/live/{code}/hide-drawing", json={"key": key, "drawing": 9}), 404, "no such drawing")
    assert client.post(f"/lab/live/{code}/hide-drawing", json={"key": key, "drawing": 1}).json() == {"ok": True}


def test_the_next_teacher_hears_when_the_server_is_free(client, registry):
    first, second = start(client), start(client)
    for code, _ in (first, second):
        for column in (4, 9, 14, 19):
            send(client, code, join(client, code)["token"], column)
    registry.training.take("OTHER1", 1000)  # a class's training holds the server
    refused(client.post(f"/lab/live/{second[0]}/train", json={"key": second[1]}), 409,
            "Another class is training its model on this server")
    registry.training.release()
    assert client.post(f"/lab/live/{second[0]}/train", json={"key": second[1]}).json()["ok"]
    assert trained_state(client, *second)["state"] == "trained"
    assert trained_state(client, *first)["state"] == "idle"  # the other class's drawings stay its own
