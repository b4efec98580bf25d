"""Train the project's small CLIP on captioned MNIST + Fashion-MNIST and ship it to pretrained/tiny_clip.

    python scripts/train_clip.py --steps 1500 --batch-size 256 --threads 2
Writes config.json (open_clip config + caption thresholds), model.safetensors (float16) and a card with
the zero-shot and attribute-retrieval accuracy measured by evaluate_clip.py."""
import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from diffusion_core.data import load_images  # noqa: E402
from diffusion_core.text.clip import TINY_CLIP, captioned_data, create_clip, save_clip, train_clip_steps  # noqa: E402
from evaluate_clip import card, measure_clip  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=1500)
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--out", default=str(ROOT / "pretrained" / "tiny_clip"))
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    data = captioned_data({name: load_images(name, "train") for name in ("mnist", "fashion_mnist")})
    clip = create_clip(TINY_CLIP)
    start, log = time.perf_counter(), []
    for stats in train_clip_steps(clip, data, a.steps, a.batch_size, a.lr):
        log.append(stats["loss"])
        if stats["step"] % 50 == 0:
            print(f"step {stats['step']}/{a.steps} loss {sum(log[-50:]) / 50:.3f}", flush=True)
    minutes = (time.perf_counter() - start) / 60
    clip.info = {"trained_on": "MNIST + Fashion-MNIST training sets with generated captions", "caption_thresholds": data.cuts,
                 "steps": a.steps, "batch_size": a.batch_size, "train_minutes": minutes}
    save_clip(clip, a.out)
    clip.info.update(measure_clip(Path(a.out)))
    save_clip(clip, a.out, card=card(clip.info))
    print(json.dumps(clip.info, indent=2, default=str))


if __name__ == "__main__":
    main()
