"""README.md, "Call it from Python": its example runs as written against `python app.py` (only the URL changed) and
returns what the README says it returns; the API page lists exactly the endpoints the README documents."""
import re

import pytest
from PIL import Image

from lab.demo import PUBLIC_API
from tests.conftest import ROOT, app_py

HEADING = "## Call it from Python"
URL = "http://127.0.0.1:7860/"


def readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert HEADING in text, f"README.md has no '{HEADING}' section"
    return text.split(HEADING, 1)[1].split("\n## ", 1)[0]


def example() -> str:
    """The python block under the heading, as a reader copies it."""
    blocks = re.findall(r"```python\n(.*?)```", readme_section(), flags=re.S)
    assert len(blocks) == 1, "the section has one python example"
    return blocks[0]


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> str:
    with app_py(tmp_path_factory) as url:
        yield url


def test_the_readme_example_runs_and_returns_what_it_says(app, monkeypatch, capsys):
    code = example()
    assert f'Client("{URL}")' in code and 15 <= len(readme_section().splitlines()) <= 30
    monkeypatch.chdir(ROOT)  # the example names a picture of the repository, as a reader runs it from a clone
    scope = {}
    exec(compile(code.replace(URL, app), "README.md: Call it from Python", "exec"), scope)

    x_t = Image.open(scope["x_t"])
    assert x_t.format == "PNG" and x_t.size == Image.open(ROOT / "assets/photos/chelsea.jpg").size  # a photo: as it is
    assert "t = 300" in scope["equation"] and "cosine" in scope["equation"]
    table = scope["table"]
    assert table["headers"][:2] == ["schedule", "0 dB at t"] and "ᾱ(250)" in table["headers"]
    assert [row[0] for row in table["data"]] == ["linear", "cosine"]
    pictures = [Image.open(p["image"]) for p in scope["pictures"]]
    assert len(pictures) == 8 and {p.format for p in pictures} == {"PNG"}
    assert len({p.size for p in pictures}) == 1 and pictures[0].size in {(28, 28), (32, 32)}  # as the model makes them
    assert scope["how"].startswith("8 pictures · model ") and "20 steps" in scope["how"]
    assert scope["equation"] in capsys.readouterr().out  # what the example prints


def test_the_api_page_lists_exactly_the_documented_endpoints(app):
    """Every endpoint the API page lists is named in the README's section, with its own description; nothing else
    is listed (the page's own events are hidden)."""
    from gradio_client import Client

    api = Client(app, verbose=False).view_api(return_format="dict", print_info=False)
    listed = set(api["named_endpoints"])
    assert listed == {"/" + name for name in PUBLIC_API} and not api["unnamed_endpoints"]
    assert set(re.findall(r"/[a-z_]+(?=`|\")", readme_section())) & listed == listed
    descriptions = [info["description"] for info in api["named_endpoints"].values()]
    assert len(set(descriptions)) == len(listed) and all(len(d) > 40 for d in descriptions)
    # T and t apart (gradio_client's printed view_api lowercases every name; the names and labels are distinct)
    forward = api["named_endpoints"]["/forward"]["parameters"]
    assert [(p["parameter_name"], p["label"]) for p in forward[2:4]] == [("T", "T (number of steps)"),
                                                                          ("t", "t (the step)")]
