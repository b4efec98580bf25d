"""lab/server/input_gate.py: every event's raw inputs are checked by the app before Gradio touches them. Through the
app as `python app.py` serves it (mounted, not launched) and plain HTTP: files from outside the upload folder are
refused with one sentence, every dependency of /config survives a fuzz of wrong values, and the mounted routes refuse
traversal."""
import inspect
import io
import logging
import math
import os
import uuid
from pathlib import Path

import gradio as gr
import httpx
import pytest
from PIL import Image

from lab.demo import PUBLIC_API
from lab.i18n import text
from lab.server.input_gate import FILE_ONLY_FROM_PAGE, check_for, checked_inputs, guard_inputs
from lab.server.static_files import STATIC
from tests.lab.messages import RAW
from tests.lab.raw_api import call, file_data, upload

ROOT = Path(__file__).resolve().parents[3]


def test_gradio_still_preprocesses_where_the_gate_stands():
    """The one Gradio internal the gate relies on: Blocks.preprocess_data(block_fn, inputs, state, explicit_call),
    called by process_api on each event's raw values. If this fails, lab/server/input_gate.py must follow Gradio."""
    assert list(inspect.signature(gr.Blocks.preprocess_data).parameters) == ["self", "block_fn", "inputs", "state",
                                                                             "explicit_call"]
    assert "self.preprocess_data(" in inspect.getsource(gr.Blocks.process_api)


def test_every_input_of_the_app_has_a_check(served_demo):
    for block_fn in served_demo.fns.values():
        for block in block_fn.inputs:
            assert block.stateful or check_for(block)
    with gr.Blocks() as unknown:
        gr.ColorPicker().change(lambda c: c, gr.ColorPicker(), None)
    with pytest.raises(TypeError, match="no check for ColorPicker"):
        guard_inputs(unknown)


def test_values_are_checked_against_the_session_s_component(served_demo):
    fn = next(f for f in served_demo.fns.values() if f.name == "update_denoise")
    good = [None if b.stateful else b.value for b in fn.inputs]
    t = next(i for i, b in enumerate(fn.inputs) if getattr(b, "label", None) == "t")
    assert checked_inputs(fn, good, None)[t] == good[t]
    bad = list(good)
    bad[t] = "1e30"
    with pytest.raises(ValueError, match="between 0 and"):
        checked_inputs(fn, bad, None)
    with pytest.raises(ValueError, match=f"takes {len(fn.inputs)} values"):
        checked_inputs(fn, good[:2], None)


# --- through the served app (tests/lab/conftest.py: app, served_demo) ------------------------------------------

@pytest.fixture(scope="module")
def config(app):
    return httpx.get(app + "/config", timeout=30).json()


