"""A live class (issue 25) over its light channel: a teacher and N students on one server, a lesson of 10 pushes and 5
questions; prints push-to-screen latency, the server's CPU and memory, its open connections, and errors (JSON).

    python bench/live_class.py --students 30 100 --port 7893 --class-model-steps 1000

The server is a minimal FastAPI app holding only the live class's routes (lab/live/routes.py), run by uvicorn in its
own process (so its CPU time is its own); the full app mounts the same router beside Gradio. Each student is a raw
HTTP/1.1 client in one asyncio process: it joins, keeps one server-sent-events stream open (as EventSource does),
and answers each question after 0.3-3 s. The teacher keeps its own stream, shows a view (10 times, 1 s apart), and
asks, waits for the answers, reveals and closes a question after every second view.

    push to screen   from just before the teacher's POST /show to each student's stream delivering that view
    ask to screen    the same for a question
    CPU / student    the server's utime + stime during the lesson, per student, per minute of this lesson (a real
                     lesson spreads the same events over 45 minutes: its cost per minute is lower still)

Then the class's own model (lab/live/class_model.py; --class-model-steps 0: none): up to 60 students send a drawing
(MNIST digits), the teacher trains, every student asks for pictures once within 10 s of its end.

The clients share the machine's cores with the server: latencies are upper bounds. A bench: it asserts nothing."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import repo_path  # noqa: F401  (the repository on sys.path)

HOST = "127.0.0.1"
QUESTIONS = ("forward-lose-picture", "schedules-faster-250", "denoise-easier-900", "sampling-ddim-steps",
             "playground-straight")
ANSWERS = {"number": lambda q: random.randint(int(q["low"]), int(q["high"])),
           "choice": lambda q: random.choice(q["choices"])}


def serve(port: int):
    import uvicorn
    from fastapi import FastAPI

    from diffusion_core import FLOW_SAMPLERS, SAMPLERS, SCHEDULE_NAMES
    from lab.live.registry import Registry
    from lab.live.routes import live_routes
    from lab.view_link import Known

    app = FastAPI()
    known = Known(schedules=tuple(SCHEDULE_NAMES), samplers=(*SAMPLERS, *FLOW_SAMPLERS))
    app.include_router(live_routes(Registry(known)))
    uvicorn.run(app, host=HOST, port=port, log_level="warning")


# ---- the server's process, read from /proc
def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS"))
    return round(int(line.split()[1]) / 1024, 1)


def connections(port: int) -> int:
    """Established TCP connections on the server's side of `port`."""
    rows = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
    return sum(1 for r in rows if int(r[1].split(":")[1], 16) == port and r[3] == "01")


# ---- HTTP/1.1 over asyncio streams: lighter than a client library for a hundred connections
async def call(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    reader, writer = await asyncio.open_connection(HOST, port)
    data = json.dumps(body).encode() if body is not None else b""
    writer.write(f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data)
    raw = await reader.read()
    writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), json.loads(payload) if payload else {}


