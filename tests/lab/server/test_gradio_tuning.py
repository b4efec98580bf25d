"""lab/server/gradio_tuning.py: the pin is one range everywhere; on the installed Gradio every adjustment finds the
internals it relies on (if one of these fails, Gradio changed under it: follow Gradio or drop the adjustment);
one whose internal changed, one switched off, and all outside the range are skipped with a reason, never silently;
the app serves what it applied at /lab/health; nothing else in lab/ applies them."""
import logging
import re
from pathlib import Path

import gradio as gr
import httpx
import pytest
from gradio.queueing import Queue
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from lab.server import gradio_tuning
from lab.server.gradio_tuning import ADJUSTMENTS, GRADIO_PIN, NAMES, OFF_ENV, tune
from lab.server.interactive_first import InteractiveFirst

ROOT = Path(__file__).resolve().parents[3]


def queued_demo() -> gr.Blocks:
    with gr.Blocks() as demo:
        number = gr.Number()
        number.submit(lambda x: x, number, number)
    demo.queue()
    return demo


def test_one_gradio_range_pinned_everywhere_with_the_space_version_inside():
    assert f"gradio{GRADIO_PIN}" in (ROOT / "requirements.txt").read_text().split()
    assert f'"gradio{GRADIO_PIN}"' in (ROOT / "pyproject.toml").read_text()
    space = re.search(r"^sdk_version: (\S+)$", (ROOT / "README.md").read_text(), flags=re.M).group(1)
    assert Version(space) in SpecifierSet(GRADIO_PIN)
    assert Version(gr.__version__) in SpecifierSet(GRADIO_PIN), "the tests run on a Gradio outside the pin"


@pytest.mark.parametrize("adjustment", ADJUSTMENTS, ids=lambda a: a.name)
def test_each_adjustment_finds_the_internals_it_relies_on(adjustment):
    adjustment.check(queued_demo())  # raises Changed with the internal that differs


def test_the_app_applies_every_adjustment(demo):
    assert demo.lab_tuning.applied == NAMES and demo.lab_tuning.skipped == {}


def test_an_adjustment_whose_internal_changed_is_skipped_with_its_reason(monkeypatch, caplog):
    async def polls_without_reading_it(self):  # a Gradio whose loop no longer reads sleep_when_free
        pass

    monkeypatch.setattr(Queue, "start_processing", polls_without_reading_it)
    demo = queued_demo()
    with caplog.at_level(logging.WARNING, logger=gradio_tuning.__name__):
        report = tune(demo, InteractiveFirst(), environ={})
    assert "queue_wakeup" in report.skipped and "sleep_when_free" in report.skipped["queue_wakeup"]
    assert "queue_wakeup skipped" in caplog.text and "queue_wakeup" not in report.applied
    assert type(demo._queue.sleep_when_free) is float  # left as Gradio set it


def test_switched_off_by_name_and_an_unknown_name_is_said(caplog):
    demo = queued_demo()
    with caplog.at_level(logging.WARNING, logger=gradio_tuning.__name__):
        report = tune(demo, InteractiveFirst(), environ={OFF_ENV: f"{NAMES[0]}, no_such"})
    assert report.skipped == {NAMES[0]: f"switched off by ${OFF_ENV}"} and report.applied == NAMES[1:]
    assert "'no_such'" in caplog.text
    assert set(tune(queued_demo(), InteractiveFirst(), environ={OFF_ENV: "all"}).skipped) == set(NAMES)


def test_outside_the_verified_range_none_is_applied(monkeypatch):
    monkeypatch.setattr(gr, "__version__", "7.0.0")
    report = tune(queued_demo(), InteractiveFirst(), environ={})
    assert report.applied == [] and all("outside" in why for why in report.skipped.values())
    assert "7.0.0" in report.line()


def test_the_health_route_says_what_was_applied_and_which_models_loaded(served_lab, classroom):
    health = httpx.get(served_lab[0] + "/lab/health", timeout=10).json()
    assert health["gradio"] == {"gradio": gr.__version__, "verified": GRADIO_PIN, "applied": NAMES, "skipped": {}}
    assert health["models"]["loaded"] == classroom.zoo.names() and health["models"]["loaded"]


def test_nothing_else_applies_the_adjustments():
    calls = re.compile(r"\b(wake_on_work|light_sessions|thin_queue_analytics|interactive_first)\(")
    allowed = {"gradio_tuning.py", "queue_wakeup.py", "light_sessions.py", "queue_analytics.py", "interactive_first.py"}
    for path in [*(ROOT / "lab").rglob("*.py"), ROOT / "app.py"]:
        if path.name not in allowed:
            assert not calls.search(path.read_text()), f"{path} adjusts Gradio outside lab/server/gradio_tuning.py"
