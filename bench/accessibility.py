"""axe-core 4.14.1 (tests/vendor/axe-core) on every tab of the app at 1920×1080, 1366×768, 390×844 and in presenter
mode (?present=1 at 1920×1080), in headless Chromium; prints a table of violations by impact and rule per tab and
size, then presenter mode's texts under 18 px per tab. Tabs are shown as a student first sees them (nothing run).

    python bench/accessibility.py                         # starts `python app.py` on a free port
    python bench/accessibility.py --url http://127.0.0.1:7860/ --json axe.json

A bench: it asserts nothing (tests/test_browser_accessibility.py does)."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from contextlib import contextmanager

import repo_path  # noqa: F401  (the repository on sys.path)

from tests.accessibility import IMPACTS, SIZES, TAB_NAMES, axe, load, open_tab, small_texts
from tests.browser import CHROMIUM_ARGS, chromium_path
from tests.conftest import ROOT, _free_port

VIEWS = {**{size: (wh, False) for size, wh in SIZES.items()}, "present": (SIZES["1920x1080"], True)}


@contextmanager
def served(url: str | None):
    if url:
        yield url
        return
    port = str(_free_port())
    env = {**os.environ, "GRADIO_SERVER_PORT": port, "GRADIO_ANALYTICS_ENABLED": "False", "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def measure(url: str) -> dict:
    """{view: {tab: {"violations": [...], "small": n}}}"""
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        for view, ((width, height), present) in VIEWS.items():
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(60_000)
            load(page, url, present)
            found[view] = {}
            for number in range(1, len(TAB_NAMES) + 1):
                open_tab(page, number)
                found[view][number] = {"violations": axe(page),
                                       "small": len(small_texts(page)) if present else None}
            page.close()
        browser.close()
    return found


def table(found: dict) -> str:
    rows = ["| view | tab | critical | serious | moderate | minor | critical + serious rules (nodes) |",
            "|---|---|---|---|---|---|---|"]
    for view, tabs in found.items():
        for number, seen in tabs.items():
            by_impact = Counter()
            rules = []
            for v in seen["violations"]:
                by_impact[v["impact"]] += v["nodes"]
                if v["impact"] in ("critical", "serious"):
                    rules.append(f"{v['id']} ({v['nodes']})")
            rows.append(f"| {view} | {number} | " + " | ".join(str(by_impact[i]) for i in IMPACTS)
                        + f" | {', '.join(rules) or '-'} |")
    small = [f"tab {n}: {seen['small']}" for n, seen in found.get("present", {}).items()]
    return "\n".join(rows) + "\n\npresenter mode, texts under 18 px: " + ", ".join(small)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running app (default: start app.py)")
    parser.add_argument("--json", help="also write every violation's details here")
    args = parser.parse_args()
    with served(args.url) as url:
        found = measure(url)
    print(table(found))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(found, f, indent=1)


if __name__ == "__main__":
    main()
