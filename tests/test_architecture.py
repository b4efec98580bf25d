"""The layout the README promises: the engine apart from the classroom (arrows one way), small files, short
functions. Read from the source, so a change that breaks it fails here rather than in review."""
import ast
import re
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PYTHON_FILES = sorted(p for folder in ("diffusion_core", "lab", "tests", "bench", "scripts") for p in (ROOT / folder).rglob("*.py"))
PYTHON_FILES.append(ROOT / "app.py")
MAX_FILE_LINES, MAX_FUNCTION_LINES = 300, 60


def test_the_engine_imports_neither_gradio_nor_pandas_nor_the_classroom():
    code = ("import importlib, pkgutil, sys, diffusion_core\n"
            "for m in pkgutil.walk_packages(diffusion_core.__path__, 'diffusion_core.'):\n"
            "    if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
            "print(sorted({'gradio', 'pandas', 'lab'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_engine_knows_no_repository_path():
    for path in (ROOT / "diffusion_core").rglob("*.py"):
        source = path.read_text()
        assert "__file__).resolve().parent.parent" not in source and "PROJECT_ROOT" not in source, path
        assert not re.search(r"^\s*(from lab[. ]|import lab\b)", source, flags=re.M), path


@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_files_and_functions_stay_small(path):
    lines = path.read_text().splitlines()
    assert len(lines) <= MAX_FILE_LINES, f"{path.name} has {len(lines)} lines"
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{path.name}: {node.name} has {length} lines"


def test_every_engine_module_imports():
    import diffusion_core

    for module in pkgutil.walk_packages(diffusion_core.__path__, "diffusion_core."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
