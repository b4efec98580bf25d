"""A U-Net conditioned on CLIP embeddings (text to image), measured next to the class-conditional models and
described by its card. The agreement figures are text.py's; this module runs them on a model folder:

  text               prompts naming each class, through the retrieval prior when the folder has a bank (as the app)
  text_raw           the same prompts with the raw text embedding as the condition
  class_conditional  <dataset>_cond asked by label (the baseline), scored the same way
  attribute_control  low vs high attribute words, measured on the samples
  fid                domain-FID of 200 prompted samples per dataset (classes cycling) next to the floor at 200
  examples           samples_prompts.png: one row of 8 per example prompt
  prompt_warning     the inspector's warning on held-out prompts, old score vs new (text/prompt_warning.py); measured
                     alone into evaluation.json by record_prompt_warning(folder)

The judges are siblings of the folder: its CLIP (config "clip"), classifier_<dataset> and <dataset>_cond."""
from __future__ import annotations

import json
import time
from pathlib import Path

import torch

from ..model_folder import EVALUATION_NAME, read_config
from .cards import template
from .metrics import Reference, load_classifier
from .text import attribute_control, class_prompt, label_agreement, prompt_agreement

TEMPLATE = "text_model.md"
DATASETS = ("mnist", "fashion_mnist")
EXAMPLES = ["a bold seven", "a thin slanted two", "a handwritten digit 4", "a photo of a sneaker", "dark ankle boots",
            "a light t-shirt", "a large handbag", "a pair of jeans"]
SAMPLING = {"sampler": "dpm_solver_pp", "num_steps": 20}
GUIDANCE = (1.0, 2.0, 3.0, 4.0, 5.0)
GRID_NAME = "samples_prompts.png"
WARNING_TEMPLATE = "text_model_warning.md"
WARNING_COMMAND = ("python -c \"from diffusion_core.evaluation.text_model import record_prompt_warning; "
                   "record_prompt_warning('pretrained/{name}')\"")


def text_generator(pipe, bank=None):
    """(text embedding (n, D), n, w, seed) -> images; with a bank the embedding goes through the retrieval prior."""
    from ..text.prior import condition_from_text

    def generate(emb, n, w, seed):
        return pipe.generate(n, cond=condition_from_text(emb, bank), seed=seed, guidance_scale=w, **SAMPLING)
    return generate


def label_generator(pipe):
    return lambda labels, n, w, seed: pipe.generate(n, labels=labels, seed=seed, guidance_scale=w, **SAMPLING)


def baseline_rows(folder: Path, baselines: dict, clip, classifiers: dict, per_class: int, keep: bool) -> dict:
    """The class-conditional models' rows; with keep, taken from the stored evaluation.json when it measured them
    at the same per_class (they do not depend on the text model)."""
    stored = folder / EVALUATION_NAME
    if keep and stored.exists():
        r = json.loads(stored.read_text())
        if r.get("per_class") == per_class and "class_conditional" in r:
            return r["class_conditional"]
    return label_agreement({ds: label_generator(p) for ds, p in baselines.items()}, clip, classifiers, per_class,
                           GUIDANCE)


def prompted_fid(generate, clip, classifiers: dict, guidance: float, data_root=None) -> dict:
    """Domain-FID of 200 prompted samples per dataset (20 per class), next to the real-vs-real floor at 200."""
    out = {}
    for ds in DATASETS:
        ref = Reference.build(classifiers[ds], ds, n_floor=200, data_root=data_root)
        emb = clip.encode_text([class_prompt(ds, c) for c in range(10)]).detach()  # (10, D)
        out[ds] = {"fid": ref.fid(generate(emb.repeat(20, 1), 200, guidance, 1)), "floor": ref.floor, "n": 200,
                   "guidance": guidance}
    return out


