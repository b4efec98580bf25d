"""Tab 4's settings for a class, measured with the project's evaluation harness side by side: today's DDIM 50 steps
against DPM-Solver++(2M) at 20 and 10 steps, served in float32 and in int8, all at guidance w=2 with the guidance
interval, the same labels and seeds. Reports domain-FID (next to the real-vs-real floor at the same n), class
agreement and time per image.

    python bench/class_defaults.py [--model mnist_fast] [-n 500] [--threads 2]
"""
import argparse
from pathlib import Path

import repo_path  # noqa: F401,I001 (first: the repository on sys.path)
import torch

from diffusion_core.evaluation.metrics import Reference, load_classifier, predict_labels, timed_generate
from diffusion_core.pipeline import load_pipeline
from diffusion_core.samplers import PAPER_GUIDANCE_INTERVAL
from diffusion_core.serving.onnx import serving_model

PRETRAINED = Path(__file__).resolve().parents[1] / "pretrained"
SETTINGS = [("ddim", 50, "float32"), ("dpm_solver_pp", 20, "float32"), ("dpm_solver_pp", 10, "float32"),
            ("ddim", 50, "int8"), ("dpm_solver_pp", 20, "int8"), ("dpm_solver_pp", 10, "int8")]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="mnist_fast")
    p.add_argument("-n", type=int, default=500)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    directory = PRETRAINED / a.model
    pipe = load_pipeline(directory, "cpu")
    served = {precision: serving_model(pipe.model, directory, a.threads, precision)
              for precision in ("float32", "int8")}
    classifier = load_classifier(PRETRAINED / f"classifier_{pipe.info['dataset']}")
    reference, labels = Reference.build(classifier, pipe.info["dataset"], n_floor=a.n), torch.arange(a.n) % 10
    print(f"{a.model}, w=2 with the guidance interval, n={a.n} (classes cycling), batches of 100, threads={a.threads}; "
          f"floor {reference.floor:.2f}")
    print(f"{'sampler':<16}{'steps':>6}{'served as':>20}{'domain-FID':>12}{'agreement':>11}{'ms/img':>9}"
          f"{'time vs DDIM 50':>17}")
    base = None
    for sampler, steps, precision in SETTINGS:
        pipe.model = served[precision]
        images, seconds = timed_generate(pipe, a.n, batch=100, labels=labels, sampler=sampler, num_steps=steps,
                                         guidance_scale=2.0, guidance_interval=PAPER_GUIDANCE_INTERVAL)
        base = base or seconds
        agreement = (predict_labels(classifier, images) == labels).float().mean().item()
        print(f"{sampler:<16}{steps:>6}{served[precision].backend:>20}{reference.fid(images):>12.2f}"
              f"{agreement * 100:>10.1f}%{seconds * 1000:>9.2f}{seconds / base:>16.2f}x", flush=True)


if __name__ == "__main__":
    main()
