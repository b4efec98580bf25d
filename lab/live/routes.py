"""The live class on the web: JSON routes under /lab/live beside Gradio, and the event stream (stream.py).

    POST /lab/live/classes                  {}                          -> {code, key, join}     start a class
    POST /lab/live/{code}/join              {nickname?}                 -> {student, nickname, token}
    POST /lab/live/{code}/leave             {token}
    POST /lab/live/{code}/show              {key, view}                 view: a link's query "?tab=…&t=…" or object
    POST /lab/live/{code}/ask               {key, question, view?}      -> {number}   question: an id of the bank
    POST /lab/live/{code}/reveal            {key, number?}              (default: the question on screen)
    POST /lab/live/{code}/close-question    {key, number?}
    POST /lab/live/{code}/hide-answer       {key, number, student, hidden?}
    POST /lab/live/{code}/hide-picture      {key, picture, hidden?}
    POST /lab/live/{code}/rename            {key, student, nickname?}   (none: "student <id>")
    POST /lab/live/{code}/end               {key}
    POST /lab/live/{code}/answer            {token, number, value}      -> {value}   as kept (on the widget's grid)
    POST /lab/live/{code}/gallery           {token, link, png?}         -> {picture}  png: a small PNG data URL
    GET  /lab/live/questions                                            the bank, without answers
    GET  /lab/live/{code}/state?key=                                    the teacher's state
    GET  /lab/live/{code}/events?key= | ?token=                         server-sent events (stream.py)
    GET  /lab/live/{code}/gallery/{picture}.png?key= | ?token=
    GET  /lab/live/{code}/export/{answers|summaries|gallery}.csv?key=
    GET  /lab/live/{code}/export/class.pdf?key=                         after class, on paper (handout.py)
    GET  /lab/live/{code}/qr.svg?key=                                   the join link as a QR code (qr.py)
    … /drawing, /train, /class-samples, …                               the class's model (model_routes.py)

Every refusal is JSON {"error": "<sentence>"} with its status (403: only the teacher leads; 404: no such class;
413: too large; 429: too many tries): never a traceback. Its sentence, and every other sentence a route writes (the
class model's, the handout's), is in the page's language: the request's dl_lang cookie, else its Accept-Language
(lab/i18n). The event stream writes no sentences: each page puts the class's state in its own language. The handlers
are `async def`, so every change to a class happens on the event loop that its streams wait on (changes.py)."""
from __future__ import annotations

import asyncio
import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from lab.i18n import headers_language, language, speaking, text
from lab.live.asked import LiveError
from lab.live.export import KINDS, export_csv
from lab.live.handout import class_pdf
from lab.live.live_class import LiveClass, Student
from lab.live.model_routes import model_routes
from lab.live.qr import qr_matrix, svg
from lab.live.questions import bank
from lab.live.registry import Registry
from lab.live.stream import events

