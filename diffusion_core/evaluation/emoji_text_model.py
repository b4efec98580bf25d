"""The emoji text model (a 32×32×3 U-Net conditioned on the emoji CLIP, through the retrieval prior as the app
draws), measured on the 12 prompts of its card (near_copies.CARD_PROMPTS, drawn by near_copies.draw_card_prompts:
PER_PROMPT samples each, DPM-Solver++ 20 steps, guidance 3, prompt i from seed i) and described by its card:

  clip_score     cos(prompt's text embedding, sample's image embedding) under the emoji CLIP, next to the same
                 for the REAL pictures most similar to the prompt (a ceiling of sorts)
  nearest        the training emoji nearest (CLIP image cosine) to each of the first GRID_ROW samples
  agreement      the colour judge (classifier_emoji, 9 categories) labels the sample with the category of the emoji
                 the prompt names (NAMED), or of the pictures the prior retrieves for it (they differ when
                 retrieval fails)
  emoji_fid      Fréchet distance of all samples to the twitter pictures on the judge's features, next to two
                 real-vs-real floors at the same n (metrics.Reference): google pictures vs twitter (the same emoji by
                 other artists) and twitter pictures vs all of them (sampling n alone)
  near_copies    near_copies.measure on the same samples (also written to <folder>/near_copies.json, which the app
                 reads), with the two styles of one emoji for scale (style_pairs)
  prompt_warning prompt_domain.measure on the emoji prompt lists (text/emoji_prompt_lists.py)
  samples_prompts.png  the first GRID_ROW samples of each prompt, one row per prompt

The judge is a sibling of the folder (../classifier_emoji) unless options.classifier names one; the emoji come
from the data (emoji.load_emoji), all of them, as the model was trained on both styles."""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import torch

from ..model_folder import read_config, training_seconds
from .metrics import Reference, load_classifier, predict_labels
from .text_model import GRID_NAME, warning_rows, warning_sizes

TEMPLATE = "emoji_text_model.md"
NAMED = {  # the card's prompts (near_copies.CARD_PROMPTS) -> the emoji each names, as EmojiSet.names[i][0] reads it
    "a red heart": "heavy black heart", "a smiling face with sunglasses": "smiling face with sunglasses",
    "the flag of japan": "flag of japan", "a green apple": "green apple", "a cat face": "cat face",
    "a rocket": "rocket", "a yellow star": "white medium star", "a blue car": "recreational vehicle",
    "a dog face": "dog face", "a slice of pizza": "slice of pizza", "a snowman": "snowman",
    "a grinning face": "grinning face"}
PER_PROMPT = 42
GRID_ROW = 8  # samples per row of the grid; the nearest training emoji are named for these
REAL = 2  # real pictures most similar to the prompt, for the CLIP score's ceiling (EMOJI_K: what the prior averages)


def majority(names: list[str]) -> str:
    """The most common name; a tie goes to the one listed first (the nearest)."""
    return Counter(names).most_common(1)[0][0]


