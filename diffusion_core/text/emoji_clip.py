"""The project's small CLIP for emoji: open_clip's CLIP (`model_configs/diffusion-lab-emoji-clip.json`, 32×32×3
images, 128-d embeddings) trained from scratch with ClipLoss (Radford et al. 2021) on emoji pictures and the
captions emoji.py builds (names, short names, categories, measured colours), then measured on emoji it never saw.

    clip, emoji = fit_emoji_clip(steps=700)                     # trains on 95 % of the emoji, both styles
    figures = measure_emoji_clip(clip, emoji.subset(held_out(emoji)))  # zero-shot category, name retrieval, colour
    save_clip(clip, "pretrained/emoji_clip", keep_tokens=caption_tokens(clip, emoji))

Its card is rendered from templates/emoji_clip.md by `python -m diffusion_core evaluate` (evaluation/emoji_clip.py).

The token table keeps only the rows of tokens the captions use (a few thousand of 49,408): a 5.7 M-parameter
CLIP stored in 3 MB instead of 11; any other word reads as a zero vector.

Held out: every 20th emoji of the picker order (emoji.held_out), in both styles, so the figures are on pictures
and names the CLIP was not trained on; the words of those names mostly occur in other emoji ("cat", "face").
"""
from __future__ import annotations

import time

import torch
import torch.nn.functional as F

from ..emoji import CATEGORIES, COLOURS, STYLES, EmojiSet, held_out, load_emoji
from .clip import Clip, create_clip, load_clip_dir, train_clip_steps

EMOJI_CLIP = "diffusion-lab-emoji-clip"
CATEGORY_PROMPTS = ["{c} emoji", "an emoji of {c}", "a picture from {c}"]


def fit_emoji_clip(steps: int, batch_size: int = 256, lr: float = 3e-4, data_root=None, limit: int | None = None,
                   styles: tuple[str, ...] = STYLES, log_every: int = 50, init=None,
                   lock_image: bool = False) -> tuple[Clip, EmojiSet]:
    """EMOJI_CLIP trained (seed 0) on the emoji not held out, from scratch or from the CLIP folder `init`; returns
    it and all the emoji (the held-out ones are emoji.subset(held_out(emoji))). lock_image tunes the text tower
    alone (LiT: train_clip_steps), so the image space stays the one `init` had. Its info records what it saw,
    the held-out share, steps, batch size and minutes (save_clip writes them); a LiT run's figures go under
    info["lit"] beside those of the run it started from."""
    if bool(init) != lock_image:
        raise ValueError("init and lock_image go together: a run from `init` tunes its text tower alone (LiT)")
    torch.manual_seed(0)
    clip = load_clip_dir(init) if init else create_clip(EMOJI_CLIP)
    size = clip.model.visual.image_size
    emoji = load_emoji(data_root, size=size[0] if isinstance(size, (tuple, list)) else size, styles=styles, limit=limit)
    test = held_out(emoji)
    train = emoji.subset(~test)
    start, losses = time.perf_counter(), []
    for stats in train_clip_steps(clip, train, steps, batch_size, lr, lock_image=lock_image):
        losses.append(stats["loss"])
        if stats["step"] % log_every == 0:
            print(f"step {stats['step']}/{steps} loss {sum(losses[-log_every:]) / log_every:.3f}", flush=True)
    figures = {"steps": steps, "batch_size": batch_size, "lr": lr, "train_minutes": (time.perf_counter() - start) / 60,
               "final_loss": sum(losses[-log_every:]) / max(1, len(losses[-log_every:]))}
    if init and lock_image:
        clip.info = {**clip.info, "lit": figures}
        return clip, emoji
    clip.info = {"trained_on": f"emoji ({', '.join(styles)}), alpha on white, with generated captions (emoji.py)",
                 "dataset": "emoji", "training_images": len(train), "held_out_images": len(emoji) - len(train),
                 "held_out_rule": "emoji key % 20 == 10 (emoji.held_out)", **figures}
    return clip, emoji


def caption_tokens(clip: Clip, emoji: EmojiSet) -> list[int]:
    """Every token a caption of these emoji (EmojiSet.every_caption) or an evaluation prompt can hold, with start,
    end and padding: the rows of the token table worth storing (save_clip's keep_tokens)."""
    texts = ({c for i in range(len(emoji)) for c in emoji.every_caption(i)}
             | {emoji.plain_caption(i) for i in range(len(emoji))})
    texts |= {p.format(c=c.lower().replace("&", "and")) for p in CATEGORY_PROMPTS for c in CATEGORIES}
    texts |= {f"a {c} {names[0]}" for c in COLOURS for names in emoji.names}  # colour_accuracy's prompts
    ids = set(clip.tokenizer([""])[0].tolist())
    for text in texts:
        ids |= set(clip.tokenizer.encode(text))
    return sorted(ids)


@torch.no_grad()
def category_accuracy(clip: Clip, emoji: EmojiSet) -> float:
    """Zero-shot: each picture's category is the one whose prompts (CATEGORY_PROMPTS, averaged) are most similar."""
    present = sorted(set(emoji.categories.tolist()))
    names = [CATEGORIES[c].lower().replace("&", "and") for c in present]
    prompts = torch.stack([F.normalize(clip.encode_text([p.format(c=n) for p in CATEGORY_PROMPTS]).mean(0), dim=0)
                           for n in names])
    guess = (clip.encode_images(emoji.images) @ prompts.T).argmax(1)
    return (torch.tensor(present)[guess] == emoji.categories).float().mean().item()


@torch.no_grad()
def name_retrieval(clip: Clip, emoji: EmojiSet, ks: tuple[int, ...] = (1, 5)) -> dict[str, float]:
    """Image -> text: rank "a {name}" of every emoji in the set for each picture; the share whose own name is in the
    top k (chance k / number of emoji)."""
    keys = sorted(set(emoji.keys.tolist()))
    first = {k: emoji.keys.tolist().index(k) for k in keys}
    text = clip.encode_text([f"a {emoji.names[first[k]][0]}" for k in keys])  # (K, D)
    sims = clip.encode_images(emoji.images) @ text.T  # (N, K)
    truth = torch.tensor([keys.index(k) for k in emoji.keys.tolist()])
    rank = (sims > sims.gather(1, truth[:, None])).sum(1)  # how many names beat the right one
    return {f"top{k}": (rank < k).float().mean().item() for k in ks}


@torch.no_grad()
def colour_accuracy(clip: Clip, emoji: EmojiSet) -> float:
    """For each picture, the 11-way choice among "a {colour} {name}": the share where its measured dominant colour
    wins (chance 1/11)."""
    img = clip.encode_images(emoji.images)
    correct = 0
    for i in range(len(emoji)):
        text = clip.encode_text([f"a {c} {emoji.names[i][0]}" for c in COLOURS])
        correct += int(COLOURS[int((text @ img[i]).argmax())] == emoji.colours[i][0])
    return correct / max(1, len(emoji))


def measure_emoji_clip(clip: Clip, held: EmojiSet) -> dict:
    """The card's figures on the held-out emoji (both styles together, and each style alone)."""
    out = {"images": len(held), "emoji": len(set(held.keys.tolist())),
           "category_accuracy": category_accuracy(clip, held), **name_retrieval(clip, held),
           "colour_accuracy": colour_accuracy(clip, held)}
    for s, style in enumerate(STYLES):
        mask = held.styles == s
        if mask.any():
            part = held.subset(mask)
            out[style] = {"category_accuracy": category_accuracy(clip, part), **name_retrieval(clip, part)}
    return out
