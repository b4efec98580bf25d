"""Model cards: <folder>/README.md rendered from a template (templates/<template>.md, str.format) filled from the
folder's stored config.json and evaluation.json by its kind's card_fields (folder.py lists the kinds), and from
hand-written text kept in the folder:

    observations.md    what the samples (or the figures) look like to a person who looked (the card's last paragraph)
    training_note.md   how the run departed from its Reproduce command (appended to that line)

Nothing is measured here, so a card can be rendered again at any time (`evaluate --card-only`) and a shipped card
is exactly what its folder renders to (tests/test_cards.py)."""
from __future__ import annotations

from pathlib import Path

from ..model_folder import CARD_NAME, read_config
from .folder import kind_module, model_kind, read_evaluation
from .reproduce import reproduce_command

TEMPLATES = Path(__file__).parent / "templates"
OBSERVATIONS_NAME, TRAINING_NOTE_NAME = "observations.md", "training_note.md"
EVALUATE_COMMAND = "python -m diffusion_core evaluate"


def template(name: str) -> str:
    return (TEMPLATES / name).read_text()


def hand_written(folder: Path, name: str) -> str:
    """The text of a hand-written file in the folder, without surrounding blank lines ("" when absent)."""
    path = folder / name
    return path.read_text().strip("\n") if path.is_file() else ""


def files_section(name: str, process: str = "schedule") -> str:
    """The "## Files" section of a U-Net's card: its weights, config (with its `process`: schedule or flow path) and
    the ONNX export the app serves."""
    from ..serving.onnx import ONNX_NAME

    return template("unet_files.md").format(onnx_name=ONNX_NAME, name=name, process=process)


def thread_words(threads: int) -> str:
    return f"{threads} CPU thread{'s' if threads > 1 else ''}"


def common_fields(folder: Path, kind: str, config: dict, report: dict) -> dict:
    """Fields every template may use: commands, threads, the Files section and the hand-written text."""
    observations, note = hand_written(folder, OBSERVATIONS_NAME), hand_written(folder, TRAINING_NOTE_NAME)
    threads = report.get("threads", 1)
    return {"reproduce": reproduce_command(kind, folder.name, config, report),
            "training_note": f" {note}" if note else "",
            "evaluate_command": EVALUATE_COMMAND, "cpu_threads": thread_words(threads),
            "files": files_section(folder.name, "flow path" if "flow" in config else "schedule"),
            "observations": f"\n{observations}" if observations else ""}


def render_card(folder) -> str:
    """The model card of a folder, from its stored files only."""
    folder = Path(folder)
    config = read_config(folder)
    kind, report = model_kind(config), read_evaluation(folder)
    module = kind_module(kind)
    fields = {**common_fields(folder, kind, config, report), **module.card_fields(folder, config, report)}
    return template(module.TEMPLATE).format_map(fields).rstrip("\n") + "\n"


def write_card(folder) -> Path:
    path = Path(folder) / CARD_NAME
    path.write_text(render_card(folder))
    return path
