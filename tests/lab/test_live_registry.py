"""lab/live/registry.py: classes found by code, joins rate-limited per client, classes forgotten when over."""
import re

import pytest

from lab.i18n import text
from lab.live.asked import LiveError
from lab.live.limits import STARTS, WRONG_CODES, Bounds
from lab.live.registry import NO_CLASS, TOO_MANY_TRIES, Registry
from tests.lab.test_live_class import KNOWN


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def registry(**bounds) -> tuple[Registry, Clock]:
    clock = Clock()
    return Registry(KNOWN, Bounds(**bounds), clock), clock


def test_join_by_code_as_typed():
    reg, _ = registry()
    live = reg.create("teacher")
    code = live.code.lower()[:3] + "-" + live.code.lower()[3:]
    joined, student = reg.join("pupil", code, "Ada")
    assert joined is live and student.nickname == "Ada" and student.token in live.tokens


def test_wrong_codes_are_rate_limited_per_client_right_ones_are_not():
    reg, clock = registry()
    live = reg.create("teacher")
    for _ in range(WRONG_CODES):
        with pytest.raises(LiveError, match=re.escape(text(NO_CLASS))):
            reg.join("guesser", "ZZZZZZ" if live.code != "ZZZZZZ" else "YYYYYY", "")
    with pytest.raises(LiveError, match=text(TOO_MANY_TRIES)) as refused:
        reg.join("guesser", live.code, "")  # even the right code, until the bucket refills
    assert refused.value.status == 429
    for i in range(40):
        reg.join("school", live.code, f"student {i}")  # one address for a whole class: right codes cost nothing
    clock.now = 60.0
    reg.join("guesser", live.code, "")


def test_at_most_n_classes_and_starts_limited_per_client():
    reg, _ = registry(max_classes=3)
    for i in range(3):
        reg.create(f"teacher {i}")
    with pytest.raises(LiveError, match="as many live classes") as refused:
        reg.create("teacher 9")
    assert refused.value.status == 503
    reg, _ = registry()
    with pytest.raises(LiveError, match="too often"):
        for _ in range(STARTS + 1):
            reg.create("same teacher")


def test_classes_expire_idle_ended_or_old_and_say_so():
    reg, clock = registry(idle_seconds=100, max_age_seconds=1000, ended_seconds=10)
    idle, ended, busy = reg.create("a"), reg.create("b"), reg.create("c")
    ended.end(ended.key)
    clock.now = 50.0
    busy.show(busy.key, "?tab=forward")
    reg.sweep()  # as every create, find and join does
    assert set(reg.classes) == {idle.code, busy.code}  # the ended class: gone after 10 s
    clock.now = 120.0
    with pytest.raises(LiveError, match=re.escape(text(NO_CLASS))):
        reg.find(idle.code)
    assert idle.ended and idle.public.version == 1  # its listening pages are woken to hear it ended
    for t in range(130, 1000, 50):
        clock.now = float(t)
        busy.show(busy.key, "?tab=forward")
    clock.now = 1001.0
    reg.sweep()
    assert reg.classes == {}  # busy, but four hours old (here: 1000 s)


def test_two_classes_never_share_students_or_answers():
    reg, _ = registry()
    one, two = reg.create("a"), reg.create("b")
    _, ada = reg.join("x", one.code, "Ada")
    one.ask(one.key, "forward-lose-picture")
    two.ask(two.key, "forward-lose-picture")
    one.answer(ada.token, 1, 300)
    with pytest.raises(LiveError, match="not in this class"):
        two.answer(ada.token, 1, 300)
    with pytest.raises(LiveError, match="Only the teacher"):
        two.show(one.key, "?tab=forward")
    assert two.for_teacher()["students"] == [] and two.asked[0].answers == {}


def test_memory_stays_flat_over_many_classes():
    reg, clock = registry(idle_seconds=10)
    for lesson in range(300):
        live = reg.create(f"teacher {lesson % 7}")
        for i in range(5):
            reg.join("school", live.code, f"s{i}")
        live.end(live.key)
        clock.now += 2000  # between lessons
    reg.sweep()
    assert reg.classes == {} and len(reg.starts.buckets) <= 7 and len(reg.wrong_codes.buckets) == 0
