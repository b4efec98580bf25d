"""The one place Diffusion Lab adjusts or reads Gradio's internals: four adjustments for speed (the app is correct
without any of them) and lane_caps, the queue counts that bound each lane's waiting events (lab/server/lane_caps.py;
without it one client can fill the queue, so a skip is logged as a warning like the others).

Each adjustment names the internals it relies on and checks them before it is applied (the attribute is there,
the method takes the arguments it took, the code still reads the value set); one whose internals changed is
skipped with its reason, never silently. `tune(demo, gate)` does so for each, in order, and returns (and keeps
on demo.lab_tuning) what it applied and skipped: one log line, GET /lab/health (lab/server/health.py). Outside
GRADIO_PIN, the range they were verified on, none is applied.

    DIFFUSION_LAB_TUNING_OFF=queue_wakeup,light_sessions python app.py   # those two off (bench/gradio_tuning.py)

tests/lab/server/test_gradio_tuning.py fails loudly when an internal one of them relies on changes."""
from __future__ import annotations

import hashlib
import inspect
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import gradio as gr
import gradio.queueing
from gradio.blocks import BlocksConfig
from gradio.queueing import Queue
from gradio.state_holder import SessionState
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from lab.server.interactive_first import InteractiveFirst, interactive_first
from lab.server.lane_caps import WaitingCounts
from lab.server.light_sessions import light_sessions
from lab.server.queue_analytics import thin_queue_analytics
from lab.server.queue_wakeup import wake_on_work

GRADIO_PIN = ">=6.31,<6.32"  # requirements.txt and pyproject.toml pin the same; the Space's sdk_version lies in it
OFF_ENV = "DIFFUSION_LAB_TUNING_OFF"  # names to leave off, comma-separated ("all": every one)
SWITCHED_OFF = f"switched off by ${OFF_ENV}"
log = logging.getLogger(__name__)


class Changed(Exception):
    """An internal an adjustment relies on is not as verified: the sentence says which."""


def reads(function, text: str) -> None:
    """Gradio's `function` still contains `text` (the line that reads what an adjustment sets)."""
    if text not in inspect.getsource(function):
        raise Changed(f"{function.__qualname__} no longer contains {text!r}")


def takes(function, *names: str) -> None:
    found = tuple(inspect.signature(function).parameters)
    if found != ("self", *names):
        raise Changed(f"{function.__qualname__} takes {found[1:]}, not {names}")


def has(obj, *names: str) -> None:
    missing = [n for n in names if not hasattr(obj, n)]
    if missing:
        raise Changed(f"{type(obj).__name__} has no {', '.join(missing)}")


def source_digest(function) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:12]


# SessionState's methods light_sessions replaces (its _setitem copies __setitem__), as verified on 6.31.0
SESSION_METHODS = {"__init__": "1b2ea21dc42c", "__setitem__": "49a413d82fc2", "_update_config": "4fbf595c7b71",
                   "_update_value_in_config": "7e5b61f747b0", "components": "010247a9cb27"}


def session_methods_as_verified() -> None:
    for name, digest in SESSION_METHODS.items():
        method = SessionState.__dict__.get(name)
        method = method.fget if isinstance(method, property) else method
        if method is None:
            raise Changed(f"SessionState has no {name}")
        if getattr(method, "__module__", "") != "gradio.state_holder":
            continue  # already light_sessions' (a second app in this process)
        if source_digest(method) != digest:
            raise Changed(f"SessionState.{name} differs from the Gradio 6.31.0 code light_sessions replaces")


def check_queue_wakeup(demo: gr.Blocks) -> None:
    has(gradio.queueing, "asyncio")
    has(demo._queue, "sleep_when_free", "progress_update_sleep_when_free", "push", "process_events")
    reads(Queue.start_processing, "asyncio.sleep(self.sleep_when_free)")
    reads(Queue.start_progress_updates, "asyncio.sleep(self.progress_update_sleep_when_free)")
    reads(Queue.start_processing, "self.process_events")  # found on the instance: the wrapper is called
    takes(Queue.push, "body", "request", "username")
    takes(Queue.process_events, "events", "batch", "begin_time", "fn")


def check_interactive_first(demo: gr.Blocks) -> None:
    takes(Queue.process_events, "events", "batch", "begin_time", "fn")
    reads(Queue.start_processing, "self.process_events")
    reads(gradio.queueing.Event.__init__, "self.concurrency_id = fn.concurrency_id")
    for block_fn in demo.fns.values():
        has(block_fn, "concurrency_id")


def check_light_sessions(demo: gr.Blocks) -> None:
    session_methods_as_verified()
    has(BlocksConfig, "config_for_block")
    has(demo, "default_config", "blocks")


