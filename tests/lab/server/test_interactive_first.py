"""lab/server/interactive_first.py: the sampling worker holds its next network call while an interactive event runs
(up to max_hold_s), a streamed run waits its turn before each picture, the queue counts only the interactive lane, and
an event of another lane starts once the interactive ones are done. What it relies on in Gradio (if this fails, Gradio
changed under it): a served queue starts each event through the queue's own `process_events(events, batch,
begin_time, fn)`, the events carrying their BlockFunction's `concurrency_id`."""
import asyncio
import threading
from types import SimpleNamespace

import torch
from torch import nn

from lab.server.batcher import Batcher
from lab.server.interactive_first import LANE, InteractiveFirst, interactive_first
from lab.server.streaming import Broadcast


class Doubler(nn.Module):
    config = SimpleNamespace()

    def __init__(self, log: list):
        super().__init__()
        self.log = log

    def forward(self, xt, t, cond=None, drop_cond=None):
        self.log.append("network")
        return 2 * xt


def test_no_interactive_event_no_wait():
    gate = InteractiveFirst(max_hold_s=60)
    gate.wait_turn()
    assert gate.holds == 0


def test_a_wait_ends_when_the_last_interactive_event_finishes():
    gate, log = InteractiveFirst(max_hold_s=60), []
    gate.started()
    gate.started()
    waiter = threading.Thread(target=lambda: (gate.wait_turn(), log.append("sampling")))
    waiter.start()
    gate.finished()
    waiter.join(timeout=0.2)
    assert log == [] and waiter.is_alive()  # one still running
    log.append("slider done")
    gate.finished()
    waiter.join(timeout=10)
    assert log == ["slider done", "sampling"] and gate.holds == 1


def test_sampling_is_slowed_never_stopped():
    gate = InteractiveFirst(max_hold_s=0.05)
    gate.started()  # an event that never ends
    gate.wait_turn()  # returns after max_hold_s
    assert gate.holds == 1 and gate.running == 1


def test_the_worker_holds_its_network_call_for_a_running_slider():
    gate, log = InteractiveFirst(max_hold_s=60), []
    batcher = Batcher(gate=gate)
    gate.started()
    with batcher.join(Doubler(log)) as model:
        out = []
        sampler = threading.Thread(target=lambda: out.append(model(torch.ones(2, 1, 2, 2), torch.zeros(2))))
        sampler.start()
        sampler.join(timeout=0.3)
        assert sampler.is_alive() and log == []
        log.append("slider done")
        gate.finished()
        sampler.join(timeout=10)
    assert log == ["slider done", "network"] and torch.equal(out[0], torch.full((2, 1, 2, 2), 2.0))


def test_a_follower_takes_each_picture_after_its_turn():
    turns = []
    pictures = list(Broadcast(iter(range(3))).follow(wait_turn=lambda: turns.append("turn")))
    assert pictures[-1] == 2 and len(turns) >= len(pictures)


def test_the_queue_counts_only_the_interactive_lane():
    gate, seen = InteractiveFirst(), []

    class Queue:
        async def process_events(self, events, batch, begin_time, fn):
            seen.append((events[0].concurrency_id, gate.running))

    queue = Queue()
    interactive_first(queue, gate)
    for lane in ("interactive", "sampling"):
        asyncio.run(queue.process_events([SimpleNamespace(concurrency_id=lane)], False, 0.0, None))
    assert seen == [("interactive", 1), ("sampling", 0)] and gate.running == 0


def test_another_lane_starts_once_the_interactive_events_are_done():
    gate, seen = InteractiveFirst(max_hold_s=60), []

    class Queue:
        async def process_events(self, events, batch, begin_time, fn):
            seen.append(events[0].concurrency_id)

    queue = Queue()
    interactive_first(queue, gate)

    async def scenario():
        gate.started()  # a slider event is running
        export = asyncio.create_task(queue.process_events([SimpleNamespace(concurrency_id="exports")], False, 0, None))
        await asyncio.sleep(0.1)
        assert seen == [] and not export.done()
        gate.finished()
        await asyncio.wait_for(export, timeout=10)

    asyncio.run(scenario())
    assert seen == ["exports"]


class Recording(InteractiveFirst):
    def __init__(self):
        super().__init__(max_hold_s=60)
        self.lanes = []

    def started(self):
        self.lanes.append("interactive")
        super().started()

    async def wait_turn_async(self, poll_s: float = 0.005):
        self.lanes.append("other")
        await super().wait_turn_async(poll_s)


def test_a_served_queue_starts_events_through_the_wrapper_with_their_lane():
    import gradio as gr
    from gradio_client import Client

    with gr.Blocks() as demo:
        number = gr.Number()
        number.submit(lambda x: x + 1, number, number, api_name="slide", concurrency_id=LANE)
        number.blur(lambda x: x - 1, number, number, api_name="export", concurrency_id="exports")
    assert {fn.concurrency_id for fn in demo.fns.values()} == {LANE, "exports"}
    demo.queue()
    gate = Recording()
    interactive_first(demo._queue, gate)
    demo.launch(prevent_thread_lock=True, quiet=True)
    try:
        client = Client(demo.local_url, verbose=False)
        assert client.predict(1, api_name="/slide") == 2 and client.predict(1, api_name="/export") == 0
    finally:
        demo.close()
    assert gate.lanes == ["interactive", "other"] and gate.running == 0


def test_the_app_puts_its_cheap_actions_in_the_interactive_lane(demo):
    assert sum(fn.concurrency_id == LANE for fn in demo.fns.values()) >= 3
