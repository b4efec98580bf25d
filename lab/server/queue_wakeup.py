"""Gradio's queue finds work by polling: with no event to start (none queued, or their concurrency groups full), it
sleeps `sleep_when_free` and looks again; its progress loop does the same (gradio/queueing.py). A short sleep starts
a new event soon but keeps an idle server's event loop waking up (100 times a second at 10 ms: the largest part of
what a student on the browser path costs the server); a long one is cheap but slow.

`wake_on_work(queue)` gives both: the queue's sleeps last up to IDLE_POLL_S, and end at once when an event is
queued or a running one finishes (the only things that give it work). Only the sleeps whose length is a
`WakeableDelay` are cut short; every other sleep in gradio.queueing is left as it is."""
from __future__ import annotations

import asyncio

import gradio.queueing

IDLE_POLL_S = 0.5


class WakeableDelay(float):
    """A sleep of this many seconds in gradio.queueing that ends early when there is work."""


class Sleepers:
    """The queue's sleeping loops, each a future that a timer or `wake` settles; loops may differ (tests run
    several apps, each on its own event loop), so `wake` settles each on its own loop."""

    def __init__(self):
        self.waiting: set[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = set()

    async def sleep(self, delay: float, result=None):
        if not isinstance(delay, WakeableDelay):
            return await asyncio.sleep(delay, result)
        loop = asyncio.get_running_loop()
        woken = loop.create_future()
        entry = (loop, woken)
        self.waiting.add(entry)
        timer = loop.call_later(delay, settle, woken)
        try:
            await woken
        finally:
            timer.cancel()
            self.waiting.discard(entry)
        return result

    def wake(self):
        for loop, woken in list(self.waiting):
            if not loop.is_closed():
                loop.call_soon_threadsafe(settle, woken)


def settle(future: asyncio.Future):
    if not future.done():
        future.set_result(None)


class AsyncioWithWakeableSleep:
    """What gradio.queueing sees as `asyncio`: the module itself, but for `sleep`."""

    def __init__(self, sleepers: Sleepers):
        self.sleep = sleepers.sleep

    def __getattr__(self, name):
        return getattr(asyncio, name)


SLEEPERS = Sleepers()


def wake_on_work(queue, idle_poll_s: float = IDLE_POLL_S):
    """Make this Gradio queue sleep up to idle_poll_s when it has nothing to start, woken by new or finished work."""
    if not isinstance(gradio.queueing.asyncio, AsyncioWithWakeableSleep):
        gradio.queueing.asyncio = AsyncioWithWakeableSleep(SLEEPERS)
    push, process_events = queue.push, queue.process_events

    async def push_then_wake(*args, **kwargs):
        try:
            return await push(*args, **kwargs)
        finally:
            SLEEPERS.wake()

    # wakes the progress loop as a job starts, the queue as it ends
    async def process_events_then_wake(*args, **kwargs):
        SLEEPERS.wake()
        try:
            return await process_events(*args, **kwargs)
        finally:
            SLEEPERS.wake()

    queue.push, queue.process_events = push_then_wake, process_events_then_wake
    queue.sleep_when_free = queue.progress_update_sleep_when_free = WakeableDelay(idle_poll_s)