async def listen(port: int, path: str, on_event):
    """Read a server-sent-events stream (chunked) and call on_event(name, data, arrival time) for each event."""
    reader, writer = await asyncio.open_connection(HOST, port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await reader.readuntil(b"\r\n\r\n")
    text = ""
    try:
        while size := int((await reader.readline()).strip() or b"0", 16):
            text += (await reader.readexactly(size + 2))[:-2].decode()
            *events, text = text.split("\n\n")
            now = time.perf_counter()
            for chunk in events:
                fields = dict(line.split(": ", 1) for line in chunk.splitlines() if line.startswith(("event", "data")))
                if "event" in fields:
                    on_event(fields["event"], json.loads(fields["data"]), now)
    finally:
        writer.close()


class Lesson:
    """What every client saw: arrival times per view link and per question, and errors."""

    def __init__(self, port: int, n: int):
        self.port, self.n = port, n
        self.sent: dict[str, float] = {}  # a view's link or "q<number>" -> when the teacher sent it
        self.arrived: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.answered: dict[str, asyncio.Event] = {}
        self.tokens: list[str] = []  # the students' tokens, in the order they joined
        self.pid = 0  # the server's process

    def saw(self, what: str, at: float):
        self.arrived.setdefault(what, []).append(at)

    async def post(self, path: str, body: dict) -> dict:
        status, reply = await call(self.port, "POST", path, body)
        if status != 200:
            self.errors.append(f"{path}: {status} {reply.get('error')}")
        return reply

    async def student(self, code: str, i: int, ready: asyncio.Event):
        me = await self.post(f"/lab/live/{code}/join", {"nickname": f"s{i}"})
        self.tokens.append(me["token"])
        seen = set()

        def on_event(name, data, now):
            ready.set() if name == "hello" else None
            if name != "state":
                return
            if data["link"] and data["link"] not in seen:
                seen.add(data["link"])
                self.saw(data["link"], now)
            q = data["question"]
            if q and q["state"] == "open" and f"q{q['number']}" not in seen:
                seen.add(f"q{q['number']}")
                self.saw(f"q{q['number']}", now)
                asyncio.ensure_future(self.answer(code, me["token"], q["number"], q["question"]))

        await listen(self.port, f"/lab/live/{code}/events?token={me['token']}", on_event)

    async def answer(self, code: str, token: str, number: int, question: dict):
        await asyncio.sleep(random.uniform(0.3, 3.0))  # a student thinks
        value = ANSWERS[question["kind"]](question)
        await self.post(f"/lab/live/{code}/answer", {"token": token, "number": number, "value": value})
        self.saw(f"a{number}", time.perf_counter())

    async def until_all(self, what: str, count: int, timeout: float = 10.0):
        end = time.perf_counter() + timeout
        while len(self.arrived.get(what, ())) < count and time.perf_counter() < end:
            await asyncio.sleep(0.02)
        if len(self.arrived.get(what, ())) < count:
            self.errors.append(f"{what}: {len(self.arrived.get(what, ()))} of {count} in {timeout:g} s")


async def teach(lesson: Lesson, code: str, key: str):
    for push in range(10):
        link = f"?tab=forward&t={100 + push * 50}"
        lesson.sent[link] = time.perf_counter()
        await lesson.post(f"/lab/live/{code}/show", {"key": key, "view": link})
        await lesson.until_all(link, lesson.n)
        await asyncio.sleep(1.0)
        if push % 2 == 1:
            number = len([k for k in lesson.sent if k.startswith("q")]) + 1
            lesson.sent[f"q{number}"] = time.perf_counter()
            await lesson.post(f"/lab/live/{code}/ask", {"key": key, "question": QUESTIONS[push // 2]})
            await lesson.until_all(f"a{number}", lesson.n)
            await lesson.post(f"/lab/live/{code}/reveal", {"key": key})
            await asyncio.sleep(1.0)
            await lesson.post(f"/lab/live/{code}/close-question", {"key": key})


async def class_model(lesson: Lesson, code: str, key: str, tokens: list[str], steps: int) -> dict:
    """The class's own model: drawings, one training, every student's pictures."""
    from diffusion_core.data import load_images

    x0, _ = load_images("mnist", "train", limit=min(60, len(tokens)))
    pixels = ((x0.flatten(1) + 1) / 2).clamp(0, 1).tolist()
    for token, drawing in zip(tokens, pixels):
        await lesson.post(f"/lab/live/{code}/drawing", {"token": token, "pixels": [round(v, 3) for v in drawing]})
    pid, started = lesson.pid, time.perf_counter()
    cpu0, rss0 = cpu_seconds(pid), rss_mb(pid)
    await lesson.post(f"/lab/live/{code}/train", {"key": key})
    state = "training"
    while state == "training":
        await asyncio.sleep(1.0)
        state = (await call(lesson.port, "GET", f"/lab/live/{code}/state?key={key}"))[1]["model"]["state"]
    trained = {"state": state, "drawings": len(pixels), "steps": steps,
               "wall_s": round(time.perf_counter() - started, 1), "server_cpu_s": round(cpu_seconds(pid) - cpu0, 1),
               "rss_mb": [rss0, rss_mb(pid)]}
    waits = []

    async def ask(token: str):
        await asyncio.sleep(random.uniform(0, 10))
        asked = time.perf_counter()
        reply = await lesson.post(f"/lab/live/{code}/class-samples", {"token": token})
        if "pictures" in reply:
            waits.append(time.perf_counter() - asked)

    await asyncio.gather(*(ask(token) for token in tokens))
    return {**trained, "pictures": spread(waits)}


def spread(values: list[float]) -> dict:
    if not values:
        return {}
    q = statistics.quantiles(values, n=10, method="inclusive") if len(values) > 1 else values * 9
    return {"p50_ms": round(1000 * statistics.median(values), 1), "p90_ms": round(1000 * q[8], 1),
            "max_ms": round(1000 * max(values), 1), "n": len(values)}


async def one_class(port: int, pid: int, n: int, model_steps: int) -> dict:
    lesson, before = Lesson(port, n), {"rss_mb": rss_mb(pid), "connections": connections(port)}
    lesson.pid = pid
    started = await lesson.post("/lab/live/classes", {})
    code, key = started["code"], started["key"]
    ready = [asyncio.Event() for _ in range(n)]
    tasks = [asyncio.ensure_future(lesson.student(code, i, ready[i])) for i in range(n)]
    tasks.append(asyncio.ensure_future(listen(port, f"/lab/live/{code}/events?key={key}", lambda *a: None)))
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in ready)), 30)
    during = {"rss_mb": rss_mb(pid), "connections": connections(port)}
    cpu0, wall0 = cpu_seconds(pid), time.perf_counter()
    await teach(lesson, code, key)
    cpu, minutes = cpu_seconds(pid) - cpu0, (time.perf_counter() - wall0) / 60
    model = await class_model(lesson, code, key, lesson.tokens, model_steps) if model_steps else None
    await lesson.post(f"/lab/live/{code}/end", {"key": key})
    await asyncio.wait(tasks, timeout=10)
    await asyncio.sleep(0.5)
    pushes = [at - lesson.sent[k] for k in lesson.sent if k.startswith("?") for at in lesson.arrived.get(k, ())]
    asks = [at - lesson.sent[k] for k in lesson.sent if k.startswith("q") for at in lesson.arrived.get(k, ())]
    return {"students": n, "push_to_screen": spread(pushes), "ask_to_screen": spread(asks),
            "lesson_minutes": round(minutes, 2), "server_cpu_s": round(cpu, 2),
            "cpu_s_per_student_per_minute": round(cpu / n / minutes, 4),
            "before": before, "during": during, "after": {"rss_mb": rss_mb(pid), "connections": connections(port)},
            "class_model": model, "errors": len(lesson.errors), "first_errors": lesson.errors[:5]}


def wait_for_port(port: int, seconds: float = 30):
    import socket

    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"no server on port {port} after {seconds:g} s")