def png_bytes(colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return buffer.getvalue()


def file_inputs(served_demo):
    """(fn_index, position, kind) of every input that takes a file: uploads and drawings."""
    return [(i, k, "drawing" if isinstance(b, gr.ImageEditor) else "picture") for i, f in served_demo.fns.items()
            if f.fn for k, b in enumerate(f.inputs) if isinstance(b, (gr.Image, gr.ImageEditor))]


def defaults(served_demo, fn_index) -> list:
    return [None if b.stateful else (0 if isinstance(b, gr.Dataset) else b.value)
            for b in served_demo.fns[fn_index].inputs]


def told(answer: dict, api_name: str | None) -> list[tuple]:
    """The (title, sentence) pairs the caller was told: the page's toasts (the event succeeds, every output kept), or
    for a script's endpoint (lab/demo.PUBLIC_API) the error it raises."""
    if api_name in PUBLIC_API and not answer["success"]:
        return [(answer.get("title"), answer.get("error"))]
    assert answer["success"], answer  # never Gradio's generic "Error"
    return answer["logs"]


def test_files_from_outside_the_upload_folder_get_one_sentence(served_demo, app, tmp_path, request):
    outside_picture = tmp_path / "private.png"
    outside_picture.write_bytes(png_bytes())
    uploaded = upload(app, "mine.png", png_bytes())
    link = Path(uploaded).parent / f"link-{uuid.uuid4().hex}.png"  # in the upload folder, to a picture outside it
    os.symlink(outside_picture, link)
    request.addfinalizer(link.unlink)
    paths = [str(outside_picture), str(ROOT / "app.py"), "/no/such/dir/missing.png", str(link),
             str(Path(uploaded).parent / ".." / ".." / "etc" / "passwd"), "../../../../etc/passwd",
             "http://127.0.0.1:1/x.png", "", "/proc/self/environ"]
    targets = file_inputs(served_demo)
    assert {kind for *_, kind in targets} == {"picture", "drawing"} and len(targets) >= 4
    for fn_index, position, kind in targets:
        for path in paths:
            data = defaults(served_demo, fn_index)
            data[position] = (file_data(path) if kind == "picture" else
                              {"background": None, "layers": [], "composite": file_data(path), "id": None})
            answer = call(app, fn_index, data)
            sentences = told(answer, served_demo.fns[fn_index].api_name)
            assert sentences == [("Please check", text(FILE_ONLY_FROM_PAGE))], (path, answer)
    choose_upload = next(i for i, f in served_demo.fns.items() if f.name == "choose_upload")
    answer = call(app, choose_upload, [file_data(uploaded)])  # a real upload is the student's picture
    assert answer["success"] and answer["logs"] == [] and answer["output"][2] is not None


def test_an_upload_reaches_gradio_rebuilt_from_its_path_alone(served_demo, app):
    """A file nested in another field, a url, odd sizes or names: none of it reaches Gradio (which would copy a
    nested file into its cache, fetch a url, or fail on a wrong type)."""
    uploaded = upload(app, "mine.png", png_bytes())
    choose_upload = next(i for i, f in served_demo.fns.items() if f.name == "choose_upload")
    nested = {"path": uploaded, "url": "http://example.org/x.png", "size": "big", "orig_name": [1], "mime_type": 5,
              "is_stream": "", "meta": {"_type": "x", "f": file_data("/etc/passwd")}}
    assert checked_inputs(served_demo.fns[choose_upload], [nested], None) == [file_data(os.path.realpath(uploaded))]
    answer = call(app, choose_upload, [nested])
    assert answer["success"] and answer["logs"] == [] and answer["output"][2] is not None
    drawing = next(i for i, f in served_demo.fns.items() if f.name == "choose_drawing")
    layers = {"background": None, "layers": [file_data(uploaded)], "composite": file_data(uploaded),
              "id": {"path": "/etc/passwd"}}
    assert checked_inputs(served_demo.fns[drawing], [layers], None)[0]["id"] is None


def test_pictures_are_measured_before_gradio_decodes_them(served_demo, app):
    big = io.BytesIO()
    Image.new("L", (2000, 1500)).save(big, "PNG")  # 3 megapixels: a 10-kB file Gradio would decode for a drawing
    uploaded = upload(app, "big.png", big.getvalue())
    drawing = next(i for i, f in served_demo.fns.items() if f.name == "choose_drawing")
    answer = call(app, drawing, [{"background": None, "layers": [], "composite": file_data(uploaded), "id": None}])
    assert answer["success"] and "2000×1500 pixels" in answer["logs"][0][1]
    text = upload(app, "notes.png", b"not a picture at all")
    answer = call(app, drawing, [{"background": None, "layers": [], "composite": file_data(text), "id": None}])
    assert "not a picture" in answer["logs"][0][1]


TRAVERSALS = ["../../app.py", "..%2f..%2fapp.py", "%2e%2e/%2e%2e/app.py", "/etc/passwd", "%2fetc%2fpasswd",
              "js/../../launch.py", "js/%2e%2e/%2e%2e/launch.py", "....//....//app.py", "js/..%5c..%5capp.py"]


def test_mounted_routes_refuse_traversal(app, tmp_path, classroom):
    assert httpx.get(app + "/lab/static/js/page.js").headers["x-content-type-options"] == "nosniff"
    link = STATIC / "js" / "test_link_out.mjs"
    os.symlink(ROOT / "app.py", link)
    try:
        for path in TRAVERSALS + ["js/test_link_out.mjs"]:
            r = httpx.get(f"{app}/lab/static/{path}")
            assert r.status_code == 404 and b"limit_malloc_arenas" not in r.content, path
    finally:
        link.unlink()
    for name in ["..", "..%2f..%2fapp.py", "%2e%2e", "tiny_cond%2f..%2f..", "missing"]:
        r = httpx.get(f"{app}/lab/models/{name}/model.onnx")
        assert r.status_code == 404 and b"onnx" not in r.content[:4], name
    exports = classroom.exports.root.resolve()
    exports.mkdir(parents=True, exist_ok=True)
    link = exports / f"link-{uuid.uuid4().hex}.py"  # a link in the exports folder to a file outside it
    os.symlink(ROOT / "app.py", link)
    try:
        for path in [f"{exports}/../../etc/passwd", f"{exports}/..%2f..%2fetc%2fpasswd", str(ROOT / "app.py"),
                     f"{exports}%2f..%2f..%2fetc%2fpasswd", str(link)]:
            r = httpx.get(f"{app}/gradio_api/file={path}")
            assert r.status_code in (403, 404) and b"root:" not in r.content, path
            assert b"limit_malloc_arenas" not in r.content, path
    finally:
        link.unlink()


# --- the fuzz ---------------------------------------------------------------------------------------------------

WRONG = ["some text", [1, 2], {"a": 1}, None, True, "", math.nan, math.inf, -math.inf, "1e30", 10**400, -5,
         10**9, "<img src=x onerror=alert(1)>", {"path": "/etc/passwd", "meta": {"_type": "gradio.FileData"}}, False,
         " ", 0.5, "NaN", [], "x" * 20_000]
PER_INPUT = 2  # wrong values per input: each value of WRONG is used many times over the whole app
GRADIO_GENERIC = ("Error", None, "")


def fuzz_cases(config):
    """(dependency id, data, event data) for every dependency with a backend function (hidden ones included): the
    components' own values, with PER_INPUT wrong values at each input in turn; one call for a dependency without inputs.
    Dependencies that repeat the same function on the same inputs are fuzzed once."""
    components = {c["id"]: c for c in config["components"]}
    seen, cases, k = set(), [], 0
    for dep in config["dependencies"]:
        if not dep.get("backend_fn"):
            continue
        key = (dep.get("api_name", "").rstrip("_0123456789"), tuple(dep["inputs"]))
        if key in seen:
            continue
        seen.add(key)
        good = [components[c]["props"].get("value") if components[c]["type"] != "dataset" else 0
                for c in dep["inputs"]]
        cases.append((dep["id"], list(good), None))
        cases.append((dep["id"], list(good), WRONG[k % len(WRONG)]))  # the event's data is the client's too
        for position, component in enumerate(dep["inputs"]):
            if components[component]["type"] == "state":
                continue
            for _ in range(PER_INPUT):
                data = list(good)
                data[position] = WRONG[k % len(WRONG)]
                k += 1
                cases.append((dep["id"], data, None))
    return cases


def test_every_dependency_answers_wrong_values_with_the_app_s_own_sentences(app, config, caplog, capfd, monkeypatch):
    import lab.tabs.playground

    monkeypatch.setattr(lab.tabs.playground, "TRAIN_SECONDS", 1)  # a Train that runs is cut short: what is tested
    cases = fuzz_cases(config)                                       # here is the refusals, not the training
    assert 150 < len(cases) < 800, len(cases)  # bounded: a few hundred calls
    api_names = {dep["id"]: dep.get("api_name") for dep in config["dependencies"]}
    by_dependency = {}
    with caplog.at_level(logging.INFO):
        for dep_id, data, event_data in cases:
            answer = call(app, dep_id, data, event_data=event_data)
            sentences = told(answer, api_names[dep_id])
            for title, text in sentences:
                assert title == "Please check" and not RAW.search(text) and "<" not in text, (dep_id, data, text)
            passed = by_dependency.setdefault(dep_id, [0, 0])
            passed[bool(sentences)] += 1
    assert httpx.get(app + "/", timeout=30).status_code == 200  # still serving pages
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "a fault was logged"
    assert "Traceback" not in capfd.readouterr().err
    names = {dep["id"]: dep.get("api_name") or f"js {dep['id']}" for dep in config["dependencies"]}
    print("\nfuzz cases per endpoint (ran normally / refused with a sentence):")
    for dep_id, (ran, refused) in by_dependency.items():
        print(f"  {names[dep_id]:40s} {ran:3d} / {refused:3d}")
