"""GET /lab/health: what this server runs with, as JSON, for whoever looks after it (a teacher before class, a
Space's status check): the Gradio version and the range the app was verified on, which Gradio adjustments are
applied and why any was skipped (lab/server/gradio_tuning.py), and the models loaded or not."""
from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from lab.zoo import Zoo


def health_routes(report, zoo: Zoo) -> APIRouter:
    """report: the Report of gradio_tuning.tune (demo.lab_tuning)."""
    router = APIRouter()

    @router.get("/lab/health")
    def health() -> dict:
        return {"gradio": asdict(report), "models": {"loaded": zoo.names(), "problems": dict(zoo.problems)}}

    return router