@torch.no_grad()
def prompt_rows(prompts: list[str], text_emb, samples, sample_emb, pictures, emoji, judge, k: int) -> dict:
    """Per prompt: the named emoji and its category, what the prior's k nearest pictures are, the CLIP scores, the
    nearest training emoji of the first GRID_ROW samples and the judge's agreement. text_emb (P, D), samples
    (P, n, C, H, W) with their image embeddings (P, n, D), pictures (N, D): those of the training EmojiSet `emoji`."""
    from ..emoji import CATEGORIES, JUDGE_CATEGORIES

    first = {names[0]: i for i, names in reversed(list(enumerate(emoji.names)))}
    rows = {}
    for i, prompt in enumerate(prompts):
        named = first.get(NAMED[prompt])
        real = (text_emb[i] @ pictures.T).topk(max(k, REAL))  # the prior's pictures, most similar first
        nearest = (sample_emb[i, :GRID_ROW] @ pictures.T).argmax(1)
        judged = [JUDGE_CATEGORIES[c] for c in predict_labels(judge, samples[i]).tolist()]
        retrieved = majority([CATEGORIES[int(emoji.categories[j])] for j in real.indices[:k]])
        category = CATEGORIES[int(emoji.categories[named])] if named is not None else None
        rows[prompt] = {"emoji": NAMED[prompt], "category": category,
                        "retrieved": list(dict.fromkeys(emoji.names[j][0] for j in real.indices[:k].tolist())),
                        "retrieved_category": retrieved, "clip_score": (sample_emb[i] @ text_emb[i]).mean().item(),
                        "clip_score_real": real.values[:REAL].mean().item(),
                        "nearest": list(dict.fromkeys(emoji.names[j][0] for j in nearest.tolist())),
                        "judged": majority(judged), "agrees_named": sum(c == category for c in judged) / len(judged),
                        "agrees_retrieved": sum(c == retrieved for c in judged) / len(judged)}
    return rows


def near_copy_figures(folder: Path, samples, sample_emb, emoji, pictures, sampling: dict) -> dict:
    """near_copies.measure of the samples against the training pictures (groups: which emoji), saved as the folder's
    near_copies.json; with style_pairs, the two styles of one emoji measured the same way, for scale."""
    from dataclasses import asdict

    from ..near_copies import measure, save_report

    report = measure(samples, sample_emb, emoji.images, pictures, emoji.keys, sampling=sampling)
    save_report(report, folder)
    return {**asdict(report), "style_pairs": style_pairs(emoji, pictures)}


def style_pairs(emoji, pictures: torch.Tensor) -> dict:
    """Medians over the emoji drawn in both styles of the cosine of their two pictures' embeddings and of their
    pixel RMSE on [-1, 1]: how far apart two drawings of the same emoji are."""
    index = {(int(k), int(s)): i for i, (k, s) in enumerate(zip(emoji.keys, emoji.styles))}
    pairs = torch.tensor([(i, index[(k, 1)]) for (k, s), i in index.items() if s == 0 and (k, 1) in index])
    if not len(pairs):
        return {"pairs": 0}
    a, b = pairs[:, 0], pairs[:, 1]
    rmse = (emoji.images[a] - emoji.images[b]).pow(2).flatten(1).mean(1).sqrt()  # (P,)
    return {"pairs": len(pairs), "median_cosine": (pictures[a] * pictures[b]).sum(1).median().item(),
            "median_rmse": rmse.median().item()}


def prompt_warning(folder: Path) -> dict:
    from ..text.emoji_prompt_lists import labelled
    from ..text.prompt_domain import load_domain, measure

    return measure(load_domain(folder), labelled(0), labelled(1))


