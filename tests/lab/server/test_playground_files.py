"""lab/server/playground_files.py: tab 6's page gets the engine's training spec, the preset's points, the shared
presets' weights and the 2-D plans as JSON, cached (ETag, 304), and a 404 for anything the tab does not offer."""
import pytest
import torch
from fastapi import FastAPI
from fastapi.testclient import TestClient

from diffusion_core.plans import plan_from_json
from diffusion_core.toy2d import sample_dataset
from diffusion_core.toy2d.browser import FORMAT, floats_from_b64, model_from_spec, toy2d_plan
from diffusion_core.toy2d.presets import TRAIN_POINTS
from lab.lessons.playground import SHOWN_DATA, Presets
from lab.server.playground_files import playground_routes


@pytest.fixture(scope="module")
def client():
    app = FastAPI()
    app.include_router(playground_routes(Presets, SHOWN_DATA))
    return TestClient(app)


def test_the_spec_is_the_engines_and_a_second_ask_costs_a_304(client):
    answer = client.get("/lab/playground/spec/ddpm.json")
    spec = answer.json()
    assert spec["format"] == FORMAT and spec["objective"] == "ddpm" and spec["process"]["kind"] == "ddpm"
    assert model_from_spec(spec).net.config.prediction_type == "eps"
    again = client.get("/lab/playground/spec/ddpm.json", headers={"if-none-match": answer.headers["etag"]})
    assert again.status_code == 304


def test_the_data_are_the_presets_training_points(client):
    data = client.get("/lab/playground/data/two_moons.json").json()
    train = floats_from_b64(data["train"], (-1, 2))
    assert train.shape == (TRAIN_POINTS, 2) and torch.equal(train, sample_dataset("two_moons", TRAIN_POINTS, 0))


def test_plans_and_presets_come_for_what_the_tab_offers_only(client):
    plan = plan_from_json(client.get("/lab/playground/plan/flow_matching/heun/12.json").text)
    assert plan == toy2d_plan("flow_matching", "heun", 12) and plan["shape"] == [2]
    assert set(client.get("/lab/playground/preset/rings/flow_matching.json").json()["weights"]) >= {"out.weight"}
    for path in ("plan/ddpm/euler/10.json", "plan/flow_matching/euler/0.json", "plan/flow_matching/euler/1001.json",
                 "spec/vae.json", "data/mnist.json", "preset/drawing/ddpm.json", "data/..%2F..%2Fapp.py.json"):
        assert client.get(f"/lab/playground/{path}").status_code == 404, path
