"""Sampling in the student's browser vs on the server, in this machine's headless Chromium (WebAssembly, 1 thread:
the page is not cross-origin isolated); prints JSON.

    python bench/browser_sampling.py                      # starts `python app.py` on a free port
    python bench/browser_sampling.py --url http://127.0.0.1:7860/ --pid 1234
    python bench/browser_sampling.py --tab 5 --model emoji_text --students 0   # the colour model, a prompt, 8 × 20

1. One student, tab 4 (mnist_fast; or --model, or tab 5 with a prompt: --tab 5): 8 images × 20 steps of DPM-Solver++
   at the tab's guidance (tab 4: w=2 with the guidance interval, the class
   default), and the 1000-step DDPM animation of one image, each "in your browser" and "on the server": seconds
   from the click on Generate to the last step shown (the browser's first run includes downloading and starting the
   model; the others are warm), and the browser's own sampling seconds.
2. The server's CPU-seconds per student (utime + stime of its process) for the lesson script — open the page,
   drag the t slider five times, Generate in tab 4, a prompt in tab 5 — with the browser path on ("in your
   browser") and off ("on the server"); each student a fresh browser context (nothing cached). Target: on ≤ 5 % of off.
   The students run one after another, so the server's idle cost (its event loop and queue polling, measured for
   10 s before) is counted once per student rather than shared by a class: given with it and net of it.
A bench, not a test: it measures, it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from classroom import ROOT, cpu_seconds, start_server

sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM_ARGS, chromium_path  # noqa: E402

STATE = "document.querySelector('.dl-browser')?.closest('[data-state]')?.dataset.state"
WHERE = {"browser": "in your browser", "server": "on the server"}


def visible(locator):
    return locator.filter(visible=True).first


TABS = {4: ("4 · Reverse sampling", "model"), 5: ("5 · Text to image (CLIP)", "text model")}  # (tab, its model menu)
PROMPT = "a red heart"  # tab 5's prompt for a model that is not the digits-and-clothes one


def open_tab(page, url: str, tab: str, menu: str | None = None, model: str | None = None):
    page.goto(url)
    page.get_by_text("Diffusion Lab").first.wait_for()
    page.get_by_role("tab", name=tab).click()
    visible(page.get_by_label("in your browser")).wait_for()
    if model:
        visible(page.get_by_label(menu, exact=True)).click()
        page.get_by_role("option", name=model, exact=True).click()
        page.wait_for_timeout(1000)
        if menu == "text model":
            visible(page.get_by_label("prompt")).fill(PROMPT)


def set_run(page, where: str, sampler: str, steps: int, images: int):
    visible(page.get_by_label(WHERE[where])).check()
    visible(page.get_by_label(sampler, exact=True)).check()
    for label, value in (("steps (model evaluations)", steps), ("images", images)):
        box = visible(page.locator("input[type=number]").and_(page.get_by_label(label)))  # not tab 5's gallery
        box.fill(str(value))
        box.press("Enter")


def generate(page, where: str, steps: int, seed: int | None = None) -> dict:
    """Click Generate (with a new seed: the server replays a request it has seen); seconds until the last step is
    shown; the browser's lastRun."""
    if seed is not None:
        visible(page.get_by_label("seed")).fill(str(seed))
    page.evaluate("window.diffusionLab = {}")
    start = time.perf_counter()
    visible(page.get_by_role("button", name="Generate")).click()
    if where == "browser":
        page.wait_for_function(f"{STATE} === 'done' && window.diffusionLab.lastRun !== undefined", polling=20)
    else:  # the click first clears the last run's status, then the server streams the new one
        done = f"document.body.innerText.includes('step {steps}/{steps} ·')"
        page.wait_for_function(f"!{done}", polling=20)
        page.wait_for_function(done, polling=20)
    seconds = time.perf_counter() - start
    run = page.evaluate("({...(window.diffusionLab.lastRun || {}), final: undefined})")
    return {"seconds": round(seconds, 2), "where": run.get("where", where), "backend": run.get("backend"),
            "sampling_s": round(run["seconds"], 2) if "seconds" in run else None}


