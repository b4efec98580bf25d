"""The README's table of shipped models, built from each folder's config.json and evaluation.json (measured figures only).

    python scripts/models_table.py            # prints the table
    python scripts/models_table.py --write    # replaces the table between the markers in README.md
"""
import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- models-table:start -->", "<!-- models-table:end -->"


def row(folder: Path) -> str | None:
    config = json.loads((folder / "config.json").read_text())
    report = json.loads((folder / "evaluation.json").read_text()) if (folder / "evaluation.json").exists() else {}
    name = f"[`{folder.name}`](pretrained/{folder.name}/README.md)"
    if "test_accuracy" in config:  # a domain classifier
        return f"| {name} | classifier, {config['dataset']} | {config['train_minutes']:.0f} | test accuracy {config['test_accuracy'] * 100:.2f} % |"
    if "open_clip_model" in config:  # a CLIP
        z = config.get("zero_shot_accuracy", {})
        quality = " · ".join(f"zero-shot {ds} {v * 100:.1f} %" for ds, v in z.items()) or "not evaluated"
        return f"| {name} | CLIP (open_clip, {config['open_clip_model']}) | {config['train_minutes']:.0f} | {quality} |"
    summary = config["training"]["summary"]
    minutes = summary["train_seconds"] / 60
    kind = ("no-time denoiser" if config["model"].get("architecture") == "no_time_denoiser" else
            "text (CLIP)-conditioned U-Net" if config.get("clip") else
            "class-conditional U-Net" if config["model"].get("num_classes") else "unconditional U-Net")
    if "big_fid" in report:
        quality = (f"domain-FID {report['big_fid']:.2f} (floor {report['floor_at_n_big']:.2f}, n={report['n_big']}, "
                   f"DPM-Solver++ 20, w={report['big_guidance']:g})")
        if "agreement" in report:
            quality += f" · agreement at w=2: {report['agreement']['2.0']['overall'] * 100:.1f} %"
    elif "text" in report:
        quality = " · ".join(f"{ds} agreement at w=3: {v['agreement'] * 100:.1f} %" for ds, v in report["text"]["3.0"].items())
    elif "psnr_db" in report:
        no_time, unet = report["psnr_db"].values()
        quality = "PSNR no-time / U-Net: " + " · ".join(f"t={t} {no_time[t]:.1f} / {unet[t]:.1f} dB" for t in ("50", "500", "999"))
    else:
        quality = "not evaluated"
    return f"| {name} | {kind}, {config['dataset']}, {summary['parameters']:,} params, {summary['steps']:,} steps | {minutes:.0f} | {quality} |"


def table() -> str:
    rows = [row(folder) for folder in sorted((ROOT / "pretrained").glob("*/")) if (folder / "config.json").exists()]
    return "\n".join(["| model | what | train min | measured quality |", "|---|---|---|---|", *filter(None, rows)])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--write", action="store_true")
    text = table()
    if p.parse_args().write:
        readme = (ROOT / "README.md").read_text()
        head, rest = readme.split(START)
        _, tail = rest.split(END)
        (ROOT / "README.md").write_text(f"{head}{START}\n{text}\n{END}{tail}")
    print(text)


if __name__ == "__main__":
    main()
