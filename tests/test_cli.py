import subprocess
import sys

from diffusion_core.cli import main
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