def one_student(browser, url: str, repeats: int, tab: int = 4, model: str | None = None, ddpm: bool = True) -> dict:
    runs = {"8 images x 20 steps DPM++": ("DPM-Solver++(2M)", 20, 8),
            "DDPM 1000 steps, 1 image": ("DDPM (ancestral)", 1000, 1)}
    runs = runs if ddpm else dict(list(runs.items())[:1])
    report = {}
    for name, (sampler, steps, images) in runs.items():
        for where in ("browser", "server"):
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.set_default_timeout(600_000)
            open_tab(page, url, TABS[tab][0], TABS[tab][1], model)
            set_run(page, where, sampler, steps, images)
            first = generate(page, where, steps, seed=100)
            warm = [generate(page, where, steps, seed=101 + i) for i in range(repeats)]
            report[f"{name}, {where}"] = {"first": first,
                                          "warm_median_s": statistics.median(r["seconds"] for r in warm), "warm": warm}
            print(name, where, json.dumps(report[f"{name}, {where}"]), file=sys.stderr, flush=True)  # progress
            page.close()
    return report


def drag_the_t_slider(page, times: int):
    """As a student does: press, drag, let go (each let-go is what could ask the server), a few times."""
    box = page.locator("#forward-t input[type=range]").bounding_box()
    y = box["y"] + box["height"] / 2
    for k in range(times):
        page.mouse.move(box["x"] + box["width"] * (0.1 + 0.15 * k), y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * (0.2 + 0.15 * k), y, steps=10)
        page.mouse.up()


def lesson(browser, url: str, where: str, seed: int):
    """One student's lesson script in a fresh context (nothing cached), with their own seed."""
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(600_000)
    page.goto(url)
    page.get_by_text("Diffusion Lab").first.wait_for()
    page.wait_for_timeout(2000)
    drag_the_t_slider(page, times=5)
    page.wait_for_timeout(1000)
    page.get_by_role("tab", name="4 · Reverse sampling").click()
    visible(page.get_by_label(WHERE[where])).check()
    generate(page, where, 20, seed)
    page.get_by_role("tab", name="5 · Text to image (CLIP)").click()
    visible(page.get_by_label(WHERE[where])).check()
    visible(page.get_by_label("prompt")).fill("dark ankle boots")
    generate(page, where, 20, seed)
    context.close()


def server_cpu(browser, url: str, pid: int, students: int) -> dict:
    report, net = {}, {}
    idle_per_s = idle_rate(pid)
    for where in ("server", "browser"):
        lesson(browser, url, where, seed=200)  # warm-up: plans compiled, models loaded
        before, start = cpu_seconds(pid), time.perf_counter()
        for i in range(students):
            lesson(browser, url, where, seed=201 + i)
        used, wall = cpu_seconds(pid) - before, time.perf_counter() - start
        report[f"server CPU-s per student, sampling {WHERE[where]}"] = round(used / students, 3)
        net[where] = (used - idle_per_s * wall) / students
        report[f"... net of idle, sampling {WHERE[where]}"] = round(net[where], 3)
    on, off = (report[f"server CPU-s per student, sampling {WHERE[w]}"] for w in ("browser", "server"))
    report.update({"on / off": round(on / off, 4), "on / off, net of idle": round(net["browser"] / net["server"], 4),
                   "idle CPU-s per s": round(idle_per_s, 4)})
    return report


def idle_rate(pid: int, seconds: float = 10) -> float:
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url")
    parser.add_argument("--pid", type=int, help="the server's process id (for its CPU time) with --url")
    parser.add_argument("--repeats", type=int, default=3, help="warm runs per setting")
    parser.add_argument("--students", type=int, default=3,
                        help="lesson scripts per setting for the CPU figures (0: none)")
    parser.add_argument("--tab", type=int, choices=sorted(TABS), default=4, help="where one student's runs happen")
    parser.add_argument("--model", help="the model chosen in that tab (default: the tab's first)")
    parser.add_argument("--no-ddpm", action="store_true", help="leave out the 1000-step DDPM animation")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = None
    with tempfile.TemporaryDirectory() as temp:
        if args.url:
            url, pid = args.url, args.pid
        else:
            server, url = start_server(ROOT, Path(temp))
            pid = server.pid
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
                report = {"one student": one_student(browser, url, args.repeats, args.tab, args.model,
                                                     not args.no_ddpm)}
                if pid and args.students:
                    report["lesson script"] = server_cpu(browser, url, pid, args.students)
                browser.close()
        finally:
            if server:
                server.terminate()
                server.wait(timeout=30)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
