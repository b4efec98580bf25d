"""Tab 6's Train in the student's browser vs on the server, in this machine's headless Chromium (TensorFlow.js on
WebAssembly, 1 thread); prints JSON.

    python bench/playground_browser.py [--steps 800] [--students 30] [--objective flow_matching]

1. Time to a good fit, one student: two moons, `--steps` training steps in the page (Train's click to the fit
   measured, the page's own MMD² ratio printed with it; tests/test_browser_playground.py holds the fit), the
   browser's training seconds alone, and the same steps on the server (a page without WebAssembly uses the
   server's Train, concurrency_limit=1).
2. The server's CPU-seconds per student for Train (utime + stime of its process, net of its idle rate), `--students`
   fresh browser contexts one after another, each opening tab 6 and pressing Train for `--student-steps` steps in
   the page (the first one downloads and the server makes the spec, data and plans, the others replay them), against
   one server Train of `--steps` steps.
3. The class's wait: in the browser every student trains on their own device, so the last of N waits what one does;
   on the server the runs queue one at a time, the last of N waits N × one run (the measured server seconds).
A bench, not a test: it measures, it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from browser_sampling import idle_rate
from classroom import ROOT, cpu_seconds, start_server

sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM_ARGS, chromium_path, open_page  # noqa: E402

LABELS = {"ddpm": "DDPM: predict the noise ε", "flow_matching": "flow matching: predict the velocity ε − x0"}


def tab6(browser, url: str, no_wasm: bool = False):
    page = open_page(browser, url, init_script="delete window.WebAssembly" if no_wasm else None)
    page.get_by_role("tab", name="6 · Playground (2D)").click()
    page.get_by_label("training steps").first.wait_for()
    return page


def set_run(page, objective: str, steps: int):
    page.get_by_label(LABELS[objective]).check()
    box = page.get_by_label("training steps").first
    box.fill(str(steps))
    box.press("Enter")
    page.wait_for_timeout(500)


def browser_train(browser, url: str, objective: str, steps: int, fit: bool = True) -> dict:
    page = tab6(browser, url)
    page.wait_for_function("document.documentElement.classList.contains('dl-pg-live')")
    set_run(page, objective, steps)
    start = time.perf_counter()
    page.locator(".dl-pg-browser button", has_text="Train").first.click()
    done = "window.diffusionLab.playground.fit" if fit else "window.diffusionLab.playground.trained"
    page.wait_for_function(done, timeout=1_800_000)
    seconds = time.perf_counter() - start
    run = page.evaluate("({...window.diffusionLab.playground, losses: undefined})")
    page.context.close()
    trained_s = run["trained"]["seconds"]
    return {"click to fit measured, s": round(seconds, 1), "training in the page, s": round(trained_s, 1),
            "ms per step": round(1000 * trained_s / steps, 1),
            "fit, MMD² / floor": round(run["fit"]["ratio"], 2) if run.get("fit") else None}


def server_train(browser, url: str, objective: str, steps: int) -> float:
    page = tab6(browser, url, no_wasm=True)
    set_run(page, objective, steps)
    start = time.perf_counter()
    page.locator(".dl-pg-server button", has_text="Train").first.click()
    page.wait_for_function(f"document.body.innerText.includes('Trained {steps} steps')", timeout=600_000)
    seconds = time.perf_counter() - start
    page.context.close()
    return seconds


def per_student_cpu(browser, url: str, pid: int, args) -> dict:
    idle = idle_rate(pid)
    before, start = cpu_seconds(pid), time.perf_counter()
    for _ in range(args.students):
        browser_train(browser, url, args.objective, args.student_steps, fit=False)
    used, wall = cpu_seconds(pid) - before, time.perf_counter() - start
    browser_cpu = (used - idle * wall) / args.students
    before, start = cpu_seconds(pid), time.perf_counter()
    server_train(browser, url, args.objective, args.steps)
    server_cpu = cpu_seconds(pid) - before - idle * (time.perf_counter() - start)
    return {"students": args.students,
            "server CPU-s per student, Train in the browser (net of idle)": round(browser_cpu, 3),
            f"server CPU-s, one Train of {args.steps} steps on the server (net of idle)": round(server_cpu, 2),
            "idle CPU-s per s": round(idle, 4), "browser / server": round(browser_cpu / max(server_cpu, 1e-9), 4)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objective", choices=sorted(LABELS), default="flow_matching")
    parser.add_argument("--steps", type=int, default=800, help="training steps of the time-to-fit runs")
    parser.add_argument("--students", type=int, default=30, help="sequential students for the CPU figure (0: none)")
    parser.add_argument("--student-steps", type=int, default=100, help="steps each of those students trains")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as temp:
        server, url = start_server(ROOT, Path(temp))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                one = browser_train(browser, url, args.objective, args.steps)
                on_server = server_train(browser, url, args.objective, args.steps)
                report = {"objective": args.objective, "steps": args.steps, "one student, in the browser": one,
                          "one student, on the server: click to trained, s": round(on_server, 1),
                          "class wait for the last student, s": {
                              f"{n} students, browser": one["click to fit measured, s"] for n in (1, args.students)}
                          | {f"{n} students, server queue": round(n * on_server, 1) for n in (1, args.students)}}
                if args.students:
                    report["server CPU"] = per_student_cpu(browser, url, server.pid, args)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
