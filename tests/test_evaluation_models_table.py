"""The README's models table is what models_table builds from the folders (only the links depend on the README)."""
import json
import shutil

from diffusion_core.evaluation.models_table import (
    END,
    START,
    _quality,
    models_table,
    write_models_table,
)
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
    assert lines[5].startswith("| [`mnist_cond`](../models/mnist_cond/README.md) |")
    assert lines[5].endswith("| not evaluated |")
    assert lines[6:] == [END, "more text", ""]


def test_flow_row_shows_the_best_fid_at_each_budget_from_its_nfe_comparison(tmp_path):
    folder = tmp_path / "mnist_flow"
    folder.mkdir()
    for name in ("config.json", "evaluation.json"):
        shutil.copy(ROOT / "pretrained" / "mnist_flow" / name, folder)
    report = json.loads((folder / "evaluation.json").read_text())
    best = {b["budget"]: b["mnist_flow"] for b in report["nfe_comparison"]["best"]}
    line = models_table(tmp_path).split("\n")[2]
    assert line.startswith("| [`mnist_flow`](") and "class-conditional U-Net (flow matching), mnist" in line
    fids = " / ".join(f"{best[b]['fid']:.2f}" for b in (1, 2, 4, 8, 20))
    assert (f"domain-FID at 1 / 2 / 4 / 8 / 20 NFE: {fids} (floor 4.06, n=500, best of euler, heun, midpoint, w=1)"
            in line)
    assert line.endswith(f" · agreement at 20 NFE: {best[20]['agreement'] * 100:.1f} % |")


def test_flow_row_skips_budgets_the_model_has_no_sampler_for():
    rows = [{"sampler": "midpoint", "steps": 1, "nfe": 2, "fid": 14.4, "agreement": None}]
    report = {"model": "m", "nfe_comparison": {"n": 50, "floor_at_n": 9.0, "guidance": 1.0, "rows": {"m": rows},
                                               "best": [{"budget": 1, "m": None}, {"budget": 2, "m": rows[0]}]}}
    assert _quality(report) == "domain-FID at 2 NFE: 14.40 (floor 9.00, n=50, best of midpoint, w=1)"


def test_emoji_rows_show_the_judge_the_held_out_clip_figures_and_the_text_models_scores():
    report = {"model": "emoji_text", "clip_score": 0.479, "clip_score_real": 0.784, "agreement": {"named": 0.29},
              "emoji_fid": {"fid": 73.1, "floor": 75.9, "floor_same_style": 5.6, "n": 504},
              "sampling": {"guidance_scale": 3.0}}
    assert _quality(report) == ("CLIP score 0.479 (real emoji 0.784) · judge agreement 29.0 % · emoji-FID 73.1 "
                                "(floors 75.9 other style, 5.6 same style, n=504, DPM-Solver++ 20, w=3)")
    table = models_table(ROOT / "pretrained")
    assert "| classifier, emoji (colour judge, trained on google, tested on twitter) |" in table
    assert "held-out emoji: category " in table


def test_a_fine_tuned_row_counts_the_steps_and_minutes_it_started_from(tmp_path):
    folder = tmp_path / "emoji_text"
    folder.mkdir()
    config = json.loads((ROOT / "pretrained" / "emoji_text" / "config.json").read_text())
    config["training"]["summary"] = {"steps": 1200, "train_seconds": 600.0, "parameters": 7,
                                     "init": {"from": "a", "dataset": "emoji", "steps": 3000, "train_seconds": 1800.0}}
    (folder / "config.json").write_text(json.dumps(config))
    line = models_table(tmp_path).split("\n")[2]
    assert "7 params, 1,200 steps (after 3,000 on emoji) | 40 |" in line  # (600 + 1800) s = 40 minutes
