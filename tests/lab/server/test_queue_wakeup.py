"""lab/server/queue_wakeup.py: the queue's idle sleeps end as soon as there is work, other sleeps are left alone, and a
served app whose queue would otherwise look for work only every 30 s answers at once, events of a full
concurrency group included. What it relies on in Gradio (if this fails, Gradio changed under it): an idle queue's two
loops sleep `sleep_when_free` and `progress_update_sleep_when_free` through gradio.queueing's `asyncio.sleep`."""
import asyncio
import threading
import time

import gradio as gr

from lab.server.queue_wakeup import SLEEPERS, Sleepers, WakeableDelay, wake_on_work


def test_a_wakeable_sleep_ends_when_woken_and_an_ordinary_one_does_not():
    async def scenario():
        sleepers = Sleepers()
        wakeable = asyncio.create_task(sleepers.sleep(WakeableDelay(60), "woken"))
        ordinary = asyncio.create_task(sleepers.sleep(60))
        await asyncio.sleep(0.01)
        sleepers.wake()
        assert await asyncio.wait_for(wakeable, timeout=10) == "woken"
        await asyncio.sleep(0.01)
        assert not ordinary.done() and not sleepers.waiting
        ordinary.cancel()

    asyncio.run(scenario())


def test_wakeable_sleeps_end_at_their_time_when_nobody_wakes_them():
    async def scenario():
        assert await Sleepers().sleep(WakeableDelay(0.01), 7) == 7

    asyncio.run(scenario())


def test_a_served_app_with_a_30_s_idle_poll_answers_at_once():
    from gradio_client import Client

    with gr.Blocks() as demo:
        number = gr.Number()
        doubled = gr.Number()
        number.submit(lambda x: 2 * x, number, doubled, api_name="double", concurrency_limit=1)
    demo.queue()
    wake_on_work(demo._queue, idle_poll_s=30)
    assert isinstance(demo._queue.sleep_when_free, WakeableDelay)
    asleep = len(SLEEPERS.waiting)
    demo.launch(prevent_thread_lock=True, quiet=True)
    try:
        for _ in range(100):  # Gradio's queue loop and progress loop, idle: each in a sleep of our length
            if len(SLEEPERS.waiting) >= asleep + 2:
                break
            time.sleep(0.05)
        assert len(SLEEPERS.waiting) >= asleep + 2, "Gradio's idle queue no longer sleeps sleep_when_free"
        client = Client(demo.local_url, verbose=False)
        start, answers = time.monotonic(), {}
        students = [threading.Thread(target=lambda k=k: answers.update({k: client.predict(k, api_name="/double")}))
                    for k in range(3)]  # one runs, two wait for the group's one slot
        for s in students:
            s.start()
        for s in students:
            s.join()
        assert answers == {0: 0, 1: 2, 2: 4}
        assert time.monotonic() - start < 20  # not one 30 s poll waited out (a lost wake-up would cost 30 s)
    finally:
        demo.close()