def side_by_side(results: list[dict]):
    """One column per class, and each later class's figures as a ratio of the first's."""
    rows = [("push p50 ms", lambda r: r["push_to_screen"].get("p50_ms")),
            ("push p90 ms", lambda r: r["push_to_screen"].get("p90_ms")),
            ("ask p90 ms", lambda r: r["ask_to_screen"].get("p90_ms")),
            ("CPU s / student / min", lambda r: r["cpu_s_per_student_per_minute"]),
            ("RSS MB before", lambda r: r["before"]["rss_mb"]), ("RSS MB after", lambda r: r["after"]["rss_mb"]),
            ("connections during", lambda r: r["during"]["connections"]),
            ("connections after", lambda r: r["after"]["connections"]),
            ("class model train s", lambda r: (r["class_model"] or {}).get("wall_s")),
            ("class model CPU s", lambda r: (r["class_model"] or {}).get("server_cpu_s")),
            ("its pictures p90 ms", lambda r: (r["class_model"] or {}).get("pictures", {}).get("p90_ms")),
            ("errors", lambda r: r["errors"])]
    print(f"{'students':24}" + "".join(f"{r['students']:>10}" for r in results)
          + "".join(f"{'x first':>10}" for _ in results[1:]))
    for name, read in rows:
        values = [read(r) for r in results]
        ratios = [f"{v / values[0]:.2f}" if values[0] else "-" for v in values[1:]]
        print(f"{name:24}" + "".join(f"{v:>10}" for v in values) + "".join(f"{x:>10}" for x in ratios))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--students", type=int, nargs="+", default=[30, 100])
    p.add_argument("--port", type=int, default=7893)
    p.add_argument("--class-model-steps", type=int, default=300,
                   help="the class model's training steps (the server's default is 1000; 0: no class model)")
    p.add_argument("--serve", action="store_true", help="run the server (the bench starts it so)")
    args = p.parse_args()
    if args.serve:
        return serve(args.port)
    env = {**os.environ, "DIFFUSION_LAB_CLASS_MODEL_STEPS": str(args.class_model_steps or 1)}
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--port", str(args.port)], env=env)
    try:
        wait_for_port(args.port)
        idle = {"rss_mb": rss_mb(server.pid), "connections": connections(args.port)}
        results = [asyncio.run(one_class(args.port, server.pid, n, args.class_model_steps)) for n in args.students]
        print(json.dumps({"server_idle": idle, "classes": results}, indent=1))
        side_by_side(results)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
