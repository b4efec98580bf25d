"""The README's models table is what models_table builds from the folders (only the links depend on the README)."""
import shutil

from diffusion_core.evaluation.models_table import END, START, models_table, write_models_table
from tests.conftest import ROOT


def test_readme_table_is_the_built_table():
    readme = (ROOT / "README.md").read_text()
    assert readme.split(START + "\n")[1].split("\n" + END)[0] == models_table(ROOT / "pretrained", ROOT)


def test_write_replaces_only_the_table_with_links_relative_to_the_file(tmp_path):
    for name in ("mnist_cond", "classifier_mnist"):
        (tmp_path / "models" / name).mkdir(parents=True)
        shutil.copy(ROOT / "pretrained" / name / "config.json", tmp_path / "models" / name)
    doc = tmp_path / "docs" / "MODELS.md"
    doc.parent.mkdir()
    doc.write_text(f"# Models\n{START}\nold\n{END}\nmore text\n")
    write_models_table(doc, tmp_path / "models")
    lines = doc.read_text().split("\n")
    assert lines[:3] == ["# Models", START, "| model | what | train min | measured quality |"]
    assert lines[4].startswith("| [`classifier_mnist`](../models/classifier_mnist/README.md) | classifier, mnist |")
    assert lines[5].startswith("| [`mnist_cond`](../models/mnist_cond/README.md) |") and lines[5].endswith("| not evaluated |")
    assert lines[6:] == [END, "more text", ""]
