"""lab/server/lane_caps.py: each lane's waiting events are bounded and the queue keeps room for the interactive lane;
a full lane is refused with a sentence (429) while the slider's lane still answers; the counts are read from
Gradio's internals as verified (if test_counts_read_gradios_own_queue fails, Gradio changed them: follow it)."""
import json
import logging
from types import SimpleNamespace

import gradio as gr
import httpx
import pytest

from lab.i18n import speaking, text
from lab.server import gradio_tuning
from lab.server.interactive_first import InteractiveFirst
from lab.server.known_events import BUSY_STATUS, KnownEvents
from lab.server.lane_caps import FULL, HEADROOM, WAITING_CAPS, LaneCaps, WaitingCounts
from lab.tabs import playground

TRAINING = "playground_training"


class Counts:
    """A queue's counts as WaitingCounts reads them, set by the test."""

    def __init__(self, waiting=None, total=0, max_size=512):
        self.by_lane, self.all, self.size = waiting or {}, total, max_size

    def waiting(self, lane):
        return self.by_lane.get(lane, 0)

    def total(self):
        return self.all

    def max_size(self):
        return self.size


def caps(counts) -> LaneCaps:
    fns = {0: SimpleNamespace(concurrency_id=TRAINING, api_name="playground_train"),
           1: SimpleNamespace(concurrency_id="interactive", api_name="forward"),
           2: SimpleNamespace(concurrency_id="sampling", api_name="sample"),
           3: SimpleNamespace(concurrency_id="7", api_name=None)}  # an event with a lane of its own
    return LaneCaps(SimpleNamespace(fns=fns), counts)


def test_a_lane_at_its_cap_is_refused_with_a_sentence_and_the_others_join():
    full_training = caps(Counts({TRAINING: WAITING_CAPS[TRAINING]}, total=WAITING_CAPS[TRAINING]))
    sentence = text(f"queue.busy_{TRAINING}")
    assert full_training.refusal(api_name="playground_train") == sentence
    assert full_training.refusal(fn_index=0) == sentence
    assert "training runs" in sentence and sentence.endswith("try again in a minute.")
    for other in (1, 2, 3):
        assert full_training.refusal(fn_index=other) is None
    assert caps(Counts({TRAINING: WAITING_CAPS[TRAINING] - 1})).refusal(fn_index=0) is None
    assert caps(Counts({"7": 99})).refusal(fn_index=3) == text("queue.busy_other")  # an unnamed lane has a cap too
    with speaking("de"):
        assert "Trainingsläufe" in full_training.refusal(fn_index=0)  # in the request's language
    assert caps(Counts({"interactive": 400}, total=400)).refusal(fn_index=1) is None  # no cap but the queue's
    assert caps(Counts()).refusal(fn_index=99) is None  # an unknown event is KnownEvents' 404, not a cap


def test_a_nearly_full_queue_keeps_its_last_places_for_the_interactive_lane():
    nearly = caps(Counts(total=512 - HEADROOM))
    assert nearly.refusal(fn_index=2) == text(FULL) and nearly.refusal(fn_index=1) is None
    full = caps(Counts(total=512))
    assert full.refusal(fn_index=1) == text(FULL) and "Queue is full" not in text(FULL)
    assert caps(Counts(total=10**6, max_size=None)).refusal(fn_index=1) is None  # a queue without a bound


def test_counts_read_gradios_own_queue():
    """The internals WaitingCounts reads, on the installed Gradio: a waiting event sits in its lane's list, and
    Gradio's total (what it compares with max_size) counts it."""
    with gr.Blocks() as demo:
        number = gr.Number()
        number.submit(lambda x: x, number, number, concurrency_id="lane")
    demo.queue(max_size=7)
    queue = demo._queue
    queue.create_event_queue_for_fn(next(iter(demo.fns.values())))
    counts = WaitingCounts(queue)
    assert counts.waiting("lane") == 0 and counts.total() == 0 and counts.max_size() == 7
    queue.event_queue_per_concurrency_id["lane"].queue.append(object())
    assert counts.waiting("lane") == 1 and counts.total() == 1 and counts.waiting("no such lane") == 0


def test_a_gradio_that_counts_its_queue_otherwise_gets_no_cap_and_a_warning(monkeypatch, caplog):
    def counts_elsewhere(self):  # a Gradio whose total no longer comes from the lanes' lists
        return 0

    monkeypatch.setattr(gr.queueing.Queue, "__len__", counts_elsewhere)
    with gr.Blocks() as demo:
        number = gr.Number()
        number.submit(lambda x: x, number, number)
    demo.queue()
    with caplog.at_level(logging.WARNING, logger=gradio_tuning.__name__):
        report = gradio_tuning.tune(demo, InteractiveFirst(), environ={})
    assert "lane_caps" in report.skipped and "lane_caps skipped" in caplog.text
    assert KnownEvents(None, demo).caps is None


def events_of(base: str, api_name: str, event_id: str) -> str:
    with httpx.stream("GET", f"{base}/gradio_api/call/{api_name}/{event_id}", timeout=120) as r:
        return "".join(r.iter_text())


def test_one_client_flooding_the_training_lane_is_refused_while_the_slider_answers(served_lab, monkeypatch):
    base, demo = served_lab
    assert "lane_caps" in demo.lab_tuning.applied
    monkeypatch.setattr(playground, "TRAIN_SECONDS", 1.0)  # each run holds the one-slot lane about 1 s
    cap = WAITING_CAPS[TRAINING]
    answers = [httpx.post(base + "/gradio_api/call/playground_train", timeout=30,
                          json={"data": ["rings", "ddpm", 20_000]}) for _ in range(cap + 4)]
    joined = [r for r in answers if r.status_code == 200]
    refused = [r for r in answers if r.status_code != 200]
    assert cap <= len(joined) <= cap + 1, [r.status_code for r in answers]  # the first may already be running
    assert refused and all(r.status_code == BUSY_STATUS for r in refused)
    assert {r.json()["detail"] for r in refused} == {text("queue.busy_playground_training")}
    page_join = {"data": ["rings", None, "ddpm", 100, None], "fn_index": next(
        i for i, fn in demo.fns.items() if fn.api_name == "train"), "session_hash": "s1", "trigger_id": None}
    r = httpx.post(base + "/gradio_api/queue/join", content=json.dumps(page_join), timeout=30)
    assert r.status_code == BUSY_STATUS and "training runs" in r.json()["detail"]  # the page's Train: same lane
    forward = httpx.post(base + "/gradio_api/call/forward", json={"data": [None, "linear", 1000, 10, 0, False]})
    assert forward.status_code == 200
    assert "event: complete" in events_of(base, "forward", forward.json()["event_id"])
    for r in joined:  # the runs that waited all finish (nothing is lost by the cap)
        assert "event: complete" in events_of(base, "playground_train", r.json()["event_id"])


@pytest.mark.parametrize("lane", ["interactive", "sampling", TRAINING, "heavy", "exports"])
def test_every_lane_of_the_app_has_its_cap_decided(demo, lane):
    assert lane in WAITING_CAPS and lane in {fn.concurrency_id for fn in demo.fns.values()}
