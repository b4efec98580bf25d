"""End to end in a real browser: start `python app.py`, open each tab in headless Chromium, move the
t slider, denoise, generate, and check that pictures appear. Screenshots go to $SCREENSHOT_DIR
(default: screenshots/), which CI keeps."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.browser import chromium_path, walk_through
from tests.conftest import ROOT
from tests.fixtures import make_tiny_models


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served_app(tmp_path_factory):
    if chromium_path() is None:
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    pytest.importorskip("playwright")
    env = {**os.environ, "GRADIO_SERVER_PORT": str(_free_port()), "GRADIO_ANALYTICS_ENABLED": "False"}
    if not any((ROOT / "pretrained").glob("*/model.safetensors")):
        env["DIFFUSION_LAB_MODELS"] = str(make_tiny_models(tmp_path_factory.mktemp("models")))
    url = f"http://127.0.0.1:{env['GRADIO_SERVER_PORT']}/"
    log = open(tmp_path_factory.mktemp("log") / "app.log", "w")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                assert proc.poll() is None, "the app exited during start-up"
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_every_tab_in_chromium(served_app):
    out = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "screenshots"))
    seen = walk_through(served_app, out)
    print("\nscreenshots:", sorted(str(p) for p in out.glob("*.png")))
    assert seen["equation_changed"] and "x_t = √ᾱ_t" in seen["equation"]
    assert seen["tab1_images"] >= 10 and seen["tab3_images"] >= 15
    assert "model evaluations" in seen["tab4_status"]
    assert seen["errors"] == 0
    if seen["tab5_live"]:  # with a CLIP-conditioned model: generated images and nearest neighbours appear
        assert seen["tab5_images"] >= 8
    for name in ("tab1_forward", "tab2_schedules", "tab3_denoise", "tab4_sampling", "tab4_compare", "tab5_text"):
        assert (out / f"{name}.png").stat().st_size > 10_000
