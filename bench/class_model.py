"""The class model of a live class (lab/live/class_training.py): one training on N drawings as the server runs it
(one thread), then pictures drawn from it and their nearest drawings; prints JSON. MNIST digits stand in for the
class's drawings (the first N of the training set).

    OMP_NUM_THREADS=1 python bench/class_model.py --drawings 60 --steps 1000

    wall_s, cpu_s      the training's wall time and the process's CPU seconds during it
    rss_*_mb           the process's resident memory before and after (the trained model kept, as a class keeps it)
    near_copy_share    of --pictures pictures drawn, the share within pixel RMSE 0.1 of a drawing
A bench: it asserts nothing."""
from __future__ import annotations

import argparse
import json
import time

import repo_path  # noqa: F401  (the repository on sys.path)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--drawings", type=int, default=60)
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--pictures", type=int, default=32)
    a = p.parse_args()
    from diffusion_core.data import load_images
    from diffusion_core.near_copies import PIXEL_RMSE, pixel_nearest
    from lab.live.class_training import draw, measure_training

    x0, _ = load_images("mnist", "train", limit=a.drawings)
    measured = measure_training(x0, a.steps)
    model = measured.pop("model")
    start = time.perf_counter()
    pictures = draw(model, a.pictures, seed=1)
    draw_s = time.perf_counter() - start
    rmse, _ = pixel_nearest(pictures, x0)
    print(json.dumps({**measured, "pictures": a.pictures, "draw_s_per_4": round(4 * draw_s / a.pictures, 3),
                      "near_copy_share": round(float((rmse < PIXEL_RMSE).float().mean()), 3),
                      "median_rmse": round(float(rmse.median()), 3), "rmse": [round(float(r), 3) for r in rmse]},
                     indent=1))


if __name__ == "__main__":
    main()
