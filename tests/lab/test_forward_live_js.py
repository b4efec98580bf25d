"""lab/static/js/forward_live.mjs, run in Node: its equation text is the server's (lab/lessons/forward.equation_at)
for every schedule at many t, its Python-style number formats equal Python's, and its histogram equals numpy's.
The pixels are checked in Chromium (tests/test_browser_forward.py)."""
import json
import shutil
import subprocess

import numpy as np
import pytest

from diffusion_core.schedules import SCHEDULE_NAMES, make_schedule
from lab.lessons.forward import EQUATION, HISTOGRAM, equation_at
from tests.conftest import ROOT

MODULE = ROOT / "lab" / "static" / "js" / "forward_live.mjs"
RUNNER = """
import { fill, histogram, pyFormat } from %s;
import { readFileSync } from "node:fs";
const job = JSON.parse(readFileSync(0, "utf8"));
const equations = job.rows.map((row) => fill(job.template, row));
const formats = job.numbers.map(([value, spec]) => pyFormat(value, spec));
const densities = histogram(Float32Array.from(job.values), job.histogram);
process.stdout.write(JSON.stringify({ equations, formats, densities }));
"""
NUMBERS = [0.0, 1.0, 0.5, 9999.0, 0.000123, 4.04e-05, 1e-5, 123456.0, 2.5e-9, 0.99995, 12.5, -43.94, 1e16, 0.1]


def run_node(job: dict) -> dict:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    out = subprocess.run(["node", "--input-type=module", "-e", RUNNER % json.dumps(MODULE.as_uri())],
                         input=json.dumps(job), capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_browser_writes_the_servers_equation_and_histogram():
    rows, expected = [], []
    for name in SCHEDULE_NAMES:
        sched = make_schedule(name, 1000)
        abar, snr, snr_db = (v.numpy().astype(np.float64) for v in (sched.alphas_cumprod, sched.snr, sched.snr_db))
        for t in range(0, 1000, 37):  # the browser's values: float32 tables, the roots taken in float64
            rows.append({"t": t, "T": 1000, "schedule": name, "a": abar[t] ** 0.5, "s": (1 - abar[t]) ** 0.5,
                         "abar": abar[t], "snr": snr[t], "snr_db": snr_db[t]})
            expected.append(equation_at(sched, t))
    numbers = [[v, spec] for v in NUMBERS + [-v for v in NUMBERS] for spec in (".3g", ".3f", ".4f", ".1f")]
    values = np.random.default_rng(0).normal(0, 1.5, 5000).astype(np.float32)
    got = run_node({"template": EQUATION, "rows": rows, "numbers": numbers, "values": values.tolist(),
                    "histogram": HISTOGRAM})
    assert got["equations"] == expected
    assert got["formats"] == [format(v, spec) for v, spec in numbers]
    density = np.histogram(values, bins=HISTOGRAM["bins"], range=(HISTOGRAM["lo"], HISTOGRAM["hi"]), density=True)[0]
    np.testing.assert_allclose(got["densities"], density, rtol=1e-6)  # numpy divides in float32
