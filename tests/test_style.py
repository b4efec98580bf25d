"""House style the suite keeps beside ruff (run by scripts/test.sh): no function longer than about 60 lines, in the
project's Python or in the classroom's own scripts (vendored libraries aside), and no Python file over about 300."""
import ast
import re
import subprocess

import pytest

from tests.conftest import ROOT

JS_LINES_AT_MOST = 60
PY_FUNCTION_LINES_AT_MOST, PY_FILE_LINES_AT_MOST = 60, 300
JS_FOLDER = ROOT / "lab" / "static" / "js"  # the project's own scripts; lab/static/ort and gifenc are vendored
KEYWORDS = {"if", "for", "while", "switch", "catch", "return", "function"}
# a function's first line: `function f(`, `async function f(`, a method `name(args) {`, an arrow `(…) => {`
STARTS = re.compile(r"^\s*(?:export\s+)?(?:async\s+)?(?:function\s*\*?\s*(\w+)\s*\(|(?:static\s+)?(\w+)\s*\([^;]*\)\s*\{\s*(?://.*)?$"
                    r"|.*?(\w+)\s*=\s*(?:async\s*)?\([^)]*\)\s*=>\s*\{)")


def function_lengths(text: str):
    """(name, first line, number of lines) of every named function, method and block-bodied arrow in a script; the
    body's end found by counting braces outside strings and comments (enough for the project's own code)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = STARTS.match(line)
        name = match and next((g for g in match.groups() if g), None)
        if not name or name in KEYWORDS:
            continue
        depth, opened = 0, False
        for j in range(i, len(lines)):
            code = re.sub(r"//.*$|\"(?:\\.|[^\"])*\"|'(?:\\.|[^'])*'|`(?:\\.|[^`])*`", "", lines[j])
            depth += code.count("{") - code.count("}")
            opened = opened or "{" in code
            if opened and depth <= 0:
                yield name, i + 1, j - i + 1
                break


def test_the_length_measure_sees_functions_methods_and_arrows():
    script = "function a(x) {\n  if (x) {\n    return 1;\n  }\n}\nclass K {\n  m(y) {\n    return '}';\n  }\n}\n" \
             "const f = async (z) => {\n  return z;\n};\n"
    assert list(function_lengths(script)) == [("a", 1, 5), ("m", 7, 3), ("f", 11, 3)]


@pytest.mark.parametrize("script", sorted(p.name for p in JS_FOLDER.glob("*.*js")))
def test_no_javascript_function_is_longer_than_about_60_lines(script):
    long = [f"{name} (line {line}): {n} lines" for name, line, n in function_lengths((JS_FOLDER / script).read_text())
            if n > JS_LINES_AT_MOST]
    assert not long, f"{script}: split these functions: " + "; ".join(long)


def python_files() -> list[str]:
    """The project's Python files as git tracks them (tests and bench included)."""
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=False)
    return listed.stdout.split() or [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py") if ".git" not in p.parts]


def test_no_python_function_or_file_is_too_long():
    files = python_files()
    assert "diffusion_core/samplers.py" in files
    too_long = []
    for name in files:
        source = (ROOT / name).read_text()
        lines = source.count("\n")
        if lines > PY_FILE_LINES_AT_MOST:
            too_long.append(f"{name}: {lines} lines")
        too_long += [f"{name}:{node.lineno} {node.name}: {node.end_lineno - node.lineno + 1} lines"
                     for node in ast.walk(ast.parse(source))
                     if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                     and node.end_lineno - node.lineno + 1 > PY_FUNCTION_LINES_AT_MOST]
    assert not too_long, "split these: " + "; ".join(too_long)
