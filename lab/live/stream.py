"""The light channel: server-sent events on GET /lab/live/<code>/events, one connection per open page, instead of a
Gradio event per student per second. A page's EventSource gets the state when it connects and again after every
change it may see; between changes the connection sleeps (changes.py), with a comment line every HEARTBEAT seconds
so proxies keep it open and a closed page is noticed.

    event: hello   who this page is: the teacher, or a student with their nickname and their answers so far
    event: state   the students' state (the same text for all, written once per change), or the teacher's
    event: ended   the class is over; the stream closes

The teacher's page gets at most one state every TEACHER_GAP seconds: thirty answers arriving together are drawn
once or twice, not thirty times. An open teacher page keeps its class alive (limits.py)."""
from __future__ import annotations

import asyncio
import json

from lab.live.live_class import LiveClass, Student

HEARTBEAT = 15.0
TEACHER_GAP = 0.2
RETRY_MS = 2000  # how soon an EventSource reconnects after a dropped connection


def event(name: str, data: str) -> str:
    return f"event: {name}\ndata: {data}\n\n"


def hello(who: Student | None, live: LiveClass) -> str:
    if who is None:
        return json.dumps({"teacher": True, "code": live.code})
    answered = {a.number: a.answers[who.id].value for a in live.asked if who.id in a.answers}
    return json.dumps({"student": who.id, "nickname": who.nickname, "answered": answered}, ensure_ascii=False)


async def events(live: LiveClass, who: Student | None, sweep):
    """The event stream of one page: `who` None for the teacher, else the student. `sweep` forgets expired classes
    (registry.sweep), called on each heartbeat, so a class nobody touches still ends on time."""
    person = "teacher" if who is None else who.id
    live.streams[person] += 1
    try:
        yield f"retry: {RETRY_MS}\n" + event("hello", hello(who, live))
        changes = live.private if who is None else live.public
        last = None
        while True:
            seen = changes.version
            text = json.dumps(live.for_teacher(), ensure_ascii=False) if who is None else live.for_students()
            if text != last:
                yield event("state", text)
                last = text
            if live.ended:
                yield event("ended", json.dumps({"code": live.code}))
                return
            if not await changes.wait(seen, HEARTBEAT):
                if who is None and not live.ended:
                    live.active = live.clock()  # the teacher's page is open: the class is not idle
                sweep()  # an expired class is ended here, and this loop says so next
                yield ": still here\n\n"
            elif who is None:
                await asyncio.sleep(TEACHER_GAP)  # let a burst of answers arrive, then send the latest once
    finally:
        live.streams[person] -= 1
        if not live.streams[person]:
            del live.streams[person]
