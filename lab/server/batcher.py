"""One sampling engine for every user: the model calls of all running trajectories become one batched call per step,
computed by one worker thread (one thread pool on the cores, whichever models are in use).

Each request runs the engine's own sampler generator (diffusion_core.samplers.sample) in its thread, unchanged,
on a `SharedModel`: a stand-in with the network's signature (xt, t, cond, drop_cond) -> output whose calls are
queued here. A worker thread waits until every registered request has queued its call (or `window` seconds
passed), concatenates the rows, runs the real network once, and hands each request its own rows back. Every
trajectory keeps its own timesteps, sampler, steps, guidance and seed (the network takes a t and a condition per
row); requests that finish leave, new ones join at the next step. The network treats rows independently, so a
request sees the same outputs as alone, up to float summation order (tests/lab/server/test_batcher.py).

    batcher = Batcher()
    with batcher.join(pipe.model) as model:  # a SharedModel for this request
        for step in sample(model, schedule, shape, ...): ...
"""
from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field

import torch
from torch import nn

from lab.server.interactive_first import InteractiveFirst

MAX_ROWS = 64  # rows per network call: ONNX Runtime's per-row cost stops falling past a few dozen 28×28 images


@dataclass(eq=False)  # calls are compared by identity: their tensors have no single truth value
class Call:
    model: nn.Module  # the network this call is for
    xt: torch.Tensor  # (B, C, H, W)
    t: torch.Tensor  # (B,)
    cond: torch.Tensor | None  # (B,) class labels or (B, D) embeddings
    drop_cond: torch.Tensor | None  # (B,) bool
    done: threading.Event = field(default_factory=threading.Event)
    out: torch.Tensor | None = None
    error: BaseException | None = None

    def signature(self) -> tuple:
        """Calls with the same signature can share one network call (same optional inputs and condition kind)."""
        kind = None if self.cond is None else (self.cond.dtype, tuple(self.cond.shape[1:]))
        return id(self.model), tuple(self.xt.shape[1:]), kind


class SharedModel(nn.Module):
    """What one request's sampler sees: the network's config, parameters and signature; calls go to the batcher."""

    def __init__(self, batcher: Batcher, model: nn.Module):
        super().__init__()
        self.batcher, self.config = batcher, model.config
        self.inner = model  # a child module: parameters() work as for the network itself
        self.backend = getattr(model, "backend", "PyTorch")

    def forward(self, xt, t, cond=None, drop_cond=None):
        """Same outputs as the network; the condition is made explicit so that every call of a conditional model
        (guided rows, unguided rows, the null class) shares one batch: no cond = the null token on every row."""
        b, cfg = xt.shape[0], self.config
        if cond is None and (getattr(cfg, "num_classes", 0) or getattr(cfg, "cond_dim", 0)):
            cond = torch.zeros(b, dtype=torch.long) if cfg.num_classes else torch.zeros(b, cfg.cond_dim)
            drop_cond = torch.ones(b, dtype=torch.bool)
        if cond is not None and drop_cond is None:
            drop_cond = torch.zeros(b, dtype=torch.bool)
        t = torch.as_tensor(t).reshape(-1).expand(b)
        return self.batcher.submit(Call(self.inner, xt, t, cond, None if cond is None else drop_cond.reshape(b).bool()))


class Batcher:
    def __init__(self, window: float = 0.01, max_rows: int = MAX_ROWS, gate: InteractiveFirst | None = None):
        """gate: interactive events run first; the worker waits for them before each network call."""
        self.window, self.max_rows, self.gate = window, max_rows, gate
        self.lock = threading.Condition()
        self.queue: list[Call] = []
        self.members = 0  # requests currently sampling
        self.calls = self.rows = 0  # network calls made and rows evaluated (for the status line and benches)
        self.seconds = 0.0  # time spent in those calls
        threading.Thread(target=self._serve, daemon=True, name="batcher").start()

    @contextlib.contextmanager
    def join(self, model: nn.Module):
        """Register a request for the duration of its sampling; yields its SharedModel of `model`."""
        with self.lock:
            self.members += 1
        try:
            yield SharedModel(self, model)
        finally:
            with self.lock:
                self.members -= 1
                self.lock.notify_all()

    def frame_interval(self, base: float = 0.4, per: int = 4) -> float:
        """Seconds between streamed pictures: `base`, stretched when more than `per` requests sample at once, so a class
        gets ~10 pictures a second in all (each costs the server an encode and a cached file; the sampling itself
        does not wait for them)."""
        return base * max(1.0, self.members / per)

    def wait_turn(self) -> None:
        """Let the interactive events running now go first (a no-op without a gate)."""
        if self.gate is not None:
            self.gate.wait_turn()

    def seconds_per_row(self) -> float | None:
        """Measured network time per row (image) per evaluation so far; None before the first call."""
        return self.seconds / self.rows if self.rows else None

    def submit(self, call: Call) -> torch.Tensor:
        with self.lock:
            self.queue.append(call)
            self.lock.notify_all()
        call.done.wait()
        if call.error is not None:
            raise call.error
        return call.out

    def _take_batch(self) -> list[Call]:
        """Wait for work; then until every member has queued a call or the window has passed; take one group."""
        with self.lock:
            self.lock.wait_for(lambda: self.queue)
            deadline = time.monotonic() + self.window
            self.lock.wait_for(lambda: len(self.queue) >= self.members, timeout=max(0.0, deadline - time.monotonic()))
            first = self.queue[0].signature()
            batch, rows = [], 0
            for call in self.queue:
                if call.signature() == first and (not batch or rows + len(call.xt) <= self.max_rows):
                    batch.append(call)
                    rows += len(call.xt)
            self.queue = [call for call in self.queue if not any(call is taken for taken in batch)]
            return batch

    def _serve(self):
        while True:  # the worker never dies: every failure is handed to the requests it concerns
            batch = self._take_batch()
            self.wait_turn()
            try:
                self._run(batch)
            except Exception:  # one bad request must not fail the others: run each call on its own
                for call in batch:
                    try:
                        self._run([call])
                    except Exception as e:  # noqa: BLE001 - handed to that request's thread
                        call.error = e
                        call.done.set()

    @torch.no_grad()
    def _run(self, batch: list[Call]):
        cat = lambda xs: None if xs[0] is None else torch.cat(xs)  # noqa: E731
        start = time.perf_counter()
        out = batch[0].model(torch.cat([c.xt for c in batch]), torch.cat([c.t for c in batch]),
                         cat([c.cond for c in batch]), cat([c.drop_cond for c in batch]))
        self.calls, self.rows = self.calls + 1, self.rows + len(out)
        self.seconds += time.perf_counter() - start
        for call, rows in zip(batch, out.split([len(c.xt) for c in batch])):
            call.out = rows
            call.done.set()

