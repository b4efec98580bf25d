"""lab/live/class_model.py: students send drawings, only the teacher trains (one class at a time per server), the
training's progress is the class's state, and each picture drawn comes with its nearest drawing of the same class;
a class's model goes when its class goes."""
import asyncio
import gc
import json
import threading
import weakref
from dataclasses import replace

import pytest

from lab.i18n import text
from lab.live.asked import LiveError
from lab.live.class_model import add_drawing, class_samples, hide_drawing, memorising, start_training
from lab.live.class_training import TrainingSlot
from lab.live.live_class import TEACHER_ONLY
from lab.live.registry import Registry
from tests.lab.test_live_class import KNOWN, new_class
from tests.lab.test_live_class_drawings import stroke

STEPS = 6


def run_here(fn):
    fn()


def with_drawings(columns=(4, 9, 14, 19, 24), **bounds):
    live = new_class(class_model_steps=STEPS, **bounds)
    ada, bo = live.join("Ada", "ada"), live.join("Bo", "bo")
    for i, column in enumerate(columns):
        add_drawing(live, "ada" if i % 2 == 0 else "bo", stroke(column))
    return live, ada, bo


def trained(live, slot):
    start_training(live, live.key, slot, run_here)
    wait(live)
    assert live.class_model.progress.state == "trained"


def wait(live):
    for thread in threading.enumerate():
        if thread.name == f"class-{live.code}":
            thread.join(timeout=120)


def test_students_send_drawings_and_the_teacher_sees_them():
    live, ada, bo = with_drawings(columns=(4, 9))
    assert add_drawing(live, "ada", stroke(20)) == {"drawing": 3, "sent": 2, "of": 5}
    teacher = live.for_teacher()["model"]
    assert teacher["sent"] == 3 and [d["nickname"] for d in teacher["drawings"]] == ["Ada", "Bo", "Ada"]
    students = json.loads(live.for_students())["model"]
    assert students["sent"] == 3 and "drawings" not in students and students["state"] == "idle"
    hide_drawing(live, "teacher-key", 2)
    assert live.for_teacher()["model"]["sent"] == 2
    with pytest.raises(LiveError, match="not in this class"):
        add_drawing(live, "nobody", stroke())


def test_only_the_teacher_trains_and_hides():
    live, ada, bo = with_drawings()
    slot = TrainingSlot()
    for wrong in ("ada", "", None, "teacher-ke"):
        with pytest.raises(LiveError, match=text(TEACHER_ONLY)) as refused:
            start_training(live, wrong, slot, run_here)
        assert refused.value.status == 403
        with pytest.raises(LiveError, match=text(TEACHER_ONLY)):
            hide_drawing(live, wrong, 1)
    assert slot.holder is None and live.class_model.progress.state == "idle"


def test_a_model_needs_a_few_drawings():
    live, ada, bo = with_drawings(columns=(4, 9, 14))
    with pytest.raises(LiveError, match="at least 4") as refused:
        start_training(live, "teacher-key", TrainingSlot(), run_here)
    assert refused.value.status == 409


def test_a_second_teacher_waits_for_the_servers_one_training():
    first, _, _ = with_drawings()
    second, _, _ = with_drawings()
    slot = TrainingSlot()
    slot.take("OTHER1", 1000)  # another class trains
    with pytest.raises(LiveError, match="Another class is training its model on this server") as refused:
        start_training(second, "teacher-key", slot, run_here)
    assert refused.value.status == 409 and second.class_model.progress.state == "idle"
    slot.release()
    trained(first, slot)
    assert slot.holder is None  # freed for the next teacher


def test_the_training_is_the_classes_state_and_pictures_come_with_their_nearest_drawing():
    live, ada, bo = with_drawings()
    slot = TrainingSlot()
    trained(live, slot)
    state = json.loads(live.for_students())["model"]
    assert state["step"] == STEPS and state["steps"] == STEPS and state["trained_on"] == 5
    assert len(state["loss"]) == STEPS and len(state["pictures"]) == 4
    assert all(p.startswith("data:image/png;base64,") for p in state["pictures"])
    hide_drawing(live, "teacher-key", 3)
    for asker in ({"token": "bo"}, {"key": "teacher-key", "seed": 7}):
        found = asyncio.run(class_samples(live, asker, slot))
        assert len(found["pictures"]) == 4 and "of these 4 pictures" in found["sentence"]
        for row in found["pictures"]:
            assert row["drawing"] in (1, 2, 4, 5) and row["nickname"] in ("Ada", "Bo")  # never the hidden one
            assert row["distance"] >= 0 and row["nearest"].startswith("data:image/png;base64,")
    assert found["seed"] == 7 and found == asyncio.run(class_samples(live, {"key": "teacher-key", "seed": 7}, slot))


