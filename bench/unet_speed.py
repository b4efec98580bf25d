"""Per-image U-Net speed against the obvious alternative, side by side in one run: diffusers' UNet2DModel (same
blocks, same channels, so equal FLOPs) in PyTorch vs this project's U-Net eager, through ONNX Runtime float32 and
int8; GFLOP/s of each next to this CPU's measured convolution throughput; 16 samples × 20 DDIM steps end to end;
and the domain-FID of int8 vs float32 samples from the same seeds.

    python bench/unet_speed.py [--model mnist_cond] [--threads 1] [-n 16] [--fid-n 500]
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import repo_path  # noqa: F401,I001 (first: the repository on sys.path)
import torch
from timing import median_time
from torch.utils.flop_counter import FlopCounterMode

from diffusion_core.data import load_images
from diffusion_core.evaluation.metrics import Reference, load_classifier
from diffusion_core.pipeline import load_pipeline
from diffusion_core.samplers import PAPER_GUIDANCE_INTERVAL
from diffusion_core.serving.onnx import INT8_NAME, OnnxModel
from diffusion_core.serving.quantize import output_error, quantize_int8

PRETRAINED = Path(__file__).resolve().parents[1] / "pretrained"


def diffusers_twin(cfg):
    """UNet2DModel with the project U-Net's blocks: ResNet blocks, channels base·mults, attention at the coarsest
    level."""
    from diffusers import UNet2DModel

    channels = tuple(cfg.base_channels * m for m in cfg.channel_mults)
    down = tuple("AttnDownBlock2D" if i in cfg.attention_levels else "DownBlock2D" for i in range(len(channels)))
    return UNet2DModel(sample_size=cfg.image_size, in_channels=cfg.in_channels, out_channels=cfg.in_channels,
                       block_out_channels=channels, layers_per_block=cfg.num_res_blocks, down_block_types=down,
                       up_block_types=tuple(d.replace("Down", "Up") for d in reversed(down)), norm_num_groups=8,
                       num_class_embeds=cfg.num_classes + 1 if cfg.num_classes else None).eval()


def gflop(fn) -> float:
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops() / 1e9


def conv_throughput(threads: int) -> float:
    """GFLOP/s of one large 3×3 convolution (64 -> 64 channels, 16 × 56×56) in PyTorch: what this CPU does at best."""
    x, conv = torch.randn(16, 64, 56, 56), torch.nn.Conv2d(64, 64, 3, padding=1)
    with torch.no_grad():
        seconds = median_time(lambda: conv(x), 10)
    return 2 * 64 * 64 * 9 * 16 * 56 * 56 / seconds / 1e9


def per_eval_ms(models: dict, n: int) -> dict:
    """ms per image per network evaluation at batch n, each model on the same inputs."""
    x, t, y = torch.randn(n, 1, 28, 28), torch.randint(0, 1000, (n,)), torch.arange(n) % 10
    out = {}
    with torch.no_grad():
        for name, call in models.items():
            out[name] = median_time(lambda: call(x, t, y), 10) / n * 1000
    return out


def fid_int8_vs_float(pipe, int8, n: int) -> dict:
    reference = Reference.build(load_classifier(PRETRAINED / f"classifier_{pipe.info['dataset']}"),
                                pipe.info["dataset"], n_floor=n)
    labels, out = torch.arange(n) % 10, {"floor": reference.floor}
    for name, model in (("float32", pipe.model), ("int8", int8)):
        pipe.model = model
        images = torch.cat([pipe.generate(250, labels=labels[i:i + 250], seed=i, sampler="dpm_solver_pp", num_steps=20,
                                          guidance_scale=2.0, guidance_interval=PAPER_GUIDANCE_INTERVAL)
                            for i in range(0, n, 250)])
        out[name] = reference.fid(images)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="mnist_cond")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("-n", type=int, default=16)
    p.add_argument("--fid-n", type=int, default=500)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    directory = PRETRAINED / a.model
    pipe = load_pipeline(directory, "cpu")
    if not (directory / INT8_NAME).exists():
        quantize_int8(pipe, directory, load_images(pipe.info["dataset"], "train", limit=2000)[0])
    twin = diffusers_twin(pipe.config)
    fp32, int8 = (OnnxModel(pipe.model, directory / "model.onnx", a.threads),
                  OnnxModel(pipe.model, directory / INT8_NAME, a.threads))
    models = {"diffusers UNet2DModel (PyTorch)": lambda x, t, y: twin(x, t, class_labels=y).sample,
              "this U-Net (PyTorch)": pipe.model, "this U-Net (ONNX Runtime float32)": fp32,
              "this U-Net (ONNX Runtime int8)": int8}
    x1 = torch.randn(1, 1, 28, 28)
    flops = {"diffusers": gflop(lambda: twin(x1, torch.tensor([5]), class_labels=torch.tensor([3]))),
             "ours": gflop(lambda: pipe.model(x1, torch.tensor([5]), torch.tensor([3])))}
    ms = per_eval_ms(models, a.n)
    base = ms["diffusers UNet2DModel (PyTorch)"]
    rows = {name: {"ms_per_image_per_eval": round(v, 3), "speed_vs_diffusers": round(base / v, 2),
                   "gflop_per_s": round(flops["ours"] / v * 1000, 1)} for name, v in ms.items()}
    ddim = {"diffusers UNet2DModel + DDIMScheduler": median_time(lambda: diffusers_ddim(twin, a.n), 3),
            "this U-Net int8 + samplers.sample": median_time(
                lambda: pipe_with(pipe, int8).generate(a.n, labels=torch.arange(a.n) % 10, sampler="ddim",
                                                       num_steps=20), 3)}
    print(json.dumps({"model": a.model, "threads": a.threads, "batch": a.n, "gflop_per_image_eval": flops,
                      "cpu_conv_gflop_per_s": round(conv_throughput(a.threads), 1), "per_eval": rows,
                      "ddim_20_steps_16_images_s": {k: round(v, 3) for k, v in ddim.items()},
                      "int8_output_rel_rms_error": round(output_error(pipe, directory, load_images(
                          pipe.info["dataset"], "test", limit=500)[0]), 4),
                      "domain_fid_dpm20_w2_interval": fid_int8_vs_float(pipe, int8, a.fid_n) if a.fid_n else None},
                     indent=1))


def pipe_with(pipe, model):
    from dataclasses import replace

    return replace(pipe, model=model)


def diffusers_ddim(unet, n: int, steps: int = 20):
    from diffusers import DDIMScheduler

    scheduler = DDIMScheduler(num_train_timesteps=1000, beta_schedule="squaredcos_cap_v2", timestep_spacing="trailing")
    scheduler.set_timesteps(steps)
    x, labels = torch.randn(n, 1, 28, 28, generator=torch.Generator().manual_seed(0)), torch.arange(n) % 10
    with torch.no_grad():
        for t in scheduler.timesteps:
            x = scheduler.step(unet(x, t, class_labels=labels).sample, t, x).prev_sample
    return x


if __name__ == "__main__":
    main()
