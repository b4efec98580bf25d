"""The table of a folder of models (the repository README's "Models in pretrained/"), built from each model folder's
config.json and evaluation.json: measured figures only.

    print(models_table("pretrained"))
    write_models_table("README.md", "pretrained")   # replaces the table between the markers
"""
from __future__ import annotations

import os
from pathlib import Path

from ..model_folder import CARD_NAME, CONFIG_NAME, read_config, training_seconds
from .folder import read_evaluation

START, END = "<!-- models-table:start -->", "<!-- models-table:end -->"
HEADER = ["| model | what | train min | measured quality |", "|---|---|---|---|"]


def _flow_quality(report: dict) -> str:
    """A flow model's figures from its NFE comparison (flow_model.py): at each budget B of network evaluations per
    sample, the domain-FID of its best sampler within B; the class agreement at the largest budget."""
    c, name = report["nfe_comparison"], report["model"]
    best = [b for b in c["best"] if b.get(name)]
    budgets = " / ".join(str(b["budget"]) for b in best)
    fids = " / ".join(f"{b[name]['fid']:.2f}" for b in best)
    samplers = ", ".join(dict.fromkeys(r["sampler"] for r in c["rows"][name]))
    quality = (f"domain-FID at {budgets} NFE: {fids} (floor {c['floor_at_n']:.2f}, n={c['n']}, best of {samplers}, "
               f"w={c['guidance']:g})")
    top = best[-1]
    if top[name]["agreement"] is not None:
        quality += f" · agreement at {top['budget']} NFE: {top[name]['agreement'] * 100:.1f} %"
    return quality


def _quality(report: dict) -> str:
    """A diffusion model's headline figures (whichever its evaluation measured)."""
    if "nfe_comparison" in report:
        return _flow_quality(report)
    if "big_fid" in report:
        quality = (f"domain-FID {report['big_fid']:.2f} (floor {report['floor_at_n_big']:.2f}, n={report['n_big']}, "
                   f"DPM-Solver++ 20, w={report['big_guidance']:g})")
        if "agreement" in report:
            quality += f" · agreement at w=2: {report['agreement']['2.0']['overall'] * 100:.1f} %"
        return quality
    if "judge" in report and "quality_vs_steps" in report:  # a folder of pictures (folder_model.py)
        best = min(report["quality_vs_steps"], key=lambda q: q["fid"])
        return (f"judge-FID {best['fid']:.1f} (floor {report['floor']:.1f}, n={report['n_per_row']}, {best['sampler']} "
                f"{best['steps']}, judge {report['judge']})")
    if "emoji_fid" in report:  # the emoji text model (emoji_text_model.py)
        f = report["emoji_fid"]
        return (f"CLIP score {report['clip_score']:.3f} (real emoji {report['clip_score_real']:.3f}) · judge agreement "
                f"{report['agreement']['named'] * 100:.1f} % · emoji-FID {f['fid']:.1f} (floors {f['floor']:.1f} other "
                f"style, {f['floor_same_style']:.1f} same style, n={f['n']}, DPM-Solver++ 20, "
                f"w={report['sampling']['guidance_scale']:g})")
    if "text" in report:
        return " · ".join(f"{ds} agreement at w=3: {v['agreement'] * 100:.1f} %"
                          for ds, v in report["text"]["3.0"].items())
    if "psnr_db" in report:
        no_time, unet = report["psnr_db"].values()
        return "PSNR no-time / U-Net: " + " · ".join(f"t={t} {no_time[t]:.1f} / {unet[t]:.1f} dB"
                                                     for t in ("50", "500", "999"))
    return "not evaluated"


def row(folder: Path, link: str) -> str:
    """One line of the table; `link` is where the model's card is, relative to the table's file."""
    config = read_config(folder)
    name = f"[`{folder.name}`]({link})"
    if "test_accuracy" in config:  # a domain classifier, or the colour judge (test set: the other style)
        judge = " (colour judge, trained on google, tested on twitter)" if config["dataset"] == "emoji" else ""
        return (f"| {name} | classifier, {config['dataset']}{judge} | {config['train_minutes']:.0f} | "
                f"test accuracy {config['test_accuracy'] * 100:.2f} % |")
    if "open_clip_model" in config:  # a CLIP; the emoji CLIP's figures are on held-out emoji
        z, e = config.get("zero_shot_accuracy", {}), config.get("evaluation", {})
        quality = " · ".join(f"zero-shot {ds} {v * 100:.1f} %" for ds, v in z.items()) or (
            f"held-out emoji: category {e['category_accuracy'] * 100:.1f} %, name top-1 {e['top1'] * 100:.1f} %, "
            f"colour {e['colour_accuracy'] * 100:.1f} %" if e else "not evaluated")
        return f"| {name} | CLIP (open_clip, {config['open_clip_model']}) | {config['train_minutes']:.0f} | {quality} |"
    summary = config["training"]["summary"]
    kind = ("no-time denoiser" if config["model"].get("architecture") == "no_time_denoiser" else
            "text (CLIP)-conditioned U-Net" if config.get("clip") else
            "class-conditional U-Net" if config["model"].get("num_classes") else "unconditional U-Net")
    if config.get("flow"):
        kind += " (flow matching)"
    before = summary.get("init")
    after = f" (after {before['steps']:,} on {before['dataset']})" if before else ""  # fine-tuned: train --init
    return (f"| {name} | {kind}, {config['dataset']}, {summary['parameters']:,} params, {summary['steps']:,} steps"
            f"{after} | {training_seconds(summary) / 60:.0f} | {_quality(read_evaluation(folder))} |")


def models_table(pretrained_dir, relative_to=None) -> str:
    """The markdown table of every model folder (with a config.json) in pretrained_dir, by name; card links are
    relative to the directory `relative_to` (default: as pretrained_dir was given)."""
    folders = sorted(p for p in Path(pretrained_dir).glob("*/") if (p / CONFIG_NAME).exists())
    links = [Path(os.path.relpath(f / CARD_NAME, relative_to)).as_posix() if relative_to else (f / CARD_NAME).as_posix()
             for f in folders]
    return "\n".join([*HEADER, *(row(f, link) for f, link in zip(folders, links))])


def write_models_table(readme, pretrained_dir) -> Path:
    """Replace the table between the models-table markers of `readme`; links relative to the readme's folder."""
    readme = Path(readme)
    head, rest = readme.read_text().split(START)
    _, tail = rest.split(END)
    readme.write_text(f"{head}{START}\n{models_table(pretrained_dir, readme.parent)}\n{END}{tail}")
    return readme
