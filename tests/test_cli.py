import re
import shlex
import subprocess
import sys

from diffusion_core.cli import build_parser, main
from tests.conftest import ROOT
from tests.fixtures import make_tiny_models


def test_help_reads_for_a_newcomer():
    out = subprocess.run([sys.executable, "-m", "diffusion_core", "--help"], cwd=ROOT, capture_output=True, text=True,
                         check=False)
    assert out.returncode == 0
    for word in ("train", "sample", "info", "schedules", "evaluate", "train-classifier", "train-clip", "models-table",
                 "near-copies", "--card-only", "examples:"):
        assert word in out.stdout


def test_schedules_table(capsys):
    assert main(["schedules"]) == 0
    out = capsys.readouterr().out
    assert "cosine" in out and "t=999" in out and "496" in out


def test_sample_writes_png_and_gif(tmp_path, capsys):
    root = make_tiny_models(tmp_path / "m")
    png, gif = tmp_path / "s.png", tmp_path / "t.gif"
    assert main(["sample", str(root / "tiny_cond"), "-n", "4", "--labels", "1", "2", "--steps", "3",
                 "--out", str(png), "--gif", str(gif)]) == 0
    assert png.exists() and gif.exists() and "3 model evaluations" in capsys.readouterr().out
    assert main(["info", str(root / "tiny_cond")]) == 0 and '"parameters"' in capsys.readouterr().out


def test_missing_model_is_a_message(tmp_path, capsys):
    assert main(["sample", str(tmp_path / "none")]) == 2
    assert "no config.json" in capsys.readouterr().err


COMMAND = re.compile(r"python -m diffusion_core ((?:(?!&&)[^`\n])*)")  # to a backtick, a line's end or `&&`


def documented_commands() -> list[tuple[str, list[str]]]:
    """(file, argv) of every `python -m diffusion_core <command> <arguments>` in the README, docs/ and the model
    cards: continuation lines joined, cut at a comment, `&&` or a pipe; a bare mention (`… evaluate`) is skipped."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted(ROOT.glob("pretrained/*/README.md"))]
    found = []
    for path in files:
        for match in COMMAND.finditer(path.read_text().replace("\\\n", " ")):
            words = shlex.split(re.split(r"\s#|\|", match.group(1))[0])
            if len(words) > 1 and "/" not in words[:2]:  # not "train / sample / …"
                found.append((str(path.relative_to(ROOT)), words))
    return found


def test_every_documented_command_parses(capsys):
    commands = documented_commands()
    assert len(commands) > 30 and {words[0] for _, words in commands} >= {"train", "evaluate", "export-onnx",
                                                                            "train-clip", "prior-bank"}
    parser = build_parser()
    for path, words in commands:
        try:
            parser.parse_args(words)
        except SystemExit:
            raise AssertionError(f"{path}: `python -m diffusion_core {shlex.join(words)}` does not parse: "
                                 f"{capsys.readouterr().err}") from None
