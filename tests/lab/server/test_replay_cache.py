import threading
import time

from lab.server.replay_cache import ReplayCache


def counting_run(log, n=5, delay=0.01):
    def start():
        log.append("started")
        for i in range(n):
            time.sleep(delay)
            yield i, [bytes(10)]
    return start


def test_identical_requests_run_once_and_are_replayed():
    cache, log = ReplayCache(lambda item: 10, max_mb=1), []
    run, shared = cache.run("key", counting_run(log))
    follower, follower_shared = cache.run("key", counting_run(log))  # while the first is running
    assert not shared and follower_shared and follower is run
    got = {}
    threads = [threading.Thread(target=lambda k=k, r=r: got.setdefault(k, list(r.follow())))
               for k, r in (("a", run), ("b", follower))]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert got["a"][-1][0] == got["b"][-1][0] == 4 and log == ["started"]
    replay, replay_shared = cache.run("key", counting_run(log))
    assert replay_shared and [item[0] for item in replay.follow()] == [4] and log == ["started"]
    assert cache.hits == 2 and cache.misses == 1


def test_the_cache_stays_under_its_size_and_drops_abandoned_runs():
    cache, log = ReplayCache(lambda item: 400_000, max_mb=1), []
    for key in range(4):
        run, _ = cache.run(key, counting_run(log, n=2, delay=0))
        list(run.follow())
        cache.evict()
    assert list(cache.runs) == [2, 3] and cache.cached_mb() == 0.8  # 2 × 0.4 MB fit under 1 MB
    slow, _ = cache.run("slow", counting_run(log, n=100, delay=0.01))
    stream = slow.follow()
    next(stream)
    stream.close()  # the only viewer left: the run stops and is not kept
    time.sleep(0.05)
    cache.evict()
    assert "slow" not in cache.runs
    again, shared = cache.run("slow", counting_run(log, n=1, delay=0))
    assert not shared
