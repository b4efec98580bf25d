"""A bound on the events WAITING in each lane, so that one client cannot fill the queue for the whole class.

Gradio keeps one queue of `max_size` events (lab/demo.py) for every lane. A lane that runs one event at a time (a
training run of up to 30 s) drains slowly: 512 queued trainings would hold the app for hours, and every student
would then be refused with Gradio's raw "Queue is full". KnownEvents (lab/server/known_events.py) asks `LaneCaps`
before Gradio queues a join: a lane over its cap, or a queue near full, is answered 429 with one sentence (the
page shows a failed join's `detail` as its error toast; gradio_client raises httpx.HTTPStatusError, the sentence in
its response's JSON). The interactive lane has no cap of its own, and the last HEADROOM places of the queue are
kept for it: the slider still answers while the other lanes are full.

How many events wait is read from Gradio's internals, here only (`WaitingCounts`); gradio_tuning.check_lane_caps
verifies them for GRADIO_PIN, and without them there is no cap (logged as a skipped adjustment)."""
from __future__ import annotations

from lab.i18n import text
from lab.server.interactive_first import LANE as INTERACTIVE_LANE

# Waiting events allowed per lane (lab/tabs/common.py; playground_training: lab/tabs/playground.py). One-slot lanes
# get a few (each waits for the runs ahead of it: 3 trainings are 90 s); sampling runs 64 at once through the
# batcher, so its line moves fast; None: no cap but the queue's own.
WAITING_CAPS = {"playground_training": 3, "heavy": 3, "exports": 16, "sampling": 96, INTERACTIVE_LANE: None}
OTHER_LANE_CAP = 16  # an event that names no lane has one of its own (Gradio's default_concurrency_limit)
HEADROOM = 64  # places of the whole queue that only the interactive lane may take
# the refusals' words (lab/i18n), in the request's language (lab/server/known_events.py speaks it): a full lane's
# sentence names what waits there ("queue.busy_<lane>"), queue.busy_other for any other lane
BUSY_LANES = ("playground_training", "heavy", "exports", "sampling")
FULL = "queue.full"


class WaitingCounts:
    """How many events wait in a lane of a Gradio queue, and in all of them: Gradio's internals, read only here
    (checked against GRADIO_PIN by lab/server/gradio_tuning.check_lane_caps)."""

    def __init__(self, queue):
        self.queue = queue

    def waiting(self, lane: str) -> int:
        event_queue = self.queue.event_queue_per_concurrency_id.get(lane)
        return 0 if event_queue is None else len(event_queue.queue)

    def total(self) -> int:
        return len(self.queue)  # Gradio's own count, the one it compares with max_size

    def max_size(self) -> int | None:
        return self.queue.max_size


class LaneCaps:
    """Which lane each event runs in (by event number and by API name), and whether one more may wait there."""

    def __init__(self, demo, counts: WaitingCounts):
        self.counts = counts
        self.lane_of_index = {i: fn.concurrency_id for i, fn in demo.fns.items()}
        self.lane_of_name = {fn.api_name: fn.concurrency_id for fn in demo.fns.values() if fn.api_name}

    def refusal(self, fn_index=None, api_name: str | None = None) -> str | None:
        """The sentence that refuses one more event of this number or name (in the request's language), or None when
        it may join. An event this app does not know is for KnownEvents (a 404), not for a cap."""
        lane = self.lane_of_name.get(api_name) if api_name else self.lane_of_index.get(fn_index)
        if lane is None:
            return None
        max_size = self.counts.max_size()
        if max_size is not None:
            room = max_size - self.counts.total()
            if room <= 0 or (room <= HEADROOM and lane != INTERACTIVE_LANE):
                return text(FULL)
        cap = WAITING_CAPS.get(lane, OTHER_LANE_CAP)
        if cap is not None and self.counts.waiting(lane) >= cap:
            return text(f"queue.busy_{lane}" if lane in BUSY_LANES else "queue.busy_other")
        return None