@torch.no_grad()
def evaluate(folder: Path, options) -> dict:
    """Every figure of the card; writes samples_prompts.png and near_copies.json. options: folder.Options
    (per_class: samples per prompt, classifier, data_root)."""
    from ..emoji import STYLES, dataset_style, load_emoji
    from ..images import make_grid, save_png
    from ..models import count_parameters
    from ..near_copies import CARD_PROMPTS, draw_card_prompts
    from ..pipeline import load_pipeline
    from ..text.clip import load_clip_of
    from ..text.prior import EMOJI_K, load_bank
    from ..text.prompt_domain import load_domain

    start, n, prompts = time.perf_counter(), options.per_class or PER_PROMPT, list(CARD_PROMPTS)
    pipe, bank = load_pipeline(folder, device="cpu"), load_bank(folder)
    clip = load_clip_of(pipe.info)
    judge_dir = Path(options.classifier or folder.resolve().parent / "classifier_emoji")
    judge = load_classifier(judge_dir)
    emoji = load_emoji(options.data_root, size=pipe.config.image_size)
    t0 = time.perf_counter()
    domain = load_domain(folder)
    flat, sampling = draw_card_prompts(pipe, clip, bank, n * len(prompts), clean=domain.clean)
    ms = (time.perf_counter() - t0) * 1000 / len(flat)
    samples = flat.view(len(prompts), n, *flat.shape[1:])  # (P, n, 3, 32, 32), prompt by prompt
    save_png(make_grid(samples[:, :GRID_ROW].flatten(0, 1), nrow=GRID_ROW, scale=3), folder / GRID_NAME)
    pictures, sample_emb = clip.encode_images(emoji.images), clip.encode_images(flat)  # (N, D), (P·n, D)
    text_emb = clip.encode_text([domain.clean(p)[0] for p in prompts])  # (P, D), as the samples were asked
    rows = prompt_rows(prompts, text_emb, samples, sample_emb.view(len(prompts), n, -1), pictures, emoji, judge,
                       bank.k if bank else EMOJI_K)
    ref = Reference.build(judge, "emoji", n_floor=len(flat), data_root=options.data_root)
    summary = pipe.info["training"]["summary"]
    return {"model": folder.name, "parameters": count_parameters(pipe.model), "clip": pipe.info["clip"],
            "training_pictures": len(emoji), "per_prompt": n, "sampling": sampling,
            "prior": {"images": len(bank), "k": bank.k, "every_picture": len(bank) == len(emoji)} if bank else None,
            "judge": judge_dir.name, "judge_test_accuracy": read_config(judge_dir)["test_accuracy"], "prompts": rows,
            "clip_score": sum(r["clip_score"] for r in rows.values()) / len(rows),
            "clip_score_real": sum(r["clip_score_real"] for r in rows.values()) / len(rows),
            "agreement": {key: sum(r[f"agrees_{key}"] for r in rows.values()) / len(rows)
                          for key in ("named", "retrieved")},
            "emoji_fid": {"fid": ref.fid(flat), "floor": ref.floor, "floor_same_style": ref.sampling_floor(len(flat)),
                          "n": len(flat)},
            "near_copies": near_copy_figures(folder, flat, sample_emb, emoji, pictures, sampling),
            "prompt_warning": prompt_warning(folder), "ms_per_image": ms, "train_steps": summary["steps"],
            "run_pictures": int(sum(STYLES[int(s)] in dataset_style(pipe.info["dataset"]) for s in emoji.styles)),
            "train_minutes": summary["train_seconds"] / 60, "eval_minutes": (time.perf_counter() - start) / 60,
            "threads": torch.get_num_threads()}


def lineage_text(summary: dict) -> str:
    """For a run started by `train --init`: what it started from, and the minutes of the whole lineage."""
    before = summary.get("init")
    if not before:
        return ""
    return (f"\n- Fine-tuned (`train --init`): those steps started from the weights of `{before['from']}` "
            f"({before['steps']:,} steps on `{before['dataset']}`, {before['train_seconds'] / 60:.0f} minutes): "
            f"**{training_seconds(summary) / 60:.0f} minutes** in all.")


def near_copy_text(c: dict) -> str:
    """The card's lines on near-copies (evaluation.json "near_copies": near_copies.NearCopyReport and style_pairs)."""
    pairs = c["style_pairs"]
    style = f" (the two styles of one emoji: {pairs['median_cosine']:.3f})" if pairs.get("pairs") else ""
    style_rmse = f" (the two styles of one emoji: {pairs['median_rmse']:.3f})" if pairs.get("pairs") else ""
    return (f"**Near-copies** (feature space: {c['feature_space']}; pixels: RMSE on [-1, 1]; "
            f"`diffusion_core/near_copies.py`, also in `near_copies.json`):\n"
            f"- the nearest training picture of a sample has median cosine {c['median_nearest']:.3f}{style}; a "
            f"training picture's nearest picture of *another* emoji reaches {c['threshold']:.3f} at its "
            f"{c['percentile']:g}th percentile.\n"
            f"- Samples closer to a training picture than that: **{c['share'] * 100:.1f} %** of {c['samples']}.\n"
            f"- In pixels: median RMSE to the pixel-nearest training picture {c['median_pixel_rmse']:.3f}{style_rmse}; "
            f"RMSE < {c['pixel_rmse']:g} (a copy up to faint noise): **{c['pixel_share'] * 100:.1f} %**.")


