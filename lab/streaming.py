"""Live progress without slowing the work down: run a generator in a background thread and hand the consumer
only the newest item each time it asks.

A web UI redraws far slower than a sampler steps: Gradio spends tens of milliseconds of CPU on each streamed
update (encode the image, send it), and while a plain generator waits for that, the sampler waits too. With
latest_only the sampler never pauses and the page gets the newest step at most every min_interval seconds.
bench/app_latency.py and the README give the measured effect through HTTP.

    for step in latest_only(pipe.sample(...), min_interval=0.1):   # every item may be skipped except the last
        yield render(step)
"""
from __future__ import annotations

import threading
import time
from typing import Iterator, TypeVar

T = TypeVar("T")


def latest_only(items: Iterator[T], min_interval: float = 0.0) -> Iterator[T]:
    """Yield the newest item of `items` (produced in a daemon thread) at most every min_interval seconds; the
    last item is always yielded. An exception in the producer is raised here; closing this generator stops it."""
    lock = threading.Condition()
    state = {"item": None, "count": 0, "done": False, "error": None, "stop": False}

    def produce():
        try:
            for item in items:
                with lock:
                    if state["stop"]:
                        return
                    state["item"], state["count"] = item, state["count"] + 1
                    lock.notify()
        except BaseException as e:  # noqa: BLE001 - handed to the consumer, who raises it
            with lock:
                state["error"] = e
        finally:
            with lock:
                state["done"] = True
                lock.notify()

    threading.Thread(target=produce, daemon=True, name="latest_only").start()
    seen, last_yield = 0, float("-inf")
    try:
        while True:
            with lock:
                lock.wait_for(lambda: state["done"] or (state["count"] > seen
                                                         and time.perf_counter() - last_yield >= min_interval),
                              timeout=max(0.0, min_interval - (time.perf_counter() - last_yield)) or None)
                if state["error"] is not None:
                    raise state["error"]
                if state["count"] == seen:
                    if state["done"]:
                        return
                    continue  # woken by the timeout before anything new arrived
                item, seen = state["item"], state["count"]
            last_yield = time.perf_counter()
            yield item
    finally:
        with lock:
            state["stop"] = True
