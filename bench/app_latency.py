"""Server time of the app's main actions on the shipped weights, against the targets of the app issue.

    python bench/app_latency.py [--threads 2]
Calls the same handlers the UI calls (no browser, no network): forward-noise update, schedule plots,
16 samples at 20 model evaluations, and a 1000-step DDPM animation of one image. Each figure is the median of
3-20 calls after a warm-up: this shared 2-core machine varies by ±20 % from minute to minute."""
import argparse

from timing import median_time


def first_frame_seconds(iterator) -> float:
    """Seconds until a streaming handler yields its first frame (what the user waits for before seeing anything)."""
    import time

    start = time.perf_counter()
    next(iter(iterator))
    return time.perf_counter() - start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--models", nargs="+", default=["mnist_fast", "mnist_cond"])
    a = p.parse_args()
    import torch

    torch.set_num_threads(a.threads)
    from PIL import Image

    from diffusion_core.samplers import PAPER_GUIDANCE_INTERVAL
    from diffusion_core.serving import backend_name
    from lab.classroom import Classroom
    from lab.demo import build_demo
    from lab.tabs.schedules import update_schedules

    classroom = Classroom.load()
    tabs = build_demo(classroom).tabs
    forward, sampling, zoo = tabs.forward.handlers, tabs.sampling.handlers, classroom.zoo
    x0 = forward.choose_upload(Image.new("L", (64, 64), 128))[0]
    rows = [
        ("forward-noise update (t slider)", 0.050,
         median_time(lambda: forward.update_forward(x0, "cosine", 1000, 500, 0, False), 20)),
        ("schedule plots + table", 0.050,
         median_time(lambda: update_schedules(["linear", "cosine", "quadratic", "sigmoid"], 1000, 500, x0, 0), 10)),
    ]
    for name in [m for m in a.models if m in zoo.pipelines]:
        pipe = zoo.get(name)
        # classifier-free guidance evaluates the network twice per step (conditional + unconditional, one batch):
        # 20 steps at w=2 are 40 network evaluations; 10 steps at w=2 are 20.
        # the guidance interval (tab 4's default) skips the unconditional half where σ_t is outside (0.28, 5.42].
        for w, steps, interval in ((1.0, 20, None), (2.0, 20, None), (2.0, 20, PAPER_GUIDANCE_INTERVAL),
                                   (2.0, 10, None)):
            guided = w != 1 and interval is None
            rows.append((f"{name}: 16 samples, {steps} steps DPM++, w={w:g}" + (" interval" if interval else "")
                         + (f" ({steps * 2} NFE)" if guided else ""), 1.0, median_time(
                lambda: pipe.generate(16, labels=torch.arange(16) % 10, sampler="dpm_solver_pp", num_steps=steps,
                                      guidance_scale=w, guidance_interval=interval), 3)))
        for w, limit in ((1.0, False), (2.0, False), (2.0, True)):
            rows.append((f"{name}: 1000-step DDPM animation, w={w:g}" + (" interval" if limit else ""), 5.0,
                         median_time(lambda: list(sampling.run_sampler(name, "ddpm", 1000, 0.0, 0, 1, 3, w, limit)),
                                     3)))
        rows.append((f"{name}: first frame of a 16-image run", 1.0, first_frame_seconds(
            sampling.run_sampler(name, "dpm_solver_pp", 20, 0.0, 0, 16, -1, 2.0))))
    print(f"threads={a.threads}; U-Nets served with " + ", ".join(
        f"{n}: {backend_name(zoo.get(n).model)}" for n in a.models if n in zoo.pipelines))
    print(f"{'action':<58}{'measured s':>12}{'target s':>10}{'measured/target':>17}")
    for name, target, seconds in rows:
        print(f"{name:<58}{seconds:>12.4f}{target:>10.3f}{seconds / target:>17.2f}")


if __name__ == "__main__":
    main()
