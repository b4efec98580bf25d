"""Model cards come only from their templates: every shipped folder renders, from its stored config.json,
evaluation.json and hand-written files, to exactly its committed README.md."""
import shutil

import pytest

from diffusion_core.evaluation.cards import (
    OBSERVATIONS_NAME,
    TEMPLATES,
    TRAINING_NOTE_NAME,
    files_section,
    render_card,
)
from diffusion_core.evaluation.folder import KIND_MODULES, kind_module, model_kind
from diffusion_core.model_folder import read_config
from tests.conftest import ROOT

SHIPPED = sorted(p for p in (ROOT / "pretrained").glob("*/") if (p / "config.json").exists())


@pytest.mark.parametrize("folder", SHIPPED, ids=lambda p: p.name)
def test_shipped_card_is_its_rendered_template(folder):
    assert render_card(folder) == (folder / "README.md").read_text(), (
        f"{folder.name}/README.md is not what its folder renders to: edit the template in {TEMPLATES} or "
        f"{folder.name}/{OBSERVATIONS_NAME}, then run `python -m diffusion_core evaluate {folder} --card-only`")


def test_every_kind_is_shipped_and_has_its_template():
    user_trained = {"folder_model"}  # a folder of the user's own pictures (tests/test_evaluation_folder_model.py)
    assert {model_kind(read_config(f)) for f in SHIPPED} == set(KIND_MODULES) - user_trained
    for kind in KIND_MODULES:
        assert (TEMPLATES / kind_module(kind).TEMPLATE).is_file()


def test_hand_written_files_are_read_when_the_card_is_rendered(tmp_path):
    folder = tmp_path / "mnist_cond"
    folder.mkdir()
    for name in ("config.json", "evaluation.json"):
        shutil.copy(ROOT / "pretrained" / "mnist_cond" / name, folder / name)
    bare = render_card(folder)
    assert bare.endswith("guidance 2, seed 0.\n") and "--checkpoint-every 200`\n" in bare
    (folder / OBSERVATIONS_NAME).write_text("Looked at: every digit is a 7.\n")
    (folder / TRAINING_NOTE_NAME).write_text("(resumed once)\n")
    card = render_card(folder)
    assert card.endswith("seed 0.\n\nLooked at: every digit is a 7.\n")
    assert "--checkpoint-every 200` (resumed once)\n" in card


def test_files_section_names_the_onnx_export():
    section = files_section("mnist_fast")
    assert section.startswith("## Files\n") and "`model.onnx`" in section
    assert "python -m diffusion_core export-onnx pretrained/mnist_fast" in section


def test_a_flow_folder_gets_the_flow_template_and_its_files_name_the_flow_path(tmp_path):
    from tests.fixtures import make_tiny_flow_model

    config = read_config(make_tiny_flow_model(tmp_path) / "tiny_flow")
    assert kind_module(model_kind(config)).TEMPLATE == "flow_model.md"
    assert "(model, flow path, training settings)" in files_section("tiny_flow", "flow path")
    assert "(model, schedule, training settings)" in files_section("mnist_fast")
