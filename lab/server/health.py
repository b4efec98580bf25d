"""GET /lab/health: what this server runs with, as JSON, for whoever looks after it (a teacher before class, a
Space's status check): the Gradio version and the range the app was verified on, which Gradio adjustments are
applied and which skipped (lab/server/gradio_tuning.py), and the models loaded or not.

The route is public (the app is on the open internet): a skipped adjustment or a model that failed to load is
published with a short fixed cause only. The reasons themselves (a path, a library's exception text) go to the
server's log: gradio_tuning logs each skip, and health_routes logs each model's problem once."""
from __future__ import annotations

import logging

from fastapi import APIRouter

from lab.server.gradio_tuning import SWITCHED_OFF
from lab.zoo import Zoo

log = logging.getLogger(__name__)
MODEL_PROBLEM = "could not be loaded"
INTERNALS_DIFFER = "Gradio's internals differ"


def published(report) -> dict:
    """The tuning Report as the route shows it: the reason of a skip only as 'switched off' or INTERNALS_DIFFER."""
    skipped = {name: "switched off" if why == SWITCHED_OFF else INTERNALS_DIFFER
               for name, why in report.skipped.items()}
    return {"gradio": report.gradio, "verified": report.verified, "applied": list(report.applied), "skipped": skipped}


def health_routes(report, zoo: Zoo) -> APIRouter:
    """report: the Report of gradio_tuning.tune (demo.lab_tuning)."""
    router = APIRouter()
    for name, problem in zoo.problems.items():
        log.warning("model %s %s: %s", name, MODEL_PROBLEM, problem)

    @router.get("/lab/health")
    def health() -> dict:
        return {"gradio": published(report),
                "models": {"loaded": zoo.names(), "problems": dict.fromkeys(zoo.problems, MODEL_PROBLEM)}}

    return router
