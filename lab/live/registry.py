"""The server's live classes: start one, find one by its code, join it, and forget it when it is over.

    registry = Registry(known)                      # known: what a view may name (lab/view_link.py)
    live = registry.create(client="203.0.113.7")    # live.code "K7M3QX", live.key the teacher's secret
    live, student = registry.join("203.0.113.7", "k7m-3qx", "Ada")

A class is forgotten IDLE after its last action (an open teacher page keeps it alive), when it has ended and its
teacher had time to download, or at MAX_AGE: every page still listening hears that it ended. Nothing is kept after
that, so memory returns to where it was after any number of classes (tests/lab/test_live_registry.py)."""
from __future__ import annotations

import time

from lab.live.asked import LiveError
from lab.live.class_training import TrainingSlot
from lab.live.limits import START_SECONDS, STARTS, WRONG_CODE_SECONDS, WRONG_CODES, Bounds, RateLimit
from lab.live.live_class import LiveClass, Student
from lab.live.text import new_code, new_key, read_code
from lab.view_link import Known

# the refusals' keys in lab/i18n
NO_CLASS, TOO_MANY_TRIES, TOO_MANY_STARTS, FULL = "live.no_class", "live.too_many_tries", "live.too_many_starts", \
    "live.server_full"


class Registry:
    def __init__(self, known: Known, bounds: Bounds | None = None, clock=time.monotonic):
        self.known, self.bounds, self.clock = known, bounds or Bounds(), clock
        self.classes: dict[str, LiveClass] = {}
        self.wrong_codes = RateLimit(WRONG_CODES, WRONG_CODE_SECONDS, clock)
        self.starts = RateLimit(STARTS, START_SECONDS, clock)
        self.training = TrainingSlot(clock)  # one class model trains at a time on this server (class_training.py)

    def create(self, client: str) -> LiveClass:
        self.sweep()
        if self.starts.blocked(client):
            raise LiveError(429, TOO_MANY_STARTS)
        if len(self.classes) >= self.bounds.max_classes:
            raise LiveError(503, FULL)
        self.starts.spend(client)
        code = new_code()
        while code in self.classes:
            code = new_code()
        self.classes[code] = LiveClass(code, new_key(), self.known, self.bounds, self.clock)
        return self.classes[code]

    def find(self, code: object) -> LiveClass:
        """The class with this code (as typed: any case, spaces and dashes); a 404 with a sentence otherwise."""
        self.sweep()
        live = self.classes.get(read_code(code))
        if live is None:
            raise LiveError(404, NO_CLASS)
        return live

    def join(self, client: str, code: object, nickname: object) -> tuple[LiveClass, Student]:
        if self.wrong_codes.blocked(client):
            raise LiveError(429, TOO_MANY_TRIES)
        try:
            live = self.find(code)
        except LiveError:
            self.wrong_codes.spend(client)
            raise
        return live, live.join(nickname, new_key())  # a token is a student's secret, as the key is the teacher's

    def sweep(self):
        now = self.clock()
        for code, live in list(self.classes.items()):
            idle = now - live.active
            if (idle > self.bounds.idle_seconds or now - live.started > self.bounds.max_age_seconds
                    or (live.ended and idle > self.bounds.ended_seconds)):
                del self.classes[code]
                if not live.ended:
                    live.ended = True
                    live.changed(public=True)  # pages still listening hear that it ended
