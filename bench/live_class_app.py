"""A live class on the whole app (issue 25): push to screen as a student's page meets it, through Gradio.

    python bench/live_class_app.py --students 30 --pushes 10 --port 7894

bench/live_class.py measures the light channel alone (a view reaching each student's event stream). Here the server
is the app itself (lab/server/launch.py: Gradio with the live class's routes beside it), and each simulated student
does what its page does when a view arrives (lab/static/js/live_student.mjs): it hands the view to the page's link
box, whose change runs the view-link restore (lab/view_link_ui.py) and its chain of redraws, each a Gradio event
through the queue; a value that the restore changes fires that widget's own change events, as in a browser.

    on screen     from just before the teacher's POST /show until the restore's answer is back (the tab is selected,
                  the widgets hold the view's values)
    drawn         until the last event of the chain is back (tab 1's x_t, tab 2's curves, tab 3's panels redrawn)
    CPU / student the server's utime + stime per student per push

A student is a few coroutines speaking HTTP/1.1 (bench/live_class.py) and Gradio's queue protocol (sse_v3); the
students share the machine's cores with the server: latencies are upper bounds. A bench: it asserts nothing."""
from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import subprocess
import sys
import time
import urllib.request

import repo_path
from live_class import HOST, Lesson, call, connections, cpu_seconds, listen, rss_mb, spread, wait_for_port

VIEWS = ("?tab=forward&t={t}", "?tab=schedules&t={t}", "?tab=denoise&t={t}&model=mnist_fast")


async def stream_until(port: int, session_hash: str, event_id: str) -> list:
    """Gradio's queue stream for a session, read until `event_id` completes; its output data."""
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(f"GET /gradio_api/queue/data?session_hash={session_hash} HTTP/1.1\r\nHost: {HOST}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())
    try:
        await reader.readuntil(b"\r\n\r\n")
        text = ""
        while size := int((await reader.readline()).strip() or b"0", 16):
            text += (await reader.readexactly(size + 2))[:-2].decode()
            *messages, text = text.split("\n\n")
            for chunk in messages:
                message = json.loads(chunk.removeprefix("data:").strip() or "{}")
                if message.get("event_id") == event_id and message.get("msg") == "process_completed":
                    if not message.get("success"):
                        raise RuntimeError(str(message.get("output"))[:200])
                    return message["output"]["data"]
    finally:
        writer.close()
    raise RuntimeError("the queue's stream ended early")


class Page:
    """The Gradio side of one student's page: the widgets' values and the events a view's arrival runs."""

    def __init__(self, port: int, config: dict):
        self.port, self.session_hash = port, secrets.token_hex(6)
        self.values = {c["id"]: c.get("props", {}).get("value") for c in config["components"]}
        self.state = {c["id"] for c in config["components"] if c["type"] == "state"}
        self.deps = {d["id"]: d for d in config["dependencies"]}
        self.restore = next(d for d in config["dependencies"] if d.get("api_name") == "restore")

    def then_of(self, dep: dict) -> list[dict]:
        return [d for d in self.deps.values() if d.get("trigger_after") == dep["id"] and d.get("backend_fn")]

    def on_change(self, ids: set) -> list[dict]:
        return [d for d in self.deps.values() if d.get("backend_fn")
                and any(target[0] in ids and target[1] == "change" for target in d.get("targets", []))]

    async def run(self, dep: dict, data: list | None = None) -> set:
        """Send one event with the page's values; apply its outputs; the ids whose value changed."""
        data = data or [None if i in self.state else self.values.get(i) for i in dep["inputs"]]
        status, joined = await call(self.port, "POST", "/gradio_api/queue/join", {
            "data": data, "fn_index": dep["id"], "session_hash": self.session_hash, "event_data": None,
            "trigger_id": None})
        if status != 200:
            raise RuntimeError(f"queue/join: {status} {joined}")
        changed = set()
        for i, out in zip(dep["outputs"], await stream_until(self.port, self.session_hash, joined["event_id"])):
            value = out.get("value", self.values.get(i)) if isinstance(out, dict) and out.get("__type__") else out
            if value != self.values.get(i):
                self.values[i] = value
                changed.add(i)
        return changed

    async def follow(self, query: str) -> tuple[float, float]:
        """The restore, then its chain and the change events it fires; when the view and the drawing were done."""
        changed = await self.run(self.restore, [query])
        on_screen = time.perf_counter()
        queue = [*self.then_of(self.restore), *self.on_change(changed)]
        while queue:
            dep = queue.pop(0)
            queue += [*self.then_of(dep), *self.on_change(await self.run(dep))]
        return on_screen, time.perf_counter()


class AppLesson(Lesson):
    """bench/live_class.py's lesson (its post and errors), its students following through Gradio."""

    def __init__(self, port: int, config: dict, n: int):
        super().__init__(port, n)
        self.config = config
        self.sent: dict[int, float] = {}  # push number -> when the teacher sent it
        self.on_screen: list[float] = []
        self.drawn: list[float] = []

    async def student(self, code: str, i: int, ready: asyncio.Event):
        me, page = await self.post(f"/lab/live/{code}/join", {"nickname": f"s{i}"}), Page(self.port, self.config)

        async def follow(shown: int, link: str):
            try:
                on_screen, drawn = await page.follow(f"{link}&shown={shown}")
                self.on_screen.append(on_screen - self.sent[shown])
                self.drawn.append(drawn - self.sent[shown])
            except Exception as error:  # noqa: BLE001 - a bench counts what went wrong
                self.errors.append(f"follow {shown}: {error}")

        def on_event(name, data, now):
            if name == "hello":
                ready.set()
            elif name == "state" and data.get("shown") in self.sent:
                asyncio.ensure_future(follow(data["shown"], data["link"]))

        await listen(self.port, f"/lab/live/{code}/events?token={me['token']}", on_event)

    async def teach(self, code: str, key: str, pushes: int):
        for push in range(1, pushes + 1):
            link = VIEWS[push % len(VIEWS)].format(t=100 + 80 * push)
            self.sent[push] = time.perf_counter()
            await self.post(f"/lab/live/{code}/show", {"key": key, "view": link})
            end = time.perf_counter() + 30
            while len(self.drawn) < push * self.n and time.perf_counter() < end:
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.0)


