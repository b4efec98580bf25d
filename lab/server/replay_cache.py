"""What a class repeats is computed once: identical deterministic requests (same model, sampler, steps, seed, class or
prompt, guidance) share one run. The first starts a Broadcast (streaming.py); identical requests while it runs
follow the same one, frames included; a finished run is kept (least recently used first out, up to max_mb) and
replayed at once. A run that failed or was abandoned is not kept."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator

from lab.server.streaming import Broadcast


class ReplayCache:
    def __init__(self, size_of: Callable[[object], int], max_mb: float = 64):
        self.size_of, self.max_bytes = size_of, int(max_mb * 1e6)  # size_of(last item) -> bytes
        self.lock = threading.Lock()
        self.runs: OrderedDict[Hashable, Broadcast] = OrderedDict()
        self.hits = self.misses = 0

    def run(self, key: Hashable, start: Callable[[], Iterator]) -> tuple[Broadcast, bool]:
        """The run for `key`, started with start() when there is none; and whether it was already there (shared).
        Follow it with run.follow(min_interval), then call evict()."""
        with self.lock:
            run = self.runs.get(key)
            if run is not None and (run.error is not None or run.stopped):
                run = None  # a failed or abandoned run is started afresh
            shared = run is not None
            if run is None:
                run = self.runs[key] = Broadcast(start(), name="replay_cache")
            self.hits, self.misses = self.hits + shared, self.misses + (not shared)
            self.runs.move_to_end(key)
        return run, shared

    def cached_mb(self) -> float:
        with self.lock:
            return sum(self.size_of(run.item) for run in self.runs.values() if run.finished) / 1e6

    def evict(self):
        with self.lock:
            for key in [k for k, run in self.runs.items() if run.done and not run.finished]:
                del self.runs[key]
            sizes = {k: self.size_of(run.item) for k, run in self.runs.items() if run.finished}
            total = sum(sizes.values())
            for key in list(sizes):  # oldest first
                if total <= self.max_bytes:
                    break
                total -= sizes.pop(key)
                del self.runs[key]