def test_pictures_are_refused_before_training_to_strangers_and_when_asked_too_often():
    live, ada, bo = with_drawings()
    slot = TrainingSlot(clock=lambda: 0.0)  # no refill while the pictures are drawn
    with pytest.raises(LiveError, match="not trained yet"):
        asyncio.run(class_samples(live, {"token": "ada"}, slot))
    trained(live, slot)
    with pytest.raises(LiveError, match="not in this class"):
        asyncio.run(class_samples(live, {"token": "eve"}, slot))
    with pytest.raises(LiveError, match=text(TEACHER_ONLY)):
        asyncio.run(class_samples(live, {"key": "ada"}, slot))
    for _ in range(4):
        asyncio.run(class_samples(live, {"token": "ada"}, slot))
    with pytest.raises(LiveError, match="very often") as refused:
        asyncio.run(class_samples(live, {"token": "ada"}, slot))
    assert refused.value.status == 429


def test_pictures_wait_their_turn_then_hear_that_the_server_is_busy(monkeypatch):
    live, ada, bo = with_drawings()
    slot = TrainingSlot()
    trained(live, slot)
    monkeypatch.setattr("lab.live.class_model.SAMPLE_WAIT", 0.05)
    for _ in range(2):  # both of the server's turns at drawing are taken
        slot.drawing.acquire()
    with pytest.raises(LiveError, match="drawing pictures for many students") as refused:
        asyncio.run(class_samples(live, {"token": "ada"}, slot))
    assert refused.value.status == 503
    slot.drawing.release()
    assert len(asyncio.run(class_samples(live, {"token": "ada"}, slot))["pictures"]) == 4


def test_classes_never_mix_their_drawings():
    slot = TrainingSlot()
    left, _, _ = with_drawings(columns=(3, 4, 5, 6))
    right, _, _ = with_drawings(columns=(20, 21, 22, 23, 24))
    trained(left, slot)
    assert left.class_model.x0.shape[0] == 4 and right.class_model.x0.shape[0] == 0
    assert right.class_model.model is None
    found = asyncio.run(class_samples(left, {"key": "teacher-key"}, slot))
    assert {row["drawing"] for row in found["pictures"]} <= {1, 2, 3, 4}


def test_an_ended_class_stops_its_training_and_frees_the_server():
    live, ada, bo = with_drawings()
    live.bounds = replace(live.bounds, class_model_steps=100_000)
    slot = TrainingSlot()
    start_training(live, "teacher-key", slot, run_here)
    live.end("teacher-key")
    wait(live)
    assert live.class_model.progress.state == "stopped" and live.class_model.model is None and slot.holder is None


def test_a_forgotten_class_takes_its_model_with_it():
    now = [0.0]
    registry = Registry(KNOWN, clock=lambda: now[0])
    live = registry.create("203.0.113.7")
    live.bounds = replace(live.bounds, class_model_steps=STEPS)
    students = [registry.join("203.0.113.7", live.code, name)[1] for name in ("Ada", "Bo")]
    for i, column in enumerate((4, 9, 14, 19)):
        add_drawing(live, students[i % 2].token, stroke(column))
    trained(live, registry.training)
    model = weakref.ref(live.class_model.model)
    now[0] = 10 * 3600.0
    registry.sweep()
    del live
    gc.collect()
    assert registry.classes == {} and model() is None


def test_the_sentence_says_when_the_model_memorises():
    assert "that is memorising" in memorising(3, 4, 60, 1000, 0.26)
    assert "3 of these 4 pictures are near-copies" in memorising(3, 4, 60, 1000, 0.26)
    assert "each seen about 533 times" in memorising(3, 4, 60, 1000, 0.26)
    assert "(pixel distance below 0.26)" in memorising(3, 4, 60, 1000, 0.26)
    assert "1 of these 4 pictures is a near-copy" in memorising(1, 4, 60, 1000, 0.26)
    assert "memorising" not in memorising(1, 4, 60, 1000, 0.26)
    assert "0 of these 4 pictures are near-copies" in memorising(0, 4, 5, 40, 0.1)
    assert "not yet enough to learn them" in memorising(0, 4, 5, 40, 0.1)
