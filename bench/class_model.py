"""The class model of a live class (lab/live/class_training.py): one training on N drawings as the server runs it
(one thread), then pictures drawn from it and their nearest drawings; prints JSON. MNIST digits stand in for the
class's drawings (the first N of the training set).

    OMP_NUM_THREADS=1 python bench/class_model.py --drawings 60 --steps 1000
    MALLOC_ARENA_MAX=2 OMP_NUM_THREADS=1 python bench/class_model.py --classes 4 --steps 200    # memory

    wall_s, cpu_s      the training's wall time and the process's CPU seconds during it
    rss_*_mb           the process's resident memory before and after (the trained model kept, as a class keeps it)
    --classes K        instead: K trainings one after another, each in its own thread as the server runs them, each
                       model dropped after (its class forgotten); the RSS after each (MALLOC_ARENA_MAX=2 as the app)
    drawn              per sampler (--samplers ddpm:30 …, the class draws with class_training.SAMPLER): seconds per
                       four pictures, and of --pictures pictures the median RMSE to the nearest drawing and the
                       near-copy share: nearer to a drawing than 95 % of the drawings are to their nearest other
                       drawing (near_copies.pixel_threshold, as the class is told)
A bench: it asserts nothing."""
from __future__ import annotations

import argparse
import gc
import json
import threading
import time

import repo_path  # noqa: F401  (the repository on sys.path)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--drawings", type=int, default=60)
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--pictures", type=int, default=32)
    p.add_argument("--classes", type=int, default=0)
    p.add_argument("--samplers", nargs="+", default=["ddim:20", "ddpm:30", "ddpm:50"])
    a = p.parse_args()
    import torch

    from diffusion_core.data import load_images

    torch.set_num_threads(1)
    x0, _ = load_images("mnist", "train", limit=a.drawings)
    print(json.dumps(class_after_class(x0, a.classes, a.steps) if a.classes else one_class(x0, a), indent=1))


def class_after_class(x0, classes: int, steps: int) -> dict:
    from lab.live.class_training import measure_training, rss_mb

    before, after = rss_mb(), []
    for _ in range(classes):
        thread = threading.Thread(target=measure_training, args=(x0, steps))  # its model is dropped when it ends
        thread.start()
        thread.join()
        gc.collect()
        after.append(rss_mb())
    return {"drawings": len(x0), "steps": steps, "rss_before_mb": before, "rss_after_each_class_mb": after}


def one_class(x0, a) -> dict:
    import torch

    from diffusion_core.near_copies import pixel_nearest, pixel_threshold
    from diffusion_core.samplers import generate
    from lab.live.class_training import SCHEDULE, measure_training

    measured = measure_training(x0, a.steps)
    model, tau, drawn = measured.pop("model"), pixel_threshold(x0), {}
    for spec in a.samplers:  # "ddpm:30": a sampler of diffusion_core.samplers and its steps
        sampler, steps = spec.split(":")
        start = time.perf_counter()
        pictures = generate(model, SCHEDULE, (a.pictures, 1, 28, 28), sampler=sampler, num_steps=int(steps),
                            generator=torch.Generator().manual_seed(1)).clamp(-1, 1)
        seconds = time.perf_counter() - start
        rmse, _ = pixel_nearest(pictures, x0)
        drawn[spec] = {"s_per_4": round(4 * seconds / a.pictures, 3), "median_rmse": round(float(rmse.median()), 3),
                       "near_copy_share": round(float((rmse < tau).float().mean()), 3)}
    return {**measured, "threshold": round(tau, 3), "pictures": a.pictures, "drawn": drawn}


if __name__ == "__main__":
    main()
