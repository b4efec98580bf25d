"""The emoji text model's quality over all emoji, not only the card's 12 prompts, for several checkpoints side by
side: emoji-FID (the colour judge's features) of n samples against the twitter pictures, (a) conditioned on the CLIP
image embeddings of n training pictures drawn at random (w=3), (b) unconditional (the null condition, w=1).

    python bench/emoji_fid_breadth.py pretrained/emoji_text runs/emoji_text_19600 [-n 504] [--threads 2]

The card's emoji-FID comes from 12 prompts, so a model that follows prompts more closely can score worse there by
drawing a narrower set; (a) and (b) separate that narrowing from the quality of the pictures."""
import argparse
from pathlib import Path

import repo_path  # noqa: F401,I001 (first: the repository on sys.path)
import torch
from repo_path import ROOT

from diffusion_core.emoji import load_emoji
from diffusion_core.evaluation.metrics import Reference, load_classifier, timed_generate
from diffusion_core.near_copies import SAMPLING
from diffusion_core.pipeline import load_pipeline
from diffusion_core.text.clip import load_clip_of

BATCH = 84


def main():
    p = argparse.ArgumentParser()
    p.add_argument("models", nargs="+", help="emoji text model folders")
    p.add_argument("-n", type=int, default=504)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    ref = Reference.build(load_classifier(ROOT / "pretrained" / "classifier_emoji"), "emoji", n_floor=a.n)
    emoji = load_emoji(None, size=32)
    chosen = torch.randperm(len(emoji), generator=torch.Generator().manual_seed(0))[:a.n]
    print(f"emoji-FID, n={a.n}, against the twitter pictures; floors: other style {ref.floor:.1f}, "
          f"same style {ref.sampling_floor(a.n):.1f}")
    print(f"{'model':32s} {'steps':>6s} {'random pictures, w=3':>21s} {'unconditional':>14s}")
    for folder in map(Path, a.models):
        pipe = load_pipeline(folder, device="cpu")
        with torch.no_grad():
            cond = load_clip_of(pipe.info).encode_images(emoji.images[chosen])  # (n, D)
        # the card's sampler (DPM-Solver++ 20, w = 3) for (a); the null condition needs no guidance for (b)
        conditioned, _ = timed_generate(pipe, a.n, BATCH, cond=cond, seed=0, **SAMPLING)
        unconditional, _ = timed_generate(pipe, a.n, BATCH, seed=10_000, **{**SAMPLING, "guidance_scale": 1.0})
        steps = pipe.info["training"]["summary"]["steps"]
        print(f"{str(folder):32s} {steps:6d} {ref.fid(conditioned):21.1f} {ref.fid(unconditional):14.1f}", flush=True)


if __name__ == "__main__":
    main()
