"""The emoji CLIP (text/emoji_clip.py), measured and described by its card:

  held_out   on the held-out emoji (emoji.held_out: 5 % of the emoji, both styles), never trained on: zero-shot
             category, name retrieval top-1 / top-5 among their names, the colour word of "a {colour} {name}";
             both styles together and each alone (text/emoji_clip.measure_emoji_clip)
  prompts    prompts a student would type, and two far from emoji: the names of the pictures most similar to
             each (CLIP text · image cosine over every picture of both styles, best first), which is what the text
             model's retrieval prior averages

The held-out figures also go into config.json ("evaluation"), as train-clip writes them."""
from __future__ import annotations

from pathlib import Path

import torch

from .folder import record_in_config

TEMPLATE = "emoji_clip.md"
PROMPTS = ["a red heart", "a smiling face with sunglasses", "a green apple", "a cat face", "a dog face", "a rocket",
           "a snowman", "a pizza", "a grinning face", "a blue car", "a yellow star", "the flag of japan"]
FAR_PROMPTS = ["a photograph of the milky way galaxy", "zzzz"]
NEAREST = 8  # pictures per prompt (both styles of one emoji count twice; the card names each emoji once)


@torch.no_grad()
def nearest_names(clip, emoji, prompts: list[str], k: int = NEAREST) -> dict:
    """{prompt: {names, similarity}}: the names of the k pictures most similar to the prompt, best first, each emoji
    once, and the best cosine. emoji: an emoji.EmojiSet."""
    images = clip.encode_images(emoji.images)  # (N, D)
    sims = clip.encode_text(prompts) @ images.T  # (P, N)
    top = sims.topk(min(k, len(emoji)), dim=1)
    return {p: {"names": list(dict.fromkeys(emoji.names[i][0] for i in top.indices[j].tolist())),
                "similarity": top.values[j, 0].item()} for j, p in enumerate(prompts)}


def evaluate(folder: Path, options) -> dict:
    """{held_out: measure_emoji_clip's figures, prompts: nearest_names of PROMPTS + FAR_PROMPTS}."""
    from ..emoji import held_out, load_emoji
    from ..text.clip import load_clip_dir
    from ..text.emoji_clip import measure_emoji_clip

    clip = load_clip_dir(folder)
    size = clip.model.visual.image_size
    emoji = load_emoji(options.data_root, size=size[0] if isinstance(size, (tuple, list)) else size)
    figures = measure_emoji_clip(clip, emoji.subset(held_out(emoji)))
    record_in_config(folder, {"evaluation": figures})
    return {"held_out": figures, "prompts": nearest_names(clip, emoji, PROMPTS + FAR_PROMPTS),
            "far_prompts": FAR_PROMPTS}


def prompt_lines(prompts: dict, far: list[str]) -> str:
    """One line per prompt: "a red heart": name, name, … (best cosine)."""
    return "\n".join(f"- {'far from emoji: ' if p in far else ''}\"{p}\": {', '.join(v['names'])} "
                     f"(best {v['similarity']:.2f})" for p, v in prompts.items())


def card_fields(folder: Path, config: dict, r: dict) -> dict:
    """What emoji_clip.md is filled with: clip.py's architecture fields, the storage, the two measurements."""
    from ..emoji import CATEGORIES, STYLES
    from ..model_folder import WEIGHTS_NAME, read_weights
    from ..text.clip import KEPT_ROWS, TOKEN_TABLE
    from .clip import architecture_fields

    weights, h = read_weights(folder), r["held_out"]
    table = config["model_cfg"]["text_cfg"]["vocab_size"]
    kept = len(weights[KEPT_ROWS]) if KEPT_ROWS in weights else table
    width = weights[TOKEN_TABLE].shape[1]
    stored = sum(v.numel() for k, v in weights.items() if k != KEPT_ROWS)
    return {**architecture_fields(folder, config), "parameters": stored + (table - kept) * width,
            "training_images": config["training_images"], "lr": config["lr"], "final_loss": config["final_loss"],
            "held_out_rule": config["held_out_rule"], "megabytes": (folder / WEIGHTS_NAME).stat().st_size / 1e6,
            "table_rows": table, "kept_rows": kept, "images": h["images"], "emoji": h["emoji"],
            "categories": len(CATEGORIES), "category": h["category_accuracy"] * 100, "top1": h["top1"] * 100,
            "top5": h["top5"] * 100, "chance1": 100 / h["emoji"], "chance5": 500 / h["emoji"],
            "colour": h["colour_accuracy"] * 100,
            "style_rows": "\n".join(f"| {s} | {h[s]['category_accuracy']:.1%} | {h[s]['top1']:.1%} | "
                                    f"{h[s]['top5']:.1%} |" for s in STYLES if s in h),
            "nearest": NEAREST, "prompt_lines": prompt_lines(r["prompts"], r["far_prompts"]),
            "lit_line": lit_line(config.get("lit"))}


def lit_line(lit: dict | None) -> str:
    """The card's line for a locked-image text tuning that followed the first run (fit_emoji_clip), if one did."""
    if not lit:
        return ""
    return (f"\n- Then **{lit['steps']} steps of the text tower alone** (locked-image tuning, LiT: Zhai et al. 2022), "
            f"batch {lit['batch_size']}, lr {lit['lr']:g}: **{lit['train_minutes']:.1f} minutes**, final loss "
            f"{lit['final_loss']:.3f}. The image tower did not move, so the pictures' embeddings, which the "
            "text-to-image model is conditioned on, are the same as before.")
