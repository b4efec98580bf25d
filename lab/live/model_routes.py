"""The class model's routes (class_model.py), beside the class's own (routes.py mounts them):

    POST /lab/live/{code}/drawing         {token, pixels}            -> {drawing, sent, of}   pixels: 784 in [0, 1]
    GET  /lab/live/{code}/drawings/mine?token=                       -> {sent, of}
    POST /lab/live/{code}/hide-drawing    {key, drawing, hidden?}
    POST /lab/live/{code}/train           {key}                      -> {steps}   one training per server at a time
    POST /lab/live/{code}/class-samples   {key | token, seed?}       -> {pictures, sentence, distance, seed}
    GET  /lab/live/{code}/drawing/{id}.png?key=                      a drawing, for the teacher's page

Refusals are JSON sentences (routes.LiveRoute): a student asking to train gets a 403, the next teacher a 409 saying
when the server's training should be done."""
from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import Response

from lab.live.class_model import add_drawing, class_samples, hide_drawing, start_training
from lab.live.registry import Registry


def model_routes(router: APIRouter, registry: Registry, class_and_body, ok, safe_headers: dict):
    @router.post("/lab/live/{code}/drawing")
    async def drawing(code: str, request: Request):
        live, body = await class_and_body(code, request)
        return ok(**add_drawing(live, body.get("token"), body.get("pixels")))

    @router.get("/lab/live/{code}/drawings/mine")
    async def mine(code: str, request: Request):
        live = registry.find(code)
        student = live.student(request.query_params.get("token"))
        return ok(sent=live.class_model.drawings.sent_by(student.id), of=live.bounds.drawings_per_student)

    @router.post("/lab/live/{code}/hide-drawing")
    async def hide(code: str, request: Request):
        live, body = await class_and_body(code, request)
        hide_drawing(live, body.get("key"), body.get("drawing"), body.get("hidden", True))
        return ok()

    @router.post("/lab/live/{code}/train")
    async def train(code: str, request: Request):
        live, body = await class_and_body(code, request)
        loop = asyncio.get_running_loop()

        def run_on(fn):  # from the training thread: on the loop the class's streams wait on (changes.py)
            try:
                loop.call_soon_threadsafe(fn)
            except RuntimeError:  # the server stopped
                pass

        return ok(steps=start_training(live, body.get("key"), registry.training, run_on).steps)

    @router.post("/lab/live/{code}/class-samples")
    async def samples(code: str, request: Request):
        live, body = await class_and_body(code, request)
        return ok(**await class_samples(live, body, registry.training))

    @router.get("/lab/live/{code}/drawing/{name}")
    async def drawing_png(code: str, name: str, request: Request):
        live = registry.find(code)
        live.teacher(request.query_params.get("key"))
        number = name.removesuffix(".png")
        png = live.class_model.drawings.png(int(number) if number.isdigit() else -1)
        return Response(png, media_type="image/png", headers={**safe_headers, "Cache-Control": "private"})
