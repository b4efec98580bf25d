import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import torch

from diffusion_core.data import dataset_available

ROOT = Path(__file__).resolve().parents[1]
# pytest-xdist runs WORKERS processes side by side (scripts/test.sh): they share the cores rather than each taking all
WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
torch.set_num_threads(max(1, min(2, (os.cpu_count() or 1) // WORKERS)))


# Files of a minute or so each, handed out first, so that the two processes end together rather than one of them
# running a long file alone at the end (xdist --dist loadfile deals files in the order they are collected)
LONG_FILES = ("test_browser", "test_train.py", "test_input_gate.py", "test_readme_api_example.py", "test_wheel.py")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: not item.path.name.startswith(LONG_FILES))  # stable: each file keeps its order


@pytest.fixture(autouse=True)
def seeded_torch():
    """Every test starts from the same global RNG state, so a tolerance that passes once passes always."""
    torch.manual_seed(0)


def require_dataset(name: str):
    if not dataset_available(name, "train"):
        pytest.skip(f"{name} not found in $DIFFUSION_LAB_DATA or ../shared/data (see docs/training.md: Data)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def app_py(tmp_path_factory):
    """`python app.py` on $GRADIO_SERVER_PORT, else a free port; its URL while it runs. Tiny random models stand in
    when pretrained/ has no weights."""
    from tests.fixtures import make_tiny_models

    port = os.environ.get("GRADIO_SERVER_PORT") or str(_free_port())
    env = {"DIFFUSION_LAB_CLASS_MODEL_STEPS": "40", **os.environ, "GRADIO_SERVER_PORT": port,
           "GRADIO_ANALYTICS_ENABLED": "False"}  # a live class's model trains in seconds (lab/live/limits.py)
    if not any((ROOT / "pretrained").glob("*/model.safetensors")):
        env["DIFFUSION_LAB_MODELS"] = str(make_tiny_models(tmp_path_factory.mktemp("models")))
    url = f"http://127.0.0.1:{port}/"
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
        proc.terminate()  # uvicorn waits for open event streams (a client's heartbeat) to end: up to ~15 s
        try:
            proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=30)


@pytest.fixture(scope="session")
def served_app(tmp_path_factory):
    """`python app.py` (app_py), once for every browser test; its URL."""
    from tests.browser import chromium_path

    if chromium_path() is None:
        pytest.skip("Debian's chromium is not installed (scripts/test.sh installs it)")
    pytest.importorskip("playwright")
    with app_py(tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="module")
def browser(served_app):
    """Headless Chromium for one test module (Playwright's sync API allows one at a time: module scope)."""
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
