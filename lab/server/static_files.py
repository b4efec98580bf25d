"""The files a student's browser fetches to sample on its own: onnxruntime-web and the sampler's JavaScript
(lab/static/, served with the repository: no network needed) and each model's model.onnx.

    /lab/static/<path>            lab/static/<path>; a .wasm is stored gzipped (.wasm.gz) and sent as such with
                                  Content-Encoding: gzip, which every browser decodes (the files stay under 10 MB)
    /lab/models/<name>/model.onnx that model folder's export; the page asks for it with ?v=<weights digest>

Every answer carries an ETag and Cache-Control, so thirty students cost the server one download each at most and a
reload costs a 304."""
from __future__ import annotations

import gzip
import mimetypes
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request, Response

from lab.zoo import Zoo

STATIC = Path(__file__).resolve().parents[1] / "static"  # lab/static/
CACHE_CONTROL = "public, max-age=86400"  # a day; a new version of a file changes its ETag
SAFE_HEADERS = {"X-Content-Type-Options": "nosniff"}  # a browser uses each file as the type it is sent as, only
TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
         ".onnx": "application/octet-stream"}


def file_response(path: Path, request: Request, media_type: str | None = None, gzipped: bool = False) -> Response:
    """path's bytes with caching headers; 304 when the browser already holds this version."""
    stat = path.stat()
    etag = f'"{stat.st_size:x}-{stat.st_mtime_ns:x}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, **SAFE_HEADERS}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    body = path.read_bytes()
    if gzipped and "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
    elif gzipped:
        body = gzip.decompress(body)
    media_type = (media_type or TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
                  or "application/octet-stream")
    return Response(body, media_type=media_type, headers=headers)


def static_file(relative: str) -> tuple[Path, bool]:
    """(file, gzipped) for a path under lab/static; a 404 for anything else (no way out of the folder)."""
    path = (STATIC / relative).resolve()  # '..', an absolute path or a link out of the folder: outside STATIC
    if STATIC not in path.parents:
        raise HTTPException(404, headers=SAFE_HEADERS)
    if path.is_file():
        return path, False
    if path.suffix == ".wasm" and path.with_name(path.name + ".gz").is_file():
        return path.with_name(path.name + ".gz"), True
    raise HTTPException(404, headers=SAFE_HEADERS)


def browser_routes(zoo: Zoo) -> APIRouter:
    router = APIRouter()

    @router.api_route("/lab/static/{relative:path}", methods=["GET", "HEAD"])
    def static(relative: str, request: Request):
        path, gzipped = static_file(relative)
        media_type = TYPES.get(Path(relative).suffix) if gzipped else None
        return file_response(path, request, media_type, gzipped)

    @router.api_route("/lab/models/{name}/model.onnx", methods=["GET", "HEAD"])
    def model(name: str, request: Request):
        pipe = zoo.pipelines.get(name)
        path = Path(pipe.info["path"]) / "model.onnx" if pipe is not None else None
        if path is None or not path.is_file():
            raise HTTPException(404, "no browser export of this model", headers=SAFE_HEADERS)
        return file_response(path, request)

    return router
