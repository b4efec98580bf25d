"""What tab 6's page fetches to train and sample in the student's browser (lab/static/js/playground_page.mjs): the same
JSON for every student, made once per server and sent with an ETag, so a class costs the server one answer each.

    /lab/playground/spec/<objective>.json               diffusion_core.toy2d.browser.training_spec (seed 0)
    /lab/playground/data/<dataset>.json                 {"train": the preset's TRAIN_POINTS (seed 0), "shown":
                                                         SHOWN_DATA points (seed 1), "fresh": FIT_POINTS (seed 2)},
                                                         float32 base64
    /lab/playground/preset/<dataset>/<objective>.json   the shared preset's weights (weights_json)
    /lab/playground/plan/<objective>/<sampler>/<n>.json the 2-D sampling plan (toy2d_plan), n sampler steps
"""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from fastapi import APIRouter, HTTPException, Request, Response

from diffusion_core.plans import plan_to_json
from diffusion_core.toy2d import DATASETS, SAMPLERS, sample_dataset
from diffusion_core.toy2d.browser import floats_b64, toy2d_plan, training_spec, weights_json
from diffusion_core.toy2d.presets import TRAIN_POINTS
from lab.server.static_files import CACHE_CONTROL, SAFE_HEADERS

FIT_POINTS = 1000  # the page's fit measure: its samples against this many fresh data points
MAX_PLAN_STEPS = 1000


class Documents:
    """The JSON of each file, made once. presets() -> the class's shared presets (lessons.playground.Presets: .get(
    dataset, objective) -> ToyModel), asked on the first preset's request; shown: the faint data points a panel
    shows (lessons.playground.SHOWN_DATA)."""

    def __init__(self, presets, shown: int):
        self.presets, self.shown = lru_cache(maxsize=1)(presets), shown
        self.get = lru_cache(maxsize=256)(self.make)

    def make(self, kind: str, *key) -> bytes:
        if kind == "spec":
            body = training_spec(key[0])
        elif kind == "data":
            body = {name: floats_b64(sample_dataset(key[0], n, seed)) for name, n, seed
                    in (("train", TRAIN_POINTS, 0), ("shown", self.shown, 1), ("fresh", FIT_POINTS, 2))}
        elif kind == "preset":
            body = {"weights": weights_json(self.presets().get(*key).net)}
        else:
            return plan_to_json(toy2d_plan(*key)).encode()
        return json.dumps(body, separators=(",", ":")).encode()


def json_response(body: bytes, request: Request) -> Response:
    etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, **SAFE_HEADERS}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def checked(value: str, allowed) -> str:
    if value not in allowed:
        raise HTTPException(404, headers=SAFE_HEADERS)
    return value


def playground_routes(presets, shown: int) -> APIRouter:
    """The routes above; presets and shown as Documents takes them."""
    router, document = APIRouter(), Documents(presets, shown).get

    @router.get("/lab/playground/spec/{objective}.json")
    def spec(objective: str, request: Request):
        return json_response(document("spec", checked(objective, SAMPLERS)), request)

    @router.get("/lab/playground/data/{dataset}.json")
    def data(dataset: str, request: Request):
        return json_response(document("data", checked(dataset, DATASETS)), request)

    @router.get("/lab/playground/preset/{dataset}/{objective}.json")
    def preset(dataset: str, objective: str, request: Request):
        return json_response(document("preset", checked(dataset, DATASETS), checked(objective, SAMPLERS)), request)

    @router.get("/lab/playground/plan/{objective}/{sampler}/{num_steps}.json")
    def plan(objective: str, sampler: str, num_steps: int, request: Request):
        checked(sampler, SAMPLERS.get(objective, ()))
        if not 1 <= num_steps <= MAX_PLAN_STEPS:
            raise HTTPException(404, headers=SAFE_HEADERS)
        return json_response(document("plan", objective, sampler, num_steps), request)

    return router
