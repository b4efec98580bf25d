"""lab/server/health.py: GET /lab/health publishes a short fixed cause for a model that could not be loaded and for
a skipped Gradio adjustment, never the loader's or the check's own text (paths, exception text): that goes to the
log. (What it says of a working install: tests/lab/server/test_gradio_tuning.py.)"""
import logging

from fastapi import FastAPI
from fastapi.testclient import TestClient

from lab.server.gradio_tuning import SWITCHED_OFF, Report
from lab.server.health import INTERNALS_DIFFER, MODEL_PROBLEM, health_routes
from lab.zoo import Zoo

SECRET = "/srv/space/app/pretrained/badw/model.safetensors"


def test_problems_and_skips_are_published_as_fixed_causes_and_logged_in_full(caplog):
    zoo = Zoo(problems={"badw": f"could not load {SECRET}: SafetensorError: header too large",
                        "broken": f"{SECRET} is not valid JSON (Expecting ',' delimiter)"})
    report = Report(gradio="6.31.0", applied=["queue_wakeup"],
                    skipped={"light_sessions": f"[Errno 2] No such file or directory: '{SECRET}'",
                             "queue_analytics": SWITCHED_OFF})
    app = FastAPI()
    with caplog.at_level(logging.WARNING):
        app.include_router(health_routes(report, zoo))
    answer = TestClient(app).get("/lab/health")
    assert answer.status_code == 200 and SECRET not in answer.text and "Error" not in answer.text
    health = answer.json()
    assert health["models"] == {"loaded": [], "problems": {"badw": MODEL_PROBLEM, "broken": MODEL_PROBLEM}}
    assert health["gradio"]["skipped"] == {"light_sessions": INTERNALS_DIFFER, "queue_analytics": "switched off"}
    assert health["gradio"]["applied"] == ["queue_wakeup"] and health["gradio"]["gradio"] == "6.31.0"
    assert caplog.text.count(SECRET) == 2 and "header too large" in caplog.text  # the details: in the log