def table_rows(r: dict) -> dict:
    """The card's two per-prompt tables: CLIP scores with the nearest emoji, and the judge's agreement."""
    rows = r["prompts"].items()
    clip_rows = "\n".join(f"| {p} | {v['clip_score']:.3f} | {v['clip_score_real']:.3f} | {', '.join(v['nearest'])} |"
                          for p, v in rows)
    agreement_rows = "\n".join(f"| {p} | {v['emoji']} ({v['category']}) | {', '.join(v['retrieved'])} "
                               f"({v['retrieved_category']}) | {v['judged']} | {v['agrees_named'] * 100:.0f} % | "
                               f"{v['agrees_retrieved'] * 100:.0f} % |" for p, v in rows)
    return {"clip_rows": clip_rows, "agreement_rows": agreement_rows,
            "grid_rows": " · ".join(f"\"{p}\"" for p in r["prompts"])}


def card_fields(folder: Path, config: dict, r: dict) -> dict:
    """What emoji_text_model.md is filled with: the architecture and training from config.json, the report."""
    from .cards import files_section, thread_words
    from .diffusion import unet_words

    m, t, w = config["model"], config["training"], r["prompt_warning"]
    prior = r["prior"]
    prior_text = (f"`prior_bank.safetensors`: the {prior['images']:,} pictures embedded by the CLIP; the prior "
                  f"averages the **{prior['k']}** nearest, `EMOJI_K`"
                  if prior else "no prior bank here: the raw text embedding")
    fid = r["emoji_fid"]
    errors = "; ".join(f"when {when}: " + (", ".join(f'"{p}"' for p in prompts) or "none")
                       for when, prompts in w["held_out_errors"].items())
    return {**r, **unet_words(m), **table_rows(r), "name": folder.name, "size": m["image_size"],
            "base_channels": m["base_channels"],
            "mults": " ".join(str(k) for k in m["channel_mults"]), "res_blocks": m["num_res_blocks"],
            "schedule": t["schedule"], "timesteps": t["num_timesteps"], "min_snr": t["min_snr_gamma"],
            "ema": t["ema_decay"], "emoji_count": r["training_pictures"] // 2, "embed_dim": m["cond_dim"],
            "drop": t["cond_drop_prob"] * 100, "prior_text": prior_text, "batch_size": t["batch_size"],
            "passes": r["train_steps"] * t["batch_size"] / r.get("run_pictures", r["training_pictures"]),
            "lineage": lineage_text(t["summary"]), "lr": t["lr"],
            "warmup": t["warmup_steps"], "n_total": r["per_prompt"] * len(r["prompts"]),
            "train_threads": thread_words(t["num_threads"]),
            "prompt_count": len(r["prompts"]),
            "through_prior": ", through the prior" if prior else "", "real": REAL, "grid_row": GRID_ROW,
            "guidance": r["sampling"]["guidance_scale"],
            "k": prior["k"] if prior else REAL, "judge_percent": r["judge_test_accuracy"] * 100,
            "named": r["agreement"]["named"] * 100, "retrieved": r["agreement"]["retrieved"] * 100,
            "fid": fid["fid"], "floor": fid["floor"], "floor_same_style": fid["floor_same_style"],
            "near_copies": near_copy_text(r["near_copies"]), "warning_sizes": warning_sizes(w),
            "warning_rows": warning_rows(w["rows"]),
            "warning_errors": errors, "files": files_section(folder.name), "grid_name": GRID_NAME}
