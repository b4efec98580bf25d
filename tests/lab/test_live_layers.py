"""lab/live's place among the rooms (docs/architecture.md): its core holds no web framework, and no part of it
reaches into Gradio, the tabs, the Blocks or the serving layer. (To fold into tests/test_architecture.py once
lab/server/ has landed.)"""
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.test_architecture import imported_modules

LIVE = sorted((ROOT / "lab" / "live").glob("*.py"))
ON_THE_WEB = {"routes.py", "stream.py"}  # FastAPI here, and only here
NEVER = ("gradio", "lab.tabs", "lab.demo", "lab.launch", "lab.server", "lab.view_link_ui")
WEB = ("fastapi", "starlette", "uvicorn")


def banned(path, prefixes) -> list[str]:
    return sorted(m for m in imported_modules(path) if any(m == b or m.startswith(b + ".") for b in prefixes))


@pytest.mark.parametrize("path", LIVE, ids=lambda p: p.name)
def test_the_live_class_stays_in_its_room(path):
    assert not banned(path, NEVER), f"{path.name} imports {banned(path, NEVER)}"
    if path.name not in ON_THE_WEB:
        assert not banned(path, WEB), f"{path.name} imports {banned(path, WEB)}"


def test_the_core_loads_without_gradio_or_a_web_framework():
    code = ("import sys, lab.live.registry, lab.live.export\n"
            "print(sorted({'gradio', 'fastapi', 'starlette'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
