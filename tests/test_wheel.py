"""The packages as a user installs them: the sdist and the wheel carry every file `lab` and `diffusion_core` read at
run time, and the wheel, installed alone into a fresh virtual environment, starts `diffusion-lab` and serves its
page, a browser script, a model file, its health route and a live class."""
import json
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, _free_port

# files read at run time that are not Python modules (one of each kind)
RUNTIME_FILES = ("lab/static/js/browser_sampler.mjs", "lab/static/js/plan_executor.mjs", "lab/static/css/classroom.css",
                 "lab/static/ort/ort-wasm-simd-threaded.asyncify.wasm.gz", "lab/static/gifenc/gifenc.esm.js",
                 "lab/static/tfjs/tf.fesm.min.js", "lab/static/js/live_gallery.mjs", "lab/i18n/zh-CN.json",
                 "diffusion_core/evaluation/templates/diffusion_model.md", "diffusion_core/text/model_configs/")


def build(kind: str, out: Path) -> Path:
    """`kind` is 'wheel' or 'sdist', built from the working tree with the installed setuptools (no network)."""
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools' staging folder: a stale file would be packed
    code = f"from setuptools import build_meta as b; print(b.build_{kind}({str(out)!r}))"
    name = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True)
    return out / name.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    return build("wheel", tmp_path_factory.mktemp("dist"))


def test_the_sdist_and_the_wheel_carry_the_runtime_files(wheel, tmp_path):
    in_wheel = zipfile.ZipFile(wheel).namelist()
    with tarfile.open(build("sdist", tmp_path)) as sdist:
        in_sdist = ["/".join(n.split("/")[1:]) for n in sdist.getnames()]  # without the diffusion_lab-X.Y.Z/ folder
    for names in (in_wheel, in_sdist):
        for wanted in RUNTIME_FILES:
            assert any(n.startswith(wanted) for n in names), f"{wanted} is missing"


def fetch(url: str, method: str = "GET") -> tuple[int, bytes]:
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=30) as r:
        return r.status, r.read()


def test_the_wheel_alone_in_a_fresh_venv_serves_the_app(wheel, tmp_path):
    venv = tmp_path / "venv"  # the test tools' torch, gradio … are reused; diffusion-lab itself comes from the wheel
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)]
    subprocess.run(pip, check=True, cwd=tmp_path)
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import lab; print(lab.__file__)"], cwd=tmp_path,
                           check=True, capture_output=True, text=True).stdout
    assert str(venv) in where, f"lab came from {where}, not the wheel"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "app.log", "w")
    app = subprocess.Popen([str(venv / "bin" / "diffusion-lab"), "--models", str(ROOT / "pretrained"), "--port",
                            str(port)], cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(360):
            try:
                status, page = fetch(url + "/")
                break
            except OSError:
                assert app.poll() is None, "diffusion-lab exited: " + (tmp_path / "app.log").read_text()[-2000:]
                time.sleep(0.5)
        assert status == 200 and b"Diffusion Lab" in page
        status, script = fetch(url + "/lab/static/js/browser_sampler.mjs")
        assert status == 200 and b"export" in script
        config = json.loads(fetch(url + "/config")[1])
        assert config["components"]
        model = next(p.parent.name for p in sorted((ROOT / "pretrained").glob("*/model.onnx")))
        status, _ = fetch(f"{url}/lab/models/{model}/model.onnx", method="HEAD")
        assert status == 200
        assert json.loads(fetch(url + "/lab/health")[1])["models"]
        started = urllib.request.Request(url + "/lab/live/classes", data=b"{}", method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(started, timeout=30) as answer:  # a live class (lab/live), mounted beside Gradio
            assert len(json.load(answer)["code"]) == 6
    finally:
        app.terminate()
        app.wait(timeout=30)
