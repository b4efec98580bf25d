"""Live progress without slowing the work down, for one viewer or a whole class.

A web UI redraws far slower than a sampler steps: Gradio spends tens of milliseconds of CPU on each streamed
update (encode the image, send it), and while a plain generator waits for that, the sampler waits too. A
`Broadcast` runs the generator in a background thread and records what it produces; any number of viewers
follow it, each getting the newest item at most every min_interval seconds and always the last one. When the
last viewer leaves before the end, the producer stops. `latest_only` is the one-viewer case.
bench/app_latency.py and the README give the measured effect through HTTP.

    for step in latest_only(pipe.sample(...), min_interval=0.1):   # every item may be skipped except the last
        yield render(step)
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")


class Broadcast:
    """The items of one generator, produced once in a daemon thread, followed by any number of viewers."""

    def __init__(self, items: Iterator[T], name: str = "latest_only"):
        self.lock = threading.Condition()
        self.item, self.count, self.done, self.error = None, 0, False, None
        self.viewers, self.stopped = 0, False
        threading.Thread(target=self._produce, args=(items,), daemon=True, name=name).start()

    def _produce(self, items: Iterator[T]):
        try:
            for item in items:
                with self.lock:
                    if self.stopped:
                        return
                    self.item, self.count = item, self.count + 1
                    self.lock.notify_all()
        except BaseException as e:  # noqa: BLE001 - handed to the viewers, who raise it
            with self.lock:
                self.error = e
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # a generator left early runs its own clean-up (e.g. leaving the batcher) now
            with self.lock:
                self.done = True
                self.lock.notify_all()

    @property
    def finished(self) -> bool:
        return self.done and self.error is None and not self.stopped

    def follow(self, min_interval: float = 0.0, wait_turn: Callable[[], None] | None = None) -> Iterator[T]:
        """The newest item at most every min_interval seconds, and always the last; the producer's error is raised
        here. Closing this generator leaves; the producer stops when no viewer is left before it finished.
        wait_turn: called before taking each item (lab/server/interactive_first.py: the page's cheap actions go
        first)."""
        with self.lock:
            self.viewers += 1
        seen, last_yield = 0, float("-inf")
        try:
            while True:
                if wait_turn is not None:
                    wait_turn()
                with self.lock:
                    self.lock.wait_for(lambda: self.done or (self.count > seen
                                                             and time.perf_counter() - last_yield >= min_interval),
                                       timeout=max(0.0, min_interval - (time.perf_counter() - last_yield)) or None)
                    if self.error is not None:
                        raise self.error
                    if self.count == seen:
                        if self.done:
                            return
                        continue  # woken by the timeout before anything new arrived
                    item, seen = self.item, self.count
                last_yield = time.perf_counter()
                yield item
        finally:
            with self.lock:
                self.viewers -= 1
                if self.viewers == 0 and not self.done:
                    self.stopped = True


def latest_only(items: Iterator[T], min_interval: float = 0.0) -> Iterator[T]:
    """Yield the newest item of `items` (produced in a daemon thread) at most every min_interval seconds; the
    last item is always yielded. An exception in the producer is raised here; closing this generator stops it."""
    yield from Broadcast(items).follow(min_interval)
