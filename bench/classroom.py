"""A whole class at once: N simulated students run a lesson script against one app server, R rounds; prints JSON.

    python bench/classroom.py --students 30 --rounds 3            # starts `python app.py` on a free port
    python bench/classroom.py --students 8 --url http://127.0.0.1:7860/ --pid 1234   # a running server

Each student is a session of its own (its own gr.State; bench/gradio_protocol.py speaks Gradio's queue protocol as
a page does, fetching each streamed picture once; --client gradio_client uses gradio_client, which was measured to
use more CPU than the server on the same 2 cores), all starting together: one forward-noise update
(tab 1's slider let go, as the server draws it: "/update_at_t", asked for the Markov chain or by a page whose
module did not load; a live page draws it itself and asks nothing), Generate in tab 4 (mnist_fast, DDIM 50 steps,
8 images, w=2, guidance interval on: the app's settings before the class defaults), an export of that
trajectory, then text to image (20 steps, 8 images).
--seeds distinct gives every student their own seed (nothing to share); --seeds same is a class pressing Generate
on the defaults. --generate sets tab 4's sampler and steps (e.g. dpm_solver_pp:20, the class default).
--path browser is the same class on the browser path (issue 13), asking of the server only what a page then asks:
the page and the files it names, Generate's compiled run ("/start": the plan and x_T) and the model file, the same for
a prompt ("/start_1": CLIP and the prior run on the server); the slider and the sampling run on each student's
device (bench/browser_sampling.py times those in Chromium), so they cost the server nothing and are not simulated.

Reported per action: p50 / p90 / max latency (s) and errors; per round: the server's CPU-seconds per student
(utime + stime of its process), its RSS after the round, and the size and file count of its temp folders
(Gradio's cache and the exports). The server runs in its own process so that its CPU time is its own.
A bench, not a test: it measures, it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from gradio_protocol import Session, fetch_config

ROOT = Path(__file__).resolve().parents[1]
PROMPTS = ["a bold seven", "dark ankle boots", "a thin slanted two", "a light t-shirt", "large handbag"]
TEXT_MODEL = "text_cond"  # tab 5's model (its menu holds one per CLIP-conditioned model folder)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(app_dir: Path, temp_dir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "GRADIO_TEMP_DIR": str(temp_dir / "gradio"),
           "TMPDIR": str(temp_dir), "GRADIO_ANALYTICS_ENABLED": "False"}
    log = open(temp_dir / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited during start-up; see {temp_dir / 'server.log'}") from None
            time.sleep(0.5)
    raise RuntimeError("the app did not answer within 150 s")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def rss_mb(pid: int) -> float:
    line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def folder_size(paths: list[Path]) -> tuple[float, int]:
    files = [f for p in paths if p.exists() for f in p.rglob("*") if f.is_file()]
    return sum(f.stat().st_size for f in files) / 1e6, len(files)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=600) as answer:
        return answer.read()


def page_with_its_files(url: str):
    """The page and the script and style files its HTML names (the browser fetches more as the scripts run)."""
    html = fetch(url).decode("utf-8", "replace")
    for name in sorted(set(re.findall(r'(?:src|href)="\.?/?((?:assets|static)/[^"]+)"', html))):
        fetch(url + name)


def browser_actions(call, url: str, index: int, seed: int, sampler: str, steps: int) -> list:
    """What a student's page asks of the server on the browser path: the page, two compiled runs, two model files."""
    def run_in_browser(api_name: str, *values):
        payload = call(api_name, "browser", *values)[0]
        fetch(url + payload["model"]["url"])  # relative to the page: lab/models/<name>/model.onnx?v=…
    return [
        ("page", lambda: page_with_its_files(url)),
        ("generate", lambda: run_in_browser("/start", "mnist_fast", sampler, steps, 0.0, seed, 8, -1, 2.0, True)),
        ("text", lambda: run_in_browser("/start_1", PROMPTS[index % len(PROMPTS)], 3.0, 20, "dpm_solver_pp", seed, 8,
                                        True, TEXT_MODEL)),
    ]


def connect(url: str, args):
    """call(api_name, *values) -> outputs, for one new student."""
    if args.client == "gradio_client":
        from gradio_client import Client

        client = Client(url, verbose=False)
        return lambda api_name, *values: client.predict(*values, api_name=api_name)
    session = Session(url, args.config)
    return lambda api_name, *values: session.call(api_name.lstrip("/"), *values)


