"""Tab 1's t slider while a class samples on the server: one Chromium page moves the slider and times each redraw
(from the slider's input event to x_t, the equation and the histogram drawn at the new t), first with the server
idle, then while `bench/classroom.py` runs N students on the server path; prints JSON.

    python bench/slider_under_load.py --students 30        # starts `python app.py` on a free port

The page draws the slider itself (lab/static/js/forward_live.mjs), so the server's load should not show: the
figures count the requests the page sent while moving the slider. This machine's Chromium shares the two cores with
the loaded server, which a student's own laptop or phone does not: under load the figures are an upper bound.
A bench, not a test: it measures, it asserts nothing.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from classroom import ROOT, start_server, summary  # noqa: E402

sys.path.insert(0, str(ROOT))
from tests.browser import CHROMIUM_ARGS, chromium_path  # noqa: E402

REDRAW_MS = """async (t) => {
  const slider = document.querySelector('#forward-t input[type=range]');
  const live = document.querySelector('.dl-forward-live');
  const start = performance.now();
  slider.value = String(t);
  slider.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((drawn) => {
    const check = () => live.dataset.t === String(t) ? drawn() : requestAnimationFrame(check);
    check();
  });
  return performance.now() - start;
}"""


def move_the_slider(page, seconds: float) -> tuple[list[float], int]:
    """Redraw times (s) of slider moves for `seconds`, and how many requests the page sent meanwhile."""
    requests = []
    listener = lambda r: requests.append(r.url) if "/gradio_api/" in r.url else None  # noqa: E731
    page.on("request", listener)
    times, end, t = [], time.perf_counter() + seconds, 100
    while time.perf_counter() < end:
        t = 100 + (t + 37) % 800
        times.append(page.evaluate(REDRAW_MS, t) / 1000)
        page.wait_for_timeout(50)  # a hand moves the slider, not a loop
    page.remove_listener("request", listener)
    return times, len(requests)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--students", type=int, default=30)
    p.add_argument("--generate", default="dpm_solver_pp:20", help="tab 4's sampler:steps for the class")
    args = p.parse_args()
    from playwright.sync_api import sync_playwright

    temp_dir = Path(tempfile.mkdtemp(prefix="slider_bench_"))
    proc, url = start_server(ROOT, temp_dir)
    report = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.goto(url)
            page.wait_for_function("document.querySelector('.dl-forward-live')?.dataset.state === 'live'",
                                   timeout=120_000)
            page.wait_for_timeout(3000)  # the page's own pictures (gallery) have loaded
            times, sent = move_the_slider(page, 10)
            report["server idle"] = {**summary(times), "requests": sent}
            cmd = [sys.executable, str(ROOT / "bench" / "classroom.py"), "--url", url, "--students", str(args.students),
                   "--generate", args.generate, "--pid", str(proc.pid)]
            started = time.perf_counter()
            with subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) as lesson:
                times, sent = [], 0
                while lesson.poll() is None:
                    more, more_sent = move_the_slider(page, 2)
                    times, sent = times + more, sent + more_sent
                class_round = json.loads(lesson.stdout.read())["rounds"][0]
            report[f"{args.students} students sampling on the server"] = {
                **summary(times), "requests": sent, "class_wall_s": round(time.perf_counter() - started, 1),
                "class_generate_p90_s": class_round["actions"]["generate"]["p90"],
                "class_errors": class_round["errors"]}
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(temp_dir, ignore_errors=True)
    print(json.dumps({"slider redraw seconds": report}, indent=1))


if __name__ == "__main__":
    main()
