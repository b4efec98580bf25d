"""Cheap actions first. The interactive lane (lab/tabs/common.py: the t slider, schedules, one-step denoise, prompt
inspection) has its own concurrency group, so it never queues behind sampling; but on 2 cores it still shares the
CPU with the sampling worker, whose network call takes both. `InteractiveFirst` counts the interactive events in
flight, from the moment the queue starts one to its last message; the worker (lab/server/batcher.py) waits for
none before its next network call, a streamed run its next picture, and an event of another lane (an export, a run) its
start, each at most `max_hold_s`, so a stream of slider moves slows the rest but never stops it.

    gate = InteractiveFirst()
    interactive_first(demo._queue, gate)    # the queue counts them
    Batcher(gate=gate)                      # the worker waits its turn
"""
from __future__ import annotations

import asyncio
import threading
import time

LANE = "interactive"


class InteractiveFirst:
    def __init__(self, max_hold_s: float = 0.25):
        self.max_hold_s = max_hold_s
        self.lock = threading.Condition()
        self.running = 0  # interactive events being processed now
        self.holds = 0  # times a thread waited for them (the tests read it)

    def started(self):
        with self.lock:
            self.running += 1

    def finished(self):
        with self.lock:
            self.running -= 1
            if self.running == 0:
                self.lock.notify_all()

    def wait_turn(self) -> None:
        """Return when no interactive event is running, or after max_hold_s."""
        with self.lock:
            if self.running:
                self.holds += 1
                self.lock.wait_for(lambda: self.running == 0, timeout=self.max_hold_s)


    async def wait_turn_async(self, poll_s: float = 0.005) -> None:
        """wait_turn for the event loop, which goes on serving the interactive events meanwhile."""
        deadline = time.monotonic() + self.max_hold_s
        while self.running and time.monotonic() < deadline:
            await asyncio.sleep(poll_s)


def interactive_first(queue, gate: InteractiveFirst, lane: str = LANE) -> None:
    """Have this Gradio queue tell `gate` when an event of `lane` starts and ends; an event of any other lane (an
    export, a run starting) starts once none of `lane` is running, or after gate.max_hold_s."""
    process_events = queue.process_events

    async def process_counted(events, *args, **kwargs):
        counted = bool(events) and getattr(events[0], "concurrency_id", None) == lane
        if counted:
            gate.started()
        else:
            await gate.wait_turn_async()
        try:
            return await process_events(events, *args, **kwargs)
        finally:
            if counted:
                gate.finished()

    queue.process_events = process_counted
