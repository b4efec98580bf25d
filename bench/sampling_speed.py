"""Sampling speed of a shipped model on this CPU: n images, 20 DPM-Solver++ steps, side by side:
threads 1 vs 2; eager NCHW, eager channels_last, TracedModel (TorchScript trace + freeze, channels_last) and
OnnxModel (ONNX Runtime on the model's model.onnx: what the app serves); guidance off (w=1) vs on (w=2, doubled batch).

    python bench/sampling_speed.py [--model pretrained/mnist_fast] [-n 16]"""
import argparse
from pathlib import Path

import repo_path  # noqa: F401,I001 (first: the repository on sys.path)
import torch
from timing import median_time

from diffusion_core.pipeline import load_pipeline
from diffusion_core.serving.onnx import ONNX_NAME, OnnxModel
from diffusion_core.serving.traced import TracedModel


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default=str(Path(__file__).resolve().parents[1] / "pretrained" / "mnist_fast"))
    p.add_argument("-n", type=int, default=16)
    p.add_argument("--steps", type=int, default=20)
    a = p.parse_args()
    pipe = load_pipeline(a.model, device="cpu")
    eager = pipe.model
    labels = torch.arange(a.n) % max(1, pipe.config.num_classes) if pipe.config.num_classes else None
    base = None
    print(f"{a.n} images x {a.steps} steps (DPM-Solver++), model {a.model}")
    print(f"{'threads':>7} {'mode':<22} {'guidance':>8} {'seconds':>9} {'ms/img/step':>12} {'vs first':>9}")
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for mode in ("eager NCHW", "eager channels_last", "traced channels_last", "onnxruntime"):
            eager.to(memory_format=torch.contiguous_format if mode == "eager NCHW" else torch.channels_last)
            pipe.model = {"traced channels_last": lambda: TracedModel(eager),
                          "onnxruntime": lambda: OnnxModel(eager, Path(a.model) / ONNX_NAME)}.get(mode, lambda: eager)()
            for w in (1.0, 2.0):
                def run():
                    return pipe.generate(a.n, labels=labels, sampler="dpm_solver_pp", num_steps=a.steps,
                                         guidance_scale=w)
                run()  # warm-up (and the trace of this signature)
                s = median_time(run, repeats=3)
                base = base or s
                print(f"{threads:>7} {mode:<22} {w:>8g} {s:>9.3f} {s / a.n / a.steps * 1000:>12.2f} {s / base:>9.2f}x")


if __name__ == "__main__":
    main()
