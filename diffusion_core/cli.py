"""python -m diffusion_core train | sample | info | schedules | evaluate | prior-bank | export-onnx | quantize |
train-classifier | train-clip | models-table | near-copies  (each has --help)."""
from __future__ import annotations

import argparse
import json
import sys
import time

from .samplers import SAMPLERS
from .training.cli import add_train, add_train_classifier, add_train_clip

EPILOG = """examples:
  python -m diffusion_core schedules                       # ᾱ and SNR (dB) table of every schedule
  python -m diffusion_core train --dataset mnist --conditioning class --steps 3000 --out pretrained/my_mnist
  python -m diffusion_core sample pretrained/mnist_cond --labels 0 1 2 3 --sampler ddim --steps 50 --gif traj.gif
  python -m diffusion_core info pretrained/mnist_cond
  python -m diffusion_core prior-bank pretrained/text_cond  # CLIP image embeddings for the text model's prior
  python -m diffusion_core export-onnx pretrained/mnist_fast # model.onnx: the app serves it with ONNX Runtime
  python -m diffusion_core quantize pretrained/mnist_fast    # model.int8.onnx: int8 convolutions (VNNI CPUs)
  python -m diffusion_core evaluate pretrained/mnist_cond --write-card   # evaluation.json and the model card
  python -m diffusion_core evaluate pretrained/* --card-only          # re-render every card from stored figures
  python -m diffusion_core train-classifier mnist --epochs 2 --out pretrained/classifier_mnist
  python -m diffusion_core train-clip --steps 1500 --out pretrained/tiny_clip
  python -m diffusion_core train-clip --dataset emoji --steps 700 --out pretrained/emoji_clip
  python -m diffusion_core train --dataset emoji --image-size 32 --in-channels 3 --conditioning clip \
      --clip pretrained/emoji_clip --out pretrained/emoji_text    # RGB text-to-image on emoji
  python -m diffusion_core models-table pretrained --write README.md
  python -m diffusion_core near-copies pretrained/emoji_text --samples 504 --threads 1   # near_copies.json
"""


def _add_sample(sub):
    p = sub.add_parser("sample", help="generate images from a model directory into a PNG grid (and a GIF)")
    p.add_argument("model_dir")
    p.add_argument("-n", type=int, default=16, help="number of images")
    p.add_argument("--labels", type=int, nargs="*", help="class of each image (conditional models); repeats to n")
    p.add_argument("--sampler", choices=SAMPLERS, default="dpm_solver_pp")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--eta", type=float, default=0.0, help="DDIM noise: 0 deterministic, 1 like DDPM")
    p.add_argument("--guidance", type=float, default=2.0, help="classifier-free guidance scale w (1 = none)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="samples.png")
    p.add_argument("--gif", help="also write the trajectory (x_t | predicted x0) as an animated GIF")


def cmd_sample(a):
    import torch

    from .images import make_grid, save_gif, save_png
    from .pipeline import load_pipeline

    pipe = load_pipeline(a.model_dir)
    labels = None
    if pipe.config.num_classes:
        labels = (a.labels or list(range(pipe.config.num_classes))) * a.n
        labels = labels[: a.n]
    start = time.perf_counter()
    frames, last = [], None
    for step in pipe.sample(a.n, labels=labels, seed=a.seed, sampler=a.sampler, num_steps=a.steps, eta=a.eta,
                            guidance_scale=a.guidance):
        if a.gif:
            frames.append(make_grid(torch.cat([step.xt, step.x0]).clamp(-1, 1), nrow=a.n, scale=2))
        last = step
    print(f"{a.n} images, {a.steps} model evaluations, {time.perf_counter() - start:.2f} s")
    print("wrote", save_png(make_grid(last.xt.clamp(-1, 1), scale=2), a.out))
    if a.gif:
        print("wrote", save_gif(frames, a.gif))


def cmd_info(a):
    from .models import count_parameters
    from .pipeline import load_pipeline

    pipe = load_pipeline(a.model_dir)
    print(json.dumps({"path": a.model_dir, "parameters": count_parameters(pipe.model),
                      "model": vars(pipe.config), "schedule": pipe.schedule.name,
                      "num_timesteps": pipe.schedule.num_timesteps, "dataset": pipe.info.get("dataset")},
                     indent=2, default=list))


def cmd_prior_bank(a):
    from .text.prior import build_bank_for_model

    start = time.perf_counter()
    path = build_bank_for_model(a.model_dir, a.per_dataset, a.data_root)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.0f} s")


def cmd_schedules(a):
    from .schedules import snr_table

    print(snr_table(num_timesteps=a.num_timesteps))


def build_parser() -> argparse.ArgumentParser:
    """Every subcommand with its options; each sets its handler (or is looked up in main)."""
    parser = argparse.ArgumentParser(prog="python -m diffusion_core", epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     description="Diffusion Lab: train, sample and inspect diffusion models.")
    sub = parser.add_subparsers(dest="command", required=True)
    add_train(sub)
    _add_sample(sub)
    p = sub.add_parser("info", help="print a model directory's config and parameter count")
    p.add_argument("model_dir")
    p = sub.add_parser("schedules", help="print ᾱ_t and SNR (dB) of every schedule at a few t")
    p.add_argument("--num-timesteps", type=int, default=1000)
    p = sub.add_parser("prior-bank", help="embed training images with a text model's CLIP for its retrieval prior")
    p.add_argument("model_dir", help="a model directory conditioned on CLIP embeddings")
    p.add_argument("--per-dataset", type=int, default=5000, help="training images per dataset")
    p.add_argument("--data-root", help="folder with the dataset files")
    from .evaluation.cli import add_evaluate, add_models_table
    from .near_copies import add_near_copies
    from .serving.cli import add_export_onnx, add_quantize

    for add in (add_export_onnx, add_quantize, add_evaluate, add_models_table, add_train_classifier, add_train_clip,
                add_near_copies):
        add(sub)  # each sets its handler
    return parser


def main(argv=None):
    a = build_parser().parse_args(argv)
    handler = getattr(a, "handler", None) or {"sample": cmd_sample, "info": cmd_info,
                                               "schedules": cmd_schedules, "prior-bank": cmd_prior_bank}[a.command]
    try:
        handler(a)
    except Exception as e:  # a newcomer gets the message, not a traceback; --debug-ish via env if needed
        from .data import DatasetNotFound
        from .model_folder import ModelLoadError

        if isinstance(e, (DatasetNotFound, ModelLoadError, ValueError)):
            print(f"error: {e}", file=sys.stderr)
            return 2
        raise
    return 0
