"""Each Gradio adjustment (lab/server/gradio_tuning.py) off against all on, in one run; prints a table with ratios.

    python bench/gradio_tuning.py --students 30 --rounds 2 --lessons 2

For each setting (all on; each adjustment off alone, via $DIFFUSION_LAB_TUNING_OFF; all off; all on again, whose
ratio to the first shows how far the machine's noise moves a figure) it starts `python app.py`, and measures that
one server:
- its idle CPU (CPU-seconds per second with no student: the queue's polling is most of it);
- the class bench, bench/classroom.py --path browser: --students at once, --rounds rounds (server CPU-s per student,
  the p50 / p90 of each action's seconds, errors); --server-path also runs it with --path server and
  --server-students (tab 1's slider event, sampling and export on the server: the interactive lane);
- the browser lesson bench, bench/browser_sampling.py (--lessons lesson scripts in Chromium, the server's CPU-s per
  student with the sampling in the browser; one student's warm 8 × 20 DPM++ in the browser), unless --lessons 0.
Last, what queue_analytics saves, which the class does not reach (its cost grows with the events recorded, up to
10,000, over the server's uptime): the monitoring summary's milliseconds per event, Gradio's vs thinned.
A ratio is the setting's figure over all on's: above 1, turning that adjustment off costs more.
A bench, not a test: it measures, it asserts nothing. On a shared machine, run it when it is quiet and say so.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import repo_path  # noqa: F401 - the repository on sys.path
from browser_sampling import idle_rate
from classroom import ROOT, start_server

from lab.server.gradio_tuning import NAMES, OFF_ENV
from lab.server.queue_analytics import SUMMARY_EVERY, thin_queue_analytics

BENCH = Path(__file__).resolve().parent


def bench_json(script: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, str(BENCH / script), *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def class_figures(url: str, pid: int, args, path: str) -> dict:
    students = args.students if path == "browser" else args.server_students
    report = bench_json("classroom.py", "--url", url, "--pid", str(pid), "--students", str(students),
                        "--rounds", str(args.rounds), "--path", path, "--generate", args.generate)
    rounds, figures = report["rounds"], {}
    figures[f"class {path}: server CPU-s / student"] = sum(r["server_cpu_s_per_student"] for r in rounds) / len(rounds)
    for action in rounds[-1]["actions"]:
        for q in ("p50", "p90"):
            values = [r["actions"][action][q] for r in rounds if action in r["actions"]]
            figures[f"class {path}: {action} {q} s"] = sum(values) / len(values)
    figures[f"class {path}: errors"] = sum(n for r in rounds for n in r["errors"].values())
    return figures


def lesson_figures(url: str, pid: int, args) -> dict:
    report = bench_json("browser_sampling.py", "--url", url, "--pid", str(pid), "--repeats", "1",
                        "--students", str(args.lessons), "--no-ddpm")
    lesson = report["lesson script"]
    one = report["one student"]["8 images x 20 steps DPM++, browser"]
    return {"lesson: server CPU-s / student, browser path":
            lesson["server CPU-s per student, sampling in your browser"],
            "lesson: same, net of idle": lesson["... net of idle, sampling in your browser"],
            "lesson: server CPU-s / student, server path": lesson["server CPU-s per student, sampling on the server"],
            "one student: 8 x 20 DPM++ in the browser, warm s": one["warm_median_s"]}


def measure(off: str, args) -> dict:
    """The figures of one server started with $DIFFUSION_LAB_TUNING_OFF=off."""
    os.environ[OFF_ENV] = off  # start_server hands the environment to `python app.py`
    with tempfile.TemporaryDirectory(prefix="tuning_bench_") as temp:
        server, url = start_server(ROOT, Path(temp))
        try:
            figures = {"idle: server CPU-s per s": idle_rate(server.pid, args.idle_s)}
            figures.update(class_figures(url, server.pid, args, "browser"))
            if args.server_path:
                figures.update(class_figures(url, server.pid, args, "server"))
            if args.lessons:
                figures.update(lesson_figures(url, server.pid, args))
            applied = (Path(temp) / "server.log").read_text().splitlines()
            figures["tuning"] = next((line for line in applied if "tuning applied" in line), "?")
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"off={off!r}: {json.dumps(figures)}", file=sys.stderr, flush=True)  # progress
    return figures


def summary_ms_per_event(records: int, thinned: bool) -> float:
    """Gradio's monitoring summary over `records` recorded events, per event, as the queue runs it after each
    (thinned: one rebuild in SUMMARY_EVERY events, over at most RECORDS_KEPT)."""
    from gradio.queueing import Queue

    queue = Queue(live_updates=False, concurrency_count=1, update_intervals=1, max_size=None, blocks=None,
                  default_concurrency_limit=1)
    if thinned:
        thin_queue_analytics(queue)
    kept, events = (queue.ANALYTICS_MAX_EVENTS, SUMMARY_EVERY) if thinned else (records, 40)
    rows = [{"function": f"fn{i % 8}", "status": "success", "process_time": 0.01 * (i % 7), "time": i}
            for i in range(min(records, kept))]
    start = time.perf_counter()
    for _ in range(events):
        queue.events_recorded += 1
        queue.compute_analytics_summary(rows)
    return 1000 * (time.perf_counter() - start) / events


def table(results: dict[str, dict]) -> str:
    names = list(results)
    base = results[names[0]]
    rows = [f"{'figure':52}" + "".join(f"{n:>22}" for n in names)]
    for key in base:
        if key == "tuning":
            continue
        cells = [f"{base[key]:22.4g}"]
        for name in names[1:]:
            value = results[name].get(key)
            ratio = f"({value / base[key]:.2f}x)" if value is not None and base[key] else ""
            cells.append(f"{value:13.4g} {ratio:>8}" if value is not None else f"{'-':>22}")
        rows.append(f"{key:52}" + "".join(cells))
    return "\n".join(rows)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--students", type=int, default=30, help="class bench: students at once")
    p.add_argument("--rounds", type=int, default=2, help="class bench: rounds")
    p.add_argument("--generate", default="dpm_solver_pp:20", help="tab 4's sampler:steps")
    p.add_argument("--server-path", action="store_true", help="also the class bench with --path server")
    p.add_argument("--server-students", type=int, default=10, help="class bench with --server-path: students")
    p.add_argument("--lessons", type=int, default=2, help="browser bench: lesson scripts per setting (0: none)")
    p.add_argument("--idle-s", type=float, default=10, help="seconds of idle CPU measured")
    p.add_argument("--only", nargs="*", default=NAMES, choices=NAMES, help="the adjustments to turn off one by one")
    args = p.parse_args()
    settings = {"all on": "", **{f"{n} off": n for n in args.only}, "all off": "all", "all on, again": ""}
    results = {name: measure(off, args) for name, off in settings.items()}  # all on twice: the spread of the noise
    print(table(results))
    for name, figures in results.items():
        print(f"{name}: {figures['tuning']}")
    for records in (600, 10_000):
        gradio, thinned = (summary_ms_per_event(records, t) for t in (False, True))
        print(f"queue_analytics: monitoring summary with {records} events recorded: {gradio:.2f} ms per event "
              f"(Gradio's), {thinned:.3f} ms (thinned)")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