def example_grid(generate, clip, bank, guidance: float, path: Path) -> dict:
    """samples_prompts.png, one row of 8 per example prompt (seed = row index); what the prior retrieves for each."""
    from ..images import make_grid, save_png
    from ..text.prompts import clean_prompt

    emb = clip.encode_text([clean_prompt(p)[0] for p in EXAMPLES]).detach()  # (8, D); plurals singular, as in the app
    rows = [generate(emb[i:i + 1].expand(8, -1), 8, guidance, i) for i in range(len(EXAMPLES))]
    save_png(make_grid(torch.cat(rows), nrow=8, scale=2), path)
    examples = {"prompts": EXAMPLES, "guidance": guidance, "grid": f"{GRID_NAME} (one row per prompt)"}
    if bank is not None:
        examples["prior_classes"] = {p: bank.composition(emb[i:i + 1])[:3] for i, p in enumerate(EXAMPLES)}
    return examples


@torch.no_grad()
def evaluate(folder: Path, options) -> dict:
    """Every figure of the card; writes samples_prompts.png. options: folder.Options (per_class, guidance)."""
    from ..models import count_parameters
    from ..pipeline import load_pipeline
    from ..text.clip import load_clip_of
    from ..text.prior import load_bank

    start, per_class, w = time.perf_counter(), options.per_class or 20, options.guidance
    pipe, bank = load_pipeline(folder, device="cpu"), load_bank(folder)
    clip = load_clip_of(pipe.info)
    classifiers = {ds: load_classifier(folder.resolve().parent / f"classifier_{ds}") for ds in DATASETS}
    baselines = {ds: load_pipeline(folder.resolve().parent / f"{ds}_cond", device="cpu") for ds in DATASETS}
    report = {"model": folder.name, "parameters": count_parameters(pipe.model), "clip": pipe.info["clip"],
              "per_class": per_class, "prior": {"images": len(bank), "k": bank.k} if bank is not None else None,
              "sampling": SAMPLING, "prompts": {ds: [class_prompt(ds, c) for c in range(10)] for ds in DATASETS},
              "baseline_parameters": {ds: count_parameters(p.model) for ds, p in baselines.items()}}
    t0 = time.perf_counter()
    report["text"] = prompt_agreement(text_generator(pipe, bank), clip, classifiers, per_class, GUIDANCE)
    report["sec_per_image_text"] = (time.perf_counter() - t0) / (per_class * 20 * len(GUIDANCE))
    if bank is not None:
        report["text_raw"] = prompt_agreement(text_generator(pipe), clip, classifiers, per_class, GUIDANCE)
    report["class_conditional"] = baseline_rows(folder, baselines, clip, classifiers, per_class,
                                               options.keep_baselines)
    report["attribute_control"] = attribute_control(text_generator(pipe, bank), clip, per_class=8, guidance_scale=w)
    report["fid"] = prompted_fid(text_generator(pipe, bank), clip, classifiers, w, options.data_root)
    report["examples"] = example_grid(text_generator(pipe, bank), clip, bank, w, folder / GRID_NAME)
    report["prompt_warning"] = prompt_warning(clip)
    summary = pipe.info["training"]["summary"]
    report.update({"train_steps": summary["steps"], "train_minutes": summary["train_seconds"] / 60,
                   "eval_minutes": (time.perf_counter() - start) / 60, "threads": torch.get_num_threads()})
    return report


def prompt_warning(clip) -> dict:
    from ..text.prompt_lists import MUST_NOT_WARN, MUST_WARN
    from ..text.prompt_warning import warning_table

    return warning_table(clip, MUST_WARN + MUST_NOT_WARN)


def record_prompt_warning(folder) -> dict:
    """Measure only the prompt warning with the folder's CLIP and store it in evaluation.json under "prompt_warning"
    (every other figure kept as it is); `evaluate --card-only` then renders it."""
    from ..text.clip import load_clip_of

    folder = Path(folder)
    table = prompt_warning(load_clip_of({**read_config(folder), "path": str(folder)}))
    stored = json.loads((folder / EVALUATION_NAME).read_text())
    (folder / EVALUATION_NAME).write_text(json.dumps({**stored, "prompt_warning": table}, indent=2))
    return table


def warning_sizes(table: dict) -> dict:
    """{part: "44 in-domain, 32 out-of-domain"} for the calibration and held-out halves of a warning measurement."""
    return {k: f"{v['in_domain']} in-domain, {v['out_of_domain']} out-of-domain" for k, v in table["sizes"].items()}


