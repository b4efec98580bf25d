"""python -m diffusion_core.toy2d train-presets --out <folder> [--steps N] [--datasets …] [--objectives …]"""
import argparse
import sys

import torch

from ..training.config import OBJECTIVES
from .datasets import DATASETS
from .presets import PRESET_STEPS, train_presets


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m diffusion_core.toy2d", description="The 2-D playground's presets.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("train-presets", help="train one network per dataset and objective into one model folder")
    p.add_argument("--out", required=True, help="the presets folder (the app reads assets/playground)")
    p.add_argument("--steps", type=int, default=PRESET_STEPS)
    p.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    p.add_argument("--objectives", nargs="+", choices=OBJECTIVES, default=list(OBJECTIVES))
    p.add_argument("--threads", type=int, default=1, help="torch threads (the card's timings are for 1)")
    a = parser.parse_args(argv)
    torch.set_num_threads(a.threads)
    print(f"wrote {train_presets(a.out, a.steps, a.datasets, a.objectives)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
