"""Training step time on this CPU: threads (1 vs 2), fp32 vs bf16 autocast, channels_last, model size.

    python bench/train_step.py [--steps 5]
    python bench/train_step.py --emoji [--batch 64]   # the emoji text model's U-Net (32×32×3) and wider ones
Prints seconds/step and the ratio to the first row, measured side by side in one run."""
import argparse
import itertools
import time

import repo_path  # noqa: F401,I001 (first: the repository on sys.path)
import torch

from diffusion_core import UNetConfig, build_model, count_parameters, make_schedule
from diffusion_core.training.loop import TrainConfig, diffusion_loss

SIZES = {
    "small (32, 1-2-2, 1 block)": UNetConfig(base_channels=32, channel_mults=(1, 2, 2), num_res_blocks=1,
                                             num_classes=10),
    "medium (48, 1-2-2, 2 blocks)": UNetConfig(base_channels=48, channel_mults=(1, 2, 2), num_res_blocks=2,
                                               num_classes=10),
}

# (threads, autocast, channels_last) for each size
SETTINGS = list(itertools.product((1, 2), ("none", "bf16"), (False, True)))
EMOJI_SETTINGS = [(2, "none", False)]
# pretrained/emoji_text's U-Net (base 32) and two wider ones: 32×32×3, conditioned on a 128-d CLIP embedding
EMOJI_SIZES = {f"emoji, base {base} (1-2-2-2, attention 8×8 and 4×4)": UNetConfig(
    image_size=32, in_channels=3, base_channels=base, channel_mults=(1, 2, 2, 2), num_res_blocks=1,
    attention_levels=(2, 3), cond_dim=128) for base in (32, 48, 64)}


def step_time(cfg, threads, amp, channels_last, batch, steps):
    torch.set_num_threads(threads)
    model = build_model(cfg)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(model.parameters(), 1e-3)
    schedule, tcfg = make_schedule("cosine"), TrainConfig(amp=amp)
    x0 = torch.randn(batch, cfg.in_channels, cfg.image_size, cfg.image_size)
    labels = torch.randn(batch, cfg.cond_dim) if cfg.cond_dim else torch.randint(0, 10, (batch,))  # (B, D) or (B,)
    if channels_last:
        x0 = x0.to(memory_format=torch.channels_last)
    g = torch.Generator().manual_seed(0)
    times = []
    for _ in range(steps + 1):
        start = time.perf_counter()
        loss = diffusion_loss(model, x0, labels, schedule, tcfg, g, "eps")
        opt.zero_grad()
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - start)
    return sorted(times[1:])[len(times[1:]) // 2]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--emoji", action="store_true", help="the emoji sizes, fp32 on 2 threads only")
    args = p.parse_args()
    base = None
    print(f"batch {args.batch}; median of {args.steps} steps")
    sizes, settings = (EMOJI_SIZES, EMOJI_SETTINGS) if args.emoji else (SIZES, SETTINGS)
    for name, cfg in sizes.items():
        print(f"\n{name}: {count_parameters(build_model(cfg)) / 1e6:.2f} M params")
        for threads, amp, cl in settings:
            s = step_time(cfg, threads, amp, cl, args.batch, args.steps)
            base = base or s
            print(f"  threads={threads} amp={amp:<4} channels_last={cl!s:<5}  {s:.3f} s/step  "
                  f"({s / base:.2f}x first row)")


if __name__ == "__main__":
    main()