async def one_class(port: int, pid: int, config: dict, n: int, pushes: int) -> dict:
    lesson, before = AppLesson(port, config, n), {"rss_mb": rss_mb(pid), "connections": connections(port)}
    started = await lesson.post("/lab/live/classes", {})
    ready = [asyncio.Event() for _ in range(n)]
    tasks = [asyncio.ensure_future(lesson.student(started["code"], i, ready[i])) for i in range(n)]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in ready)), 60)
    cpu0 = cpu_seconds(pid)
    await lesson.teach(started["code"], started["key"], pushes)
    cpu = cpu_seconds(pid) - cpu0
    await lesson.post(f"/lab/live/{started['code']}/end", {"key": started["key"]})
    await asyncio.wait(tasks, timeout=10)
    return {"students": n, "pushes": pushes, "on_screen": spread(lesson.on_screen), "drawn": spread(lesson.drawn),
            "server_cpu_s": round(cpu, 2), "cpu_s_per_student_per_push": round(cpu / n / pushes, 4),
            "before": before, "after": {"rss_mb": rss_mb(pid), "connections": connections(port)},
            "errors": len(lesson.errors), "first_errors": lesson.errors[:5]}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--students", type=int, nargs="+", default=[30])
    p.add_argument("--pushes", type=int, default=10)
    p.add_argument("--port", type=int, default=7894)
    args = p.parse_args()
    server = subprocess.Popen([sys.executable, "-m", "lab.server.launch", "--port", str(args.port)],
                              cwd=repo_path.ROOT)
    try:
        wait_for_port(args.port, 120)
        config = json.load(urllib.request.urlopen(f"http://{HOST}:{args.port}/config", timeout=60))
        results = [asyncio.run(one_class(args.port, server.pid, config, n, args.pushes)) for n in args.students]
        print(json.dumps(results, indent=1))
        for r in results:
            print(f"{r['students']:>4} students: on screen p50 {r['on_screen'].get('p50_ms')} ms, "
                  f"p90 {r['on_screen'].get('p90_ms')} ms; drawn p90 {r['drawn'].get('p90_ms')} ms; "
                  f"CPU {r['cpu_s_per_student_per_push']} s per student per push; errors {r['errors']}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