def warning_rows(rows: list[dict]) -> str:
    """| score | warns when | AUROC | hit rate | false alarms |, one line per measured score."""
    return "\n".join(f"| {row['score']} | {row['warns_when']} | {row['auroc']:.3f} | {row['hit_rate'] * 100:.1f} % | "
                     f"{row['false_alarm_rate'] * 100:.1f} % |" for row in rows)


def warning_section(name: str, r: dict) -> str:
    """The card's "## Prompt warning" section ("" when evaluation.json has no such measurement)."""
    if "prompt_warning" not in r:
        return ""
    t = r["prompt_warning"]
    sizes, rows = warning_sizes(t), warning_rows(t["rows"])
    formula = " ".join(f"{'+' if c >= 0 else '−'} {abs(c):g}·{f}" for c, f in zip(t["coefficients"], t["features"]))
    examples = " · ".join(f"\"{p}\" {'warned' if e['warned'] else 'not warned'} (P {e['probability']:.3f}, "
                          f"similarity {e['similarity']:.2f})" for p, e in t["examples"].items())
    errors = ", ".join(f'"{p}"' for p in t["held_out_errors"]) or "none"
    return template(WARNING_TEMPLATE).format(sizes=sizes, rows=rows, formula=formula, intercept=t["intercept"],
                                             examples=examples, errors=errors,
                                             command=WARNING_COMMAND.format(name=name))


def agreement_table(rows: dict) -> str:
    """| w | MNIST agreement | MNIST CLIP sim. | Fashion agreement | Fashion CLIP sim. | per guidance scale."""
    return "\n".join(f"| {w} | " + " | ".join(f"{rows[w][ds]['agreement'] * 100:.1f} % | "
                                              f"{rows[w][ds]['clip_similarity']:.3f}" for ds in DATASETS) + " |"
                     for w in rows)


def card_fields(folder: Path, config: dict, r: dict) -> dict:
    """What text_model.md is filled with: the stored report, plus its tables and sentences."""
    prior, k = r.get("prior"), r["prior"]["k"] if r.get("prior") else "k"
    raw = ""
    if "text_raw" in r:
        raw = ("\nThe same prompts without the prior (the raw text embedding as the condition):\n\n"
               "| guidance w | MNIST agreement | MNIST CLIP sim. | Fashion agreement | Fashion CLIP sim. |\n"
               f"|---|---|---|---|---|\n{agreement_table(r['text_raw'])}\n")
    mixes = ""
    if r["examples"].get("prior_classes"):
        mixes = (f"\n\nWhat the prior retrieves for each example prompt (top classes of its {k} images): "
                 + " · ".join(f"\"{p}\": " + ", ".join(f"{c} {n}" for c, n in v)
                              for p, v in r["examples"]["prior_classes"].items()) + ".")
    prior_text = (f"{prior['images']:,} training images embedded by the CLIP, built by "
                  f"`python -m diffusion_core prior-bank pretrained/{folder.name}`") if prior else "absent here"
    return {**r, "name": folder.name, "baseline_mnist": r["baseline_parameters"]["mnist"], "k": k,
            "prior_text": prior_text,
            "through_prior": " through the retrieval prior (the app default)" if prior else "",
            "text_table": agreement_table(r["text"]), "raw_section": raw,
            "baseline_table": agreement_table(r["class_conditional"]),
            "attribute_rows": "\n".join(f"| {ds} | {a} | {v['words'][0]} / {v['words'][1]} | "
                                        f"{v['low']:.3f} / {v['high']:.3f} | {v['fraction'] * 100:.0f} % |"
                                        for ds in DATASETS for a, v in r["attribute_control"][ds].items()),
            "example_guidance": r["examples"]["guidance"],
            "fid_text": " · ".join(f"{ds}: {v['fid']:.2f} (floor {v['floor']:.2f})" for ds, v in r["fid"].items()),
            "ms_per_image": r["sec_per_image_text"] * 1000, "grid_name": GRID_NAME,
            "example_rows": " · ".join(f"row {i + 1}: \"{p}\"" for i, p in enumerate(r["examples"]["prompts"])),
            "prior_mixes": mixes, "prompt_warning": warning_section(folder.name, r)}