log = logging.getLogger(__name__)
FAULT = "live.fault"  # lab/i18n
SAFE_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
STREAM_HEADERS = {**SAFE_HEADERS, "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # a proxy must not buffer


def refusal(status: int, sentence: str) -> JSONResponse:
    return JSONResponse({"error": sentence}, status_code=status, headers=SAFE_HEADERS)


class LiveRoute(APIRoute):
    """A route that speaks the page's language, whose LiveError becomes its JSON sentence, and whose fault a
    generic sentence (the log has it)."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def answered(request: Request) -> Response:
            with speaking(headers_language(request.headers)):
                try:
                    return await handler(request)
                except LiveError as refused:
                    return refusal(refused.status, refused.sentence)
                except Exception:
                    log.exception("live class: %s %s", request.method, request.url.path)
                    return refusal(500, text(FAULT))

        return answered


async def body_of(request: Request, max_bytes: int) -> dict:
    """The request's JSON object, read up to max_bytes."""
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > max_bytes:
        raise LiveError(413, "live.too_large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise LiveError(413, "live.too_large")
    try:
        data = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        raise LiveError(400, "live.json_object", example='{"nickname": "Ada"}')
    return data


def ok(**values) -> JSONResponse:
    return JSONResponse({"ok": True, **values}, headers=SAFE_HEADERS)


def client_of(request: Request) -> str:
    """Who tries codes (uvicorn reads X-Forwarded-For only from the proxies it trusts)."""
    return request.client.host if request.client else "unknown"


def live_routes(registry: Registry) -> APIRouter:
    router = APIRouter(route_class=LiveRoute)
    max_body = registry.bounds.max_body_bytes

    async def class_and_body(code: str, request: Request) -> tuple[LiveClass, dict]:
        return registry.find(code), await body_of(request, max_body)

    @router.post("/lab/live/classes")
    async def create(request: Request):
        await body_of(request, max_body)
        live = registry.create(client_of(request))
        return ok(code=live.code, key=live.key, join=f"/?live={live.code}")

    @router.post("/lab/live/{code}/join")
    async def join(code: str, request: Request):
        body = await body_of(request, max_body)
        live, student = registry.join(client_of(request), code, body.get("nickname"))
        return ok(code=live.code, student=student.id, nickname=student.nickname, token=student.token)

    @router.post("/lab/live/{code}/leave")
    async def leave(code: str, request: Request):
        live, body = await class_and_body(code, request)
        live.leave(body.get("token"))
        return ok()

    teacher_routes(router, class_and_body)
    student_routes(router, class_and_body)
    reading_routes(router, registry)
    model_routes(router, registry, class_and_body, ok, SAFE_HEADERS)  # the class's drawings and model
    return router


def teacher_routes(router: APIRouter, class_and_body):
    @router.post("/lab/live/{code}/show")
    async def show(code: str, request: Request):
        live, body = await class_and_body(code, request)
        live.show(body.get("key"), body.get("view"))
        return ok(view=live.view)

    @router.post("/lab/live/{code}/ask")
    async def ask(code: str, request: Request):
        live, body = await class_and_body(code, request)
        return ok(number=live.ask(body.get("key"), body.get("question"), body.get("view")).number)

    @router.post("/lab/live/{code}/reveal")
    async def reveal(code: str, request: Request):
        live, body = await class_and_body(code, request)
        live.reveal(body.get("key"), body.get("number"))
        return ok()

    @router.post("/lab/live/{code}/close-question")
    async def close_question(code: str, request: Request):
        live, body = await class_and_body(code, request)
        live.close_question(body.get("key"), body.get("number"))
        return ok()

    @router.post("/lab/live/{code}/hide-answer")
    async def hide_answer(code: str, request: Request):
        live, body = await class_and_body(code, request)
        live.hide_answer(body.get("key"), body.get("number"), body.get("student"), body.get("hidden", True))
        return ok()

    @router.post("/lab/live/{code}/hide-picture")
    async def hide_picture(code: str, request: Request):
        live, body = await class_and_body(code, request)
        live.hide_picture(body.get("key"), body.get("picture"), body.get("hidden", True))
        return ok()

    @router.post("/lab/live/{code}/rename")
    async def rename(code: str, request: Request):
        live, body = await class_and_body(code, request)
        live.rename(body.get("key"), body.get("student"), body.get("nickname"))
        return ok()

    @router.post("/lab/live/{code}/end")
    async def end(code: str, request: Request):
        live, body = await class_and_body(code, request)
        live.end(body.get("key"))
        return ok()


def student_routes(router: APIRouter, class_and_body):
    @router.post("/lab/live/{code}/answer")
    async def answer(code: str, request: Request):
        live, body = await class_and_body(code, request)
        return ok(value=live.answer(body.get("token"), body.get("number"), body.get("value")))

    @router.post("/lab/live/{code}/gallery")
    async def add_picture(code: str, request: Request):
        live, body = await class_and_body(code, request)
        return ok(picture=live.add_picture(body.get("token"), body.get("link"), body.get("png")).id)


def reader(live: LiveClass, request: Request) -> Student | None:
    """Who reads: None for the teacher (?key=), else the student (?token=); a 403 for anyone else."""
    key, token = request.query_params.get("key"), request.query_params.get("token")
    if key is not None:
        live.teacher(key)
        return None
    return live.student(token)


def reading_routes(router: APIRouter, registry: Registry):
    one_handout = asyncio.Lock()  # a PDF takes a core for a second or two: one at a time on the server
    @router.get("/lab/live/questions")
    async def questions():
        return JSONResponse([q.public() for q in bank().values()], headers=SAFE_HEADERS)

    @router.get("/lab/live/{code}/state")
    async def state(code: str, request: Request):
        live = registry.find(code)
        live.teacher(request.query_params.get("key"))
        return JSONResponse(live.for_teacher(), headers=SAFE_HEADERS)

    @router.get("/lab/live/{code}/events")
    async def stream(code: str, request: Request):
        live = registry.find(code)
        who = reader(live, request)
        if live.streams["teacher" if who is None else who.id] >= registry.bounds.max_streams_per_person:
            raise LiveError(429, "live.open_tabs")
        return StreamingResponse(events(live, who, registry.sweep), media_type="text/event-stream",
                                 headers=STREAM_HEADERS)

    @router.get("/lab/live/{code}/gallery/{name}")
    async def picture(code: str, name: str, request: Request):
        live = registry.find(code)
        teacher = reader(live, request) is None
        number = name.removesuffix(".png")
        found = next((p for p in live.gallery if str(p.id) == number and p.png is not None
                      and (teacher or not p.hidden)), None)  # a hidden picture: for the teacher's eyes only
        if found is None:
            raise LiveError(404, "live.no_picture")
        return Response(found.png, media_type="image/png", headers={**SAFE_HEADERS, "Cache-Control": "private"})

    @router.get("/lab/live/{code}/qr.svg")
    async def qr(code: str, request: Request):
        """For the teacher's projector (with the key: no way to test codes without the join's rate limit)."""
        live = registry.find(code)
        live.teacher(request.query_params.get("key"))
        link = f"{str(request.base_url).rstrip('/')}/?live={live.code}"
        return Response(svg(qr_matrix(link)), media_type="image/svg+xml", headers=SAFE_HEADERS)

    @router.get("/lab/live/{code}/export/{name}")
    async def export(code: str, name: str, request: Request):
        live = registry.find(code)
        live.teacher(request.query_params.get("key"))
        base = str(request.base_url).rstrip("/") + "/"
        if name == "class.pdf":  # drawn in a worker thread, one at a time: the event loop keeps serving the streams
            async with one_handout:
                pdf = await run_in_threadpool(class_pdf, live, base, language())
            return Response(pdf, media_type="application/pdf", headers={
                **SAFE_HEADERS, "Content-Disposition": f'attachment; filename="class-{live.code}.pdf"'})
        kind = name.removesuffix(".csv")
        if kind not in KINDS:
            raise LiveError(404, "live.exports")
        disposition = f'attachment; filename="class-{live.code}-{kind}.csv"'
        return Response(export_csv(live, kind, base),
                        media_type="text/csv; charset=utf-8", headers={**SAFE_HEADERS, "Content-Disposition":
                                                                       disposition})
