"""lab/live/limits.py: a rate limit per client that refills with time and forgets the oldest clients."""
from lab.live.limits import RateLimit


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_client_gets_its_tries_then_waits_for_the_refill():
    clock = Clock()
    limit = RateLimit(3, 10.0, clock)
    for _ in range(3):
        assert not limit.blocked("a")
        limit.spend("a")
    assert limit.blocked("a") and not limit.blocked("b")
    clock.now = 9.0
    assert limit.blocked("a")
    clock.now = 10.5
    assert not limit.blocked("a")
    limit.spend("a")
    assert limit.blocked("a")
    clock.now = 1000
    assert limit.tokens("a") == 3  # never more than the burst


def test_the_table_of_clients_stays_bounded():
    limit = RateLimit(1, 60.0, Clock(), max_clients=100)
    for i in range(1000):
        limit.spend(f"client {i}")
    assert len(limit.buckets) == 100 and "client 999" in limit.buckets