def student(url: str, index: int, args, barrier: threading.Barrier, timings: dict, errors: dict):
    call = connect(url, args)
    seed = index if args.seeds == "distinct" else 0
    sampler, steps = args.generate.split(":")
    actions = browser_actions(call, url, index, seed, sampler, int(steps)) if args.path == "browser" else [
        ("slider", lambda: call("/update_at_t", "cosine", 1000, 100 + index % 800, False)),
        ("generate", lambda: call("/run_sampler", "mnist_fast", sampler, int(steps), 0.0, seed, 8, -1, 2.0, True)),
        ("export", lambda: call("/export")),
        ("text", lambda: call("/text_to_image", PROMPTS[index % len(PROMPTS)], 3.0, 20, "dpm_solver_pp", seed, 8, True,
                              TEXT_MODEL)),
    ]
    barrier.wait()
    for name, action in actions:
        if name == "export" and not args.export:
            continue
        start = time.perf_counter()
        try:
            action()
            timings.setdefault(name, []).append(time.perf_counter() - start)
        except Exception as e:  # noqa: BLE001 - counted and reported, the bench goes on
            errors.setdefault(name, []).append(f"{type(e).__name__}: {str(e)[:120]}")


def summary(values: list[float]) -> dict:
    if not values:
        return {}
    q = statistics.quantiles(values, n=10, method="inclusive") if len(values) > 1 else [values[0]] * 9
    return {"p50": round(statistics.median(values), 3), "p90": round(q[8], 3), "max": round(max(values), 3),
            "n": len(values)}


def run_round(url: str, pid: int | None, args, temp_paths: list[Path]) -> dict:
    timings, errors = {}, {}
    args.config = fetch_config(url)  # the page's config, as each browser has it
    barrier = threading.Barrier(args.students)
    cpu0, start, own_cpu0 = cpu_seconds(pid) if pid else None, time.perf_counter(), time.process_time()
    threads = [threading.Thread(target=student, args=(url, i, args, barrier, timings, errors))
               for i in range(args.students)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    result = {"wall_s": round(time.perf_counter() - start, 1),
              "students_cpu_s": round(time.process_time() - own_cpu0, 1),  # the simulated students' own, same cores
              "actions": {name: summary(v) for name, v in timings.items()},
              "errors": {name: len(v) for name, v in errors.items()},
              "error_examples": {k: v[:2] for k, v in errors.items()}}
    if pid:
        result["server_cpu_s_per_student"] = round((cpu_seconds(pid) - cpu0) / args.students, 2)
        result["server_rss_mb"] = round(rss_mb(pid), 1)
    size, count = folder_size(temp_paths)
    result["temp_mb"], result["temp_files"] = round(size, 1), count
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--students", type=int, default=30)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--url", help="a running app (default: start `python app.py` from --app-dir)")
    p.add_argument("--pid", type=int, help="with --url: the server's process id, for CPU and RSS")
    p.add_argument("--app-dir", default=str(ROOT), help="the checkout whose app.py to start")
    p.add_argument("--temp", nargs="*", default=[], help="with --url: temp folders to measure")
    p.add_argument("--seeds", choices=["distinct", "same"], default="distinct")
    p.add_argument("--generate", default="ddim:50", help="tab 4's sampler:steps")
    p.add_argument("--no-export", dest="export", action="store_false")
    p.add_argument("--path", choices=["server", "browser"], default="server", help="where the sampling runs")
    p.add_argument("--pause", type=float, default=0, help="seconds between rounds (the app's temp files expire)")
    p.add_argument("--client", choices=["light", "gradio_client"], default="light",
                   help="how a student talks to the app")
    p.add_argument("--keep-temp", action="store_true",
                   help="keep the started app's temp folder (its log, cache, exports)")
    args = p.parse_args()
    proc, temp_dir = None, Path(tempfile.mkdtemp(prefix="classroom_bench_"))
    url, pid, temp_paths = args.url, args.pid, [Path(t) for t in args.temp]
    if url is None:
        proc, url = start_server(Path(args.app_dir), temp_dir)
        pid, temp_paths = proc.pid, [temp_dir]
    try:
        rounds = []
        for number in range(args.rounds):
            time.sleep(args.pause if number else 0)  # a class does not press Generate again within seconds
            rounds.append(run_round(url, pid, args, temp_paths))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if not args.keep_temp:
            shutil.rmtree(temp_dir, ignore_errors=True)
    print(json.dumps({"students": args.students, "path": args.path, "client": args.client, "pause_s": args.pause,
                      "seeds": args.seeds, "generate": args.generate, "app_dir": args.app_dir, "rounds": rounds},
                     indent=1))


if __name__ == "__main__":
    main()
