"""How much one server holds, and how often one client may try.

Every collection of a class has a ceiling, so memory stays flat whatever clients send, and a class ends after
IDLE_SECONDS without anyone acting in it (an open teacher page counts: its stream keeps the class alive) or after
MAX_AGE_SECONDS in any case (a forgotten tab). A client (an address: a school's students often share one) may try
WRONG_CODES codes that find no class in a burst, and one more every WRONG_CODE_SECONDS: plenty for a class typing
its code (the right code costs nothing), and far too slow to guess one of 8.9e8 codes (text.py): with 50 classes open,
one address would need years. Starting classes is limited the same way, so one client cannot take every place."""
from __future__ import annotations

import os
import time
from collections import OrderedDict
from dataclasses import dataclass, field

WRONG_CODES, WRONG_CODE_SECONDS = 10, 6.0
STEPS_VARIABLE = "DIFFUSION_LAB_CLASS_MODEL_STEPS"  # the class model's training steps (tests: a few)
STARTS, START_SECONDS = 10, 30.0  # behind a proxy, several teachers may share one address


@dataclass(frozen=True)
class Bounds:
    max_classes: int = 50
    max_students: int = 120  # a lecture hall; the bench measures 100
    idle_seconds: float = 30 * 60
    max_age_seconds: float = 4 * 3600
    max_asked: int = 60  # questions asked in one class
    max_gallery: int = 60
    gallery_per_student: int = 3
    max_png_bytes: int = 48 << 10  # a small picture (a 28×28 or 64×64 PNG is a few kB)
    max_streams_per_person: int = 3  # open pages (tabs) of one student or the teacher
    nickname_chars: int = 24
    max_body_bytes: int = 80 << 10  # a gallery picture as a data URL, plus a view
    ended_seconds: float = 15 * 60  # an ended class stays this long for its teacher's download
    drawings_per_student: int = 5  # the class model's pictures (class_drawings.py): 28×28 grey, 784 bytes each
    max_drawings: int = 100  # per class; with 50-100 pictures the model memorises them (the lesson)
    class_model_steps: int = field(default_factory=lambda: int(os.environ.get(STEPS_VARIABLE, "1000")))


class RateLimit:
    """A token bucket per client: `tries` at once, one more every `refill_seconds`. At most `max_clients` are
    remembered (the least recently seen is forgotten first), so the table stays bounded too. A caller asks
    `blocked` first and `spend`s a try for what it counts (the registry counts only a code that finds no class)."""

    def __init__(self, tries: int, refill_seconds: float, clock=time.monotonic, max_clients: int = 10_000):
        self.tries, self.refill, self.clock, self.max_clients = tries, refill_seconds, clock, max_clients
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, when counted)

    def tokens(self, client: str) -> float:
        tokens, then = self.buckets.get(client, (self.tries, self.clock()))
        return min(self.tries, tokens + (self.clock() - then) / self.refill)

    def blocked(self, client: str) -> bool:
        return self.tokens(client) < 1

    def spend(self, client: str):
        tokens = self.tokens(client)
        self.buckets.pop(client, None)
        self.buckets[client] = (max(0.0, tokens - 1), self.clock())
        while len(self.buckets) > self.max_clients:
            self.buckets.popitem(last=False)
