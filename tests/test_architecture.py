"""The layout the README promises: the engine apart from the classroom (arrows one way), small files, short
functions. Read from the source, so a change that breaks it fails here rather than in review."""
import ast
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PYTHON_FILES = sorted(p for folder in ("diffusion_core", "lab", "tests", "bench", "scripts")
                      for p in (ROOT / folder).rglob("*.py"))
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


def engine_import_graph() -> dict[str, set[str]]:
    """module -> the diffusion_core modules it imports, at module level or inside functions (read from the AST).
    `from package import name` points at the submodule when name is one, else at the package."""
    paths = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
             for p in (ROOT / "diffusion_core").rglob("*.py")}
    graph = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parent + ([node.module] if node.module else []))
                targets |= {f"{base}.{a.name}" if f"{base}.{a.name}" in paths else base for a in node.names}
        graph[name] = {t for t in targets if t in paths and t != name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle [a, b, ..., a] of the graph by depth-first search, or None."""
    state, path = {}, []  # state: 1 on the current path, 2 finished

    def visit(node):
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    return next((c for node in sorted(graph) if node not in state and (c := visit(node))), None)


def test_the_engine_has_no_import_circle():
    graph = engine_import_graph()
    assert "diffusion_core.evaluation.reproduce" in graph and "diffusion_core.cli" in graph["diffusion_core.__main__"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    cycle = find_cycle(graph)
    assert cycle is None, "import circle: " + " -> ".join(cycle)


CLASSROOM_LAYERS = ("lab/lessons", "lab/handout")  # what a lesson computes, and the printout drawn from it
NOT_IN_THOSE_LAYERS = ("gradio", "lab.tabs", "lab.demo", "lab.server")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports (at its top or inside a function), relative imports resolved."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            found |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return found


@pytest.mark.parametrize("path", [p for layer in CLASSROOM_LAYERS for p in sorted((ROOT / layer).rglob("*.py"))],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_lessons_and_handout_import_neither_gradio_nor_the_tabs(path):
    """lessons/ (what each lesson computes) and handout/ (pages drawn from it) sit below tabs/: a refused value is a
    lab.checks.InputError (a ValueError), which lab.refusals.friendly shows as a toast in the page."""
    banned = sorted(m for m in imported_modules(path)
                    if any(m == b or m.startswith(b + ".") for b in NOT_IN_THOSE_LAYERS))
    assert not banned, f"{path.relative_to(ROOT)} imports {banned}"


def test_the_lessons_and_the_handout_pages_load_without_gradio():
    """Not even through a module they import (lab.handout.__main__ loads the classroom, whose browser sampler is a
    Gradio component: it is left out here)."""
    code = ("import sys, lab.lessons.denoise, lab.lessons.forward, lab.lessons.memorising, lab.lessons.playground, "
            "lab.lessons.sampling, lab.lessons.schedules, lab.lessons.text, lab.handout.tabs, lab.handout.pages\n"
            "print(sorted({'gradio', 'lab.tabs', 'lab.demo', 'lab.server'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# lab/live (a live class): its core holds no web framework, and no part of it reaches Gradio, the tabs, the Blocks
# or the serving layer (lab/server mounts its routes)
LIVE = sorted((ROOT / "lab" / "live").glob("*.py"))
ON_THE_WEB = {"routes.py", "model_routes.py", "stream.py"}  # FastAPI here, and only here
LIVE_NEVER = ("gradio", "lab.tabs", "lab.demo", "lab.launch", "lab.server", "lab.view_link_ui")
WEB = ("fastapi", "starlette", "uvicorn")


def banned(path, prefixes) -> list[str]:
    return sorted(m for m in imported_modules(path) if any(m == b or m.startswith(b + ".") for b in prefixes))


@pytest.mark.parametrize("path", LIVE, ids=lambda p: p.name)
def test_the_live_class_stays_in_its_room(path):
    assert not banned(path, LIVE_NEVER), f"{path.name} imports {banned(path, LIVE_NEVER)}"
    if path.name not in ON_THE_WEB:
        assert not banned(path, WEB), f"{path.name} imports {banned(path, WEB)}"


def test_the_core_loads_without_gradio_or_a_web_framework():
    code = ("import sys, lab.live.registry, lab.live.export\n"
            "print(sorted({'gradio', 'fastapi', 'starlette'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
