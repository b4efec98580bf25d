"""Does the condition reach the picture? Small emoji U-Nets that differ only in how each block takes the embedding
(time + condition), trained in one run on the same twitter pictures, seeds and steps, then asked to draw every
picture they learned back from its own CLIP image embedding (DPM-Solver++ 20 steps, guidance 3):

    resnet              the DDPM block: Linear(emb) is added to the features, a per-channel shift
    resnet_scale_shift  ADM's block (Dhariwal & Nichol 2021): GN(h)·(1 + s) + b, a per-channel scale and shift

    python bench/cond_strength.py [--pictures 256] [--steps 1500] [--threads 2] [--run-dir runs/cond_strength]

Per block: the last 100 steps' mean loss, the pixel RMSE of each drawing to its picture on [-1, 1], the CLIP cosine
of drawing and picture, and the share of drawings whose nearest picture of the set (CLIP space) is their own
("recognised"); then the ratios. The shipped emoji model (base 32) is the resnet block; a drawing of "a rocket"
that is not a rocket is this test failing at 1,911 pictures. Runs resume from --run-dir."""
import argparse
from pathlib import Path

import repo_path  # noqa: F401,I001 (first: the repository on sys.path)
import torch
from repo_path import ROOT

from diffusion_core.evaluation.metrics import timed_generate
from diffusion_core.models import UNetConfig
from diffusion_core.near_copies import SAMPLING
from diffusion_core.pipeline import load_pipeline
from diffusion_core.training.config import TrainConfig
from diffusion_core.training.run import fit, load_training_data

BLOCKS = ("resnet", "resnet_scale_shift")
CLIP = str(ROOT / "pretrained" / "emoji_clip")


def train(block: str, cfg: TrainConfig, run_dir: Path) -> Path:
    """The shipped emoji U-Net's shape (base 32, mults 1 2 2 2, attention at 8 and 4 px) with this block."""
    model = UNetConfig(image_size=32, in_channels=3, base_channels=32, channel_mults=(1, 2, 2, 2),
                       attention_levels=(2, 3), block_type=block, cond_dim=128)
    out = run_dir / f"{block}_model"
    if not (out / "model.safetensors").is_file():
        fit(model, cfg, run_dir / block, out, progress=False)
    return out


@torch.no_grad()
def redraw(model_dir: Path, pictures: torch.Tensor, emb: torch.Tensor) -> dict:
    """pictures (N, 3, 32, 32) in [-1, 1] with their unit CLIP embeddings (N, D): each drawn back from its own."""
    from diffusion_core.text.clip import load_clip

    pipe = load_pipeline(model_dir, device="cpu")
    drawn, _ = timed_generate(pipe, len(emb), 64, cond=emb, seed=0, **SAMPLING)  # (N, 3, 32, 32)
    drawn_emb = load_clip(CLIP).encode_images(drawn)  # (N, D)
    own = torch.arange(len(pictures))
    summary = pipe.info["training"]["summary"]
    return {"loss": summary["final_loss_avg"],
            "rmse": (drawn - pictures).pow(2).flatten(1).mean(1).sqrt().mean().item(),
            "cosine": (drawn_emb * emb).sum(1).mean().item(),
            "recognised": ((drawn_emb @ emb.T).argmax(1) == own).float().mean().item()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--pictures", type=int, default=256, help="the first N twitter emoji")
    p.add_argument("--steps", type=int, default=1500)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--run-dir", default=str(ROOT / "runs" / "cond_strength"))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    cfg = TrainConfig(dataset="emoji_twitter", limit=a.pictures, conditioning="clip", clip=CLIP, steps=a.steps,
                      num_threads=a.threads, sample_every=0, checkpoint_every=250, log_every=100)
    pictures, emb = load_training_data(cfg, 32)  # (N, 3, 32, 32), their unit CLIP embeddings (N, D)
    rows = {block: redraw(train(block, cfg, Path(a.run_dir)), pictures, emb) for block in BLOCKS}
    print(f"{a.pictures} twitter emoji, {a.steps} steps of batch 64 each, drawn back from their own embeddings:")
    print(f"{'block':20s} {'loss':>8s} {'RMSE':>7s} {'cosine':>7s} {'recognised':>10s}")
    for block, r in rows.items():
        print(f"{block:20s} {r['loss']:8.4f} {r['rmse']:7.3f} {r['cosine']:7.3f} {r['recognised'] * 100:9.1f} %")
    base, new = rows["resnet"], rows["resnet_scale_shift"]
    recognised = f"{new['recognised'] / base['recognised']:.2f}" if base["recognised"] else "— (none with add)"
    print(f"scale-shift / add: loss {new['loss'] / base['loss']:.2f}, RMSE {new['rmse'] / base['rmse']:.2f}, "
          f"recognised {recognised}")


if __name__ == "__main__":
    main()
