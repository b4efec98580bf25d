"""One training of a class's model at a time per server: the engine's own U-Net and loop (diffusion_core.training)
on the class's drawings (class_drawings.py), on one CPU thread, in a background thread; nothing is written to disk.

    slot = TrainingSlot()                              # the Registry holds one: one training per server
    slot.take(code, steps)                             # a LiveError with a sentence for the next teacher when busy
    model = train(x0, steps, report, stopped)          # x0 (N, 1, 28, 28) in [-1, 1] -> the EMA U-Net, or None
    pictures = draw(model, n=4, seed=0)                # (4, 1, 28, 28): DDPM, SAMPLE_STEPS network evaluations

The U-Net is pretrained/mnist_fast's (16 channels, 28 -> 14 -> 7, attention at 7×7; 280 k parameters) without its
classes; 1000 steps of batch 32 are sized to take a few minutes on one thread (docs/benchmarks.md), and 60 drawings
are each seen 32 · 1000 / 60 ≈ 530 times: the model learns them by heart. Not augmented: the lesson is that it
memorises, and a shifted copy would hide from the pixel distance that shows it.

Pictures are drawn with DDPM's ancestral steps, 30 of them: after so short a training, DDIM (η = 0) leaves a speckle
on the black background that hides the copies from the pixel distance; DDPM's fresh noise at each step cleans it
(near-copy shares of both, with their costs, in docs/benchmarks.md).
"""
from __future__ import annotations

import resource
import threading
import time
from collections.abc import Callable
from pathlib import Path

import torch

from diffusion_core.models import UNetConfig, build_model
from diffusion_core.samplers import generate
from diffusion_core.schedules import make_schedule
from diffusion_core.training.config import TrainConfig
from diffusion_core.training.loop import make_state, train_steps
from lab.i18n import text
from lab.live.asked import LiveError
from lab.live.limits import RateLimit

CLASS_UNET = UNetConfig(image_size=28, in_channels=1, base_channels=16, channel_mults=(1, 2, 2), num_res_blocks=1,
                        attention_levels=(2,))  # pretrained/mnist_fast's, with no classes
BATCH = 32
SECONDS_PER_STEP = 0.2  # a guess for the next teacher's wait until the first steps are measured
SCHEDULE = make_schedule("cosine", 1000)
SAMPLER, SAMPLE_STEPS = "ddpm", 30  # network evaluations per picture drawn
LOSS_POINTS = 50  # the loss curve's points over a training
SAMPLERS, SAMPLE_WAIT = 2, 10.0  # pictures drawn at once on the server; how long a request waits for its turn


def train_config(steps: int) -> TrainConfig:
    return TrainConfig(dataset="class drawings", steps=steps, batch_size=BATCH, lr=3e-3,
                       warmup_steps=min(100, steps // 10), ema_decay=0.995, num_threads=1, log_every=0,
                       sample_every=0, checkpoint_every=0)


def in_minutes(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return text("live.a_minute") if minutes == 1 else text("live.minutes", n=minutes)


class TrainingSlot:
    """The server's one training (a lock), when it should be done, and the server's turns at drawing pictures."""

    def __init__(self, clock=time.monotonic):
        self.clock, self.lock = clock, threading.Lock()
        self.holder: str | None = None  # the class code training now
        self.ends = 0.0  # when it should be done (clock seconds), updated as steps are measured
        self.drawing = threading.BoundedSemaphore(SAMPLERS)
        self.asks = RateLimit(4, 3.0, clock)  # per person: 4 requests for pictures at once, one more every 3 s

    def take(self, code: str, steps: int):
        if not self.lock.acquire(blocking=False):
            raise LiveError(409, "live.busy", time=self.time_left())
        self.holder, self.ends = code, self.clock() + steps * SECONDS_PER_STEP

    def expect(self, seconds_left: float):
        self.ends = self.clock() + seconds_left

    def release(self):
        self.holder = None
        self.lock.release()

    def time_left(self) -> str:
        """How long the training in progress should still take, in words ("about 3 minutes")."""
        return in_minutes(max(0.0, self.ends - self.clock()))


def train(x0: torch.Tensor, steps: int, report: Callable, stopped: Callable[[], bool], seed: int = 0):
    """Train CLASS_UNET on x0 (N, 1, 28, 28) for `steps`; every steps / LOSS_POINTS steps call
    report(step, mean loss since the last report, seconds per step, pictures or None): pictures (4, 1, 28, 28)
    four times a training, the same four noises each time. None when stopped() turned true (the class ended)."""
    torch.set_num_threads(1)  # the server's 2 cores serve 30 students too
    torch.manual_seed(seed)
    model = build_model(CLASS_UNET).to(memory_format=torch.channels_last)
    cfg = train_config(steps)
    state = make_state(model, cfg)
    every, show_every = max(1, steps // LOSS_POINTS), max(1, steps // 4)
    losses, seconds = [], []
    for stats in train_steps(state, x0, None, SCHEDULE, cfg):
        if stopped():
            return None
        step = stats["step"]
        losses.append(stats["loss"])
        seconds.append(stats["seconds"])
        if step % every == 0 or step == steps:
            shown = step % show_every == 0 or step == steps
            report(step, sum(losses[-every:]) / len(losses[-every:]), sum(seconds[-every:]) / len(seconds[-every:]),
                   draw(state.ema.model, 4, seed) if shown else None)
    return state.ema.model


@torch.no_grad()
def draw(model, n: int, seed: int) -> torch.Tensor:
    """n pictures (n, 1, 28, 28) in [-1, 1]: DDPM from x_T ~ N(0, I), its noises drawn from a generator seeded by
    `seed` (the same seed, the same pictures)."""
    x = generate(model, SCHEDULE, (n, 1, 28, 28), sampler=SAMPLER, num_steps=SAMPLE_STEPS,
                 generator=torch.Generator().manual_seed(seed))
    return x.clamp(-1, 1)


def rss_mb() -> float:
    """This process's resident memory now (Linux: /proc/self/status)."""
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmRSS"))
    return round(int(line.split()[1]) / 1024, 1)


def measure_training(x0: torch.Tensor, steps: int) -> dict:
    """For the bench: one training of the class model on x0 in this thread, as the server runs it; wall time,
    CPU seconds of the process, memory before and after (the model is kept: as a class keeps it)."""
    points = []
    before, cpu, start = rss_mb(), resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    model = train(x0, steps, lambda step, loss, s, pictures: points.append(loss), lambda: False)
    wall, after = time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF)
    return {"drawings": len(x0), "steps": steps, "wall_s": round(wall, 1),
            "cpu_s": round(after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime, 1),
            "rss_before_mb": before, "rss_after_mb": rss_mb(), "final_loss": round(points[-1], 4), "model": model}
