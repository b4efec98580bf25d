"""latest_only and Broadcast: viewers get the newest item, always the last one, the producer's errors; the producer
stops when the last viewer leaves."""
import threading
import time

import pytest

from lab.server.streaming import Broadcast, latest_only


def test_a_fast_consumer_gets_every_item_and_a_slow_one_the_newest():
    items = list(latest_only(iter(range(5))))
    assert items[-1] == 4 and items == sorted(set(items))
    seen = []
    for item in latest_only(iter(range(200))):
        seen.append(item)
        time.sleep(0.01)  # a consumer slower than the producer misses items
    assert seen[-1] == 199 and seen == sorted(set(seen)) and len(seen) < 200


def test_min_interval_spaces_the_items_out():
    def slow():
        for i in range(20):
            time.sleep(0.01)
            yield i

    times, items = [], []
    for item in latest_only(slow(), min_interval=0.05):
        times.append(time.perf_counter())
        items.append(item)
    assert items[-1] == 19 and len(items) < 20
    assert all(b - a >= 0.045 for a, b in zip(times[:-2], times[1:-1]))  # the last one comes as soon as it exists


def test_producer_errors_reach_the_consumer():
    def broken():
        yield 1
        raise ValueError("sampler failed")

    with pytest.raises(ValueError, match="sampler failed"):
        list(latest_only(broken()))


def test_closing_the_consumer_stops_the_producer():
    produced = []

    def endless():
        while True:
            produced.append(1)
            time.sleep(0.005)
            yield len(produced)

    stream = latest_only(endless())
    next(stream)
    stream.close()
    time.sleep(0.05)
    count = len(produced)
    time.sleep(0.05)
    assert len(produced) == count
    assert not [t for t in threading.enumerate() if t.name == "latest_only"]


def test_a_broadcast_is_produced_once_for_many_viewers():
    produced = []

    def counted():
        for i in range(30):
            produced.append(i)
            time.sleep(0.002)
            yield i

    broadcast, got = Broadcast(counted()), {}
    viewers = [threading.Thread(target=lambda k=k: got.setdefault(k, list(broadcast.follow(0.01)))) for k in range(3)]
    for th in viewers:
        th.start()
    for th in viewers:
        th.join()
    assert len(produced) == 30 and all(items[-1] == 29 for items in got.values())
    assert broadcast.finished and list(broadcast.follow()) == [29]  # a late viewer gets the last item at once
    one = broadcast.follow()
    assert next(one) == 29
    one.close()
    assert broadcast.finished  # leaving after the end stops nothing
