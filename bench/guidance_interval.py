"""Classifier-free guidance at every step vs only inside a noise interval (Kynkäänniemi et al. 2024), side by side:
domain-FID, class agreement and time for the same labels and seeds.

    python bench/guidance_interval.py [--models mnist_fast mnist_cond] [-n 500] [--threads 2]

Guidance needs a second (unconditional) network evaluation; the interval skips it where σ_t = sqrt((1-ᾱ_t)/ᾱ_t)
is outside (0.28, 5.42], i.e. at nearly pure noise and at the last, nearly clean steps."""
import argparse

import repo_path  # noqa: F401,I001 (first: the repository on sys.path)
import torch
from repo_path import ROOT

from diffusion_core.evaluation.metrics import Reference, load_classifier, predict_labels, timed_generate
from diffusion_core.pipeline import load_pipeline
from diffusion_core.samplers import PAPER_GUIDANCE_INTERVAL
from diffusion_core.serving.onnx import serving_model

SETTINGS = [("no guidance", 1.0, None), ("every step", 2.0, None), ("interval", 2.0, PAPER_GUIDANCE_INTERVAL),
            ("every step", 3.0, None), ("interval", 3.0, PAPER_GUIDANCE_INTERVAL)]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models", nargs="+", default=["mnist_fast", "mnist_cond"])
    p.add_argument("-n", type=int, default=500)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(f"DPM-Solver++ {a.steps} steps, n={a.n} (classes cycling), batches of 100; threads={a.threads}")
    print(f"{'model':<20}{'guidance':<14}{'w':>4}{'domain-FID':>12}{'floor':>7}{'agreement':>11}{'ms/img':>8}"
          f"{'time vs every step':>20}")
    for name in a.models:
        directory = ROOT / "pretrained" / name
        pipe = load_pipeline(directory, "cpu")
        pipe.model = serving_model(pipe.model, directory)
        classifier = load_classifier(ROOT / "pretrained" / f"classifier_{pipe.info['dataset']}")
        ref = Reference.build(classifier, pipe.info["dataset"], n_floor=a.n)
        labels = torch.arange(a.n) % 10
        every = {}
        for label, w, interval in SETTINGS:
            images, sec = timed_generate(pipe, a.n, batch=100, labels=labels, sampler="dpm_solver_pp",
                                         num_steps=a.steps, guidance_scale=w, guidance_interval=interval)
            agreement = (predict_labels(classifier, images) == labels).float().mean().item()
            every.setdefault(w, sec)
            print(f"{name:<20}{label:<14}{w:>4g}{ref.fid(images):>12.2f}{ref.floor:>7.2f}{agreement * 100:>10.1f}%"
                  f"{sec * 1000:>8.1f}{sec / every[w]:>19.2f}x", flush=True)


if __name__ == "__main__":
    main()
