"""A version counter that wakes whoever waits for the next change: the class's streams (stream.py) sleep here
instead of polling, so a quiet class costs nothing and one push wakes every page at once.

    changes = Changes()
    seen = changes.version
    await changes.wait(seen, timeout=15)   # returns at the next changes.bump(), or after 15 s

Bump on the event loop that the waiters run on (the routes are `async def`, so they do): asyncio.Event is not
thread-safe. A waiter that arrives after a bump returns at once, so no change is missed between two waits."""
from __future__ import annotations

import asyncio


class Changes:
    def __init__(self):
        self.version = 0
        self._next = asyncio.Event()  # set by the next bump, then replaced: one Event per version

    def bump(self):
        self.version += 1
        self._next.set()
        self._next = asyncio.Event()

    async def wait(self, seen: int, timeout: float) -> bool:
        """True once the version has passed `seen`; False when `timeout` seconds passed without a change."""
        if self.version != seen:
            return True
        try:
            await asyncio.wait_for(self._next.wait(), timeout)
        except asyncio.TimeoutError:
            return False
        return True