def check_queue_analytics(demo: gr.Blocks) -> None:
    has(demo._queue, "ANAYLTICS_CACHE_FREQUENCY", "ANALYTICS_MAX_EVENTS")  # sic: Gradio's spelling
    reads(Queue.compute_analytics_summary, "self.ANAYLTICS_CACHE_FREQUENCY")
    reads(Queue.push, "len(self.event_analytics) > self.ANALYTICS_MAX_EVENTS")


def check_lane_caps(demo: gr.Blocks) -> None:
    """WaitingCounts reads each lane's list of waiting events, Gradio's total and its max_size."""
    has(demo._queue, "event_queue_per_concurrency_id", "max_size")
    if not isinstance(demo._queue.event_queue_per_concurrency_id, dict):
        raise Changed("Queue.event_queue_per_concurrency_id is no longer a dict")
    has(gradio.queueing.EventQueue("lane", 1), "queue")
    reads(Queue.push, "len(self) >= self.max_size")  # Gradio's own refusal counts what WaitingCounts.total does
    reads(Queue.push, "event_queue.queue.append(event)")  # a waiting event is in its lane's list
    reads(Queue.__len__, "len(event_queue.queue)")


@dataclass
class Adjustment:
    name: str
    buys: str  # what it is for, in a phrase
    check: Callable[[gr.Blocks], None]  # raises Changed when an internal it relies on is not as verified
    apply: Callable[[gr.Blocks, InteractiveFirst], None]


# In this order: interactive_first wraps queue.process_events around queue_wakeup's wrapper, so a held event
# waits its turn before it wakes the queue's sleeping loops.
ADJUSTMENTS = [
    Adjustment("queue_wakeup", "an idle queue sleeps until there is work instead of polling every 1 ms",
               check_queue_wakeup, lambda demo, gate: wake_on_work(demo._queue)),
    Adjustment("interactive_first", "the sampling worker waits for the slider & co.",
               check_interactive_first, lambda demo, gate: interactive_first(demo._queue, gate)),
    Adjustment("light_sessions", "a session builds its blocks' configs only if a deep link asks for them",
               check_light_sessions, lambda demo, gate: light_sessions(demo)),
    Adjustment("queue_analytics", "the monitoring summary every 500 events, not after each one",
               check_queue_analytics, lambda demo, gate: thin_queue_analytics(demo._queue)),
    # read by KnownEvents (lab/server/known_events.py), which caps each lane's waiting events when it is there
    Adjustment("lane_caps", "one client cannot fill the queue: each lane's waiting events are bounded",
               check_lane_caps, lambda demo, gate: setattr(demo, "lab_waiting", WaitingCounts(demo._queue))),
]
NAMES = [a.name for a in ADJUSTMENTS]


@dataclass
class Report:
    gradio: str
    verified: str = GRADIO_PIN
    applied: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # name -> why

    def line(self) -> str:
        skipped = "; ".join(f"{k} ({v})" for k, v in self.skipped.items()) or "none"
        return (f"Gradio {self.gradio} (verified {self.verified}): tuning applied {', '.join(self.applied) or 'none'}; "
                f"skipped {skipped}")


def switched_off(environ=os.environ) -> set[str]:
    names = {n.strip() for n in environ.get(OFF_ENV, "").split(",") if n.strip()}
    if "all" in names:
        return set(NAMES)
    for unknown in sorted(names - set(NAMES)):
        log.warning("%s names %r, which is none of %s", OFF_ENV, unknown, ", ".join(NAMES))
    return names & set(NAMES)


def tune(demo: gr.Blocks, gate: InteractiveFirst, environ=os.environ) -> Report:
    """Apply each adjustment to `demo` (after demo.queue()) whose internals are as verified; see the docstring."""
    report = Report(gradio=gr.__version__)
    off = switched_off(environ)
    in_range = Version(gr.__version__) in SpecifierSet(GRADIO_PIN)
    for adjustment in ADJUSTMENTS:
        try:
            if not in_range:
                raise Changed(f"Gradio {gr.__version__} is outside {GRADIO_PIN}")
            if adjustment.name in off:
                raise Changed(SWITCHED_OFF)
            adjustment.check(demo)
        except (Changed, AttributeError, TypeError, OSError) as why:  # OSError: no source to read
            report.skipped[adjustment.name] = str(why)
            if adjustment.name not in off:
                log.warning("Gradio tuning: %s skipped: %s", adjustment.name, why)
            continue
        adjustment.apply(demo, gate)
        report.applied.append(adjustment.name)
    demo.lab_tuning = report
    log.info(report.line())
    return report
