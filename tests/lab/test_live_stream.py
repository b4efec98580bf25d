"""lab/live/stream.py: each page hears the state on connect and after each change it may see; a student never hears
another's answer; an ended class closes every stream; open streams are counted and released."""
import asyncio
import json

from lab.live.stream import events
from tests.lab.test_live_class import new_class


def parse(chunk: str) -> tuple[str, dict | None]:
    """(event name, data) of one chunk; ("", None) for a heartbeat comment."""
    fields = dict(line.split(": ", 1) for line in chunk.strip().splitlines() if not line.startswith((":", "retry")))
    return fields.get("event", ""), json.loads(fields["data"]) if "data" in fields else None


async def next_event(stream, timeout=1.0):
    return parse(await asyncio.wait_for(anext(stream), timeout))


def test_students_hear_pushes_and_reveals_not_answers():
    async def lesson():
        live = new_class()
        ada = live.join("Ada", "a")
        student, teacher = events(live, ada, sweep=lambda: None), events(live, None, sweep=lambda: None)
        assert await next_event(student) == ("hello", {"student": 1, "nickname": "Ada", "answered": {}})
        assert (await next_event(teacher))[1]["teacher"]
        assert (await next_event(student))[1]["view"] == {} and (await next_event(teacher))[0] == "state"
        live.show("teacher-key", "?tab=forward&t=700")
        assert (await next_event(student))[1]["link"] == "?tab=forward&t=700"
        assert (await next_event(teacher))[1]["view"] == {"tab": "forward", "t": 700}
        live.ask("teacher-key", "forward-lose-picture")
        question = (await next_event(student))[1]["question"]
        assert question["state"] == "open" and "summary" not in question
        await next_event(teacher)
        live.answer("a", 1, 250)
        assert (await next_event(teacher))[1]["asked"][0]["answers"][0]["value"] == 250
        quiet = asyncio.ensure_future(anext(student))
        await asyncio.sleep(0.05)
        assert not quiet.done()  # the answer woke only the teacher
        live.reveal("teacher-key")
        assert parse(await asyncio.wait_for(quiet, 1))[1]["question"]["summary"]["answers"] == 1
        assert live.streams == {"teacher": 1, 1: 1}
        live.end("teacher-key")
        assert [name async for name, _ in (parse(chunk) async for chunk in student)][-1] == "ended"
        await student.aclose()
        await teacher.aclose()
        return live.streams

    assert asyncio.run(lesson()) == {}


def test_a_reconnecting_student_hears_their_answers():
    async def reconnect():
        live = new_class()
        ada = live.join("Ada", "a")
        live.ask("teacher-key", "schedules-faster-250")
        live.answer("a", 1, "cosine")
        stream = events(live, ada, sweep=lambda: None)
        hello = await next_event(stream)
        await stream.aclose()
        return hello

    assert asyncio.run(reconnect()) == ("hello", {"student": 1, "nickname": "Ada", "answered": {"1": "cosine"}})


def test_a_quiet_stream_beats_and_sweeps(monkeypatch):
    monkeypatch.setattr("lab.live.stream.HEARTBEAT", 0.01)
    swept = []

    async def quiet():
        live = new_class()
        stream = events(live, None, sweep=lambda: swept.append(1))
        await next_event(stream), await next_event(stream)
        beat = await next_event(stream)
        await stream.aclose()
        return beat

    assert asyncio.run(quiet()) == ("", None) and swept == [1]
