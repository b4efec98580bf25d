"""lab/live/live_class.py: the teacher key alone leads; students answer and add pictures; each audience sees what
it may, and a student's answer wakes only the teacher's side."""
import json

import pytest

from lab.i18n import text
from lab.live.asked import CLOSED, REVEALED, LiveError
from lab.live.limits import Bounds
from lab.live.live_class import TEACHER_ONLY, LiveClass
from lab.view_link import Known

KNOWN = Known(schedules=("linear", "cosine"), models=("mnist",), samplers=("ddim", "ddpm"), images=("", "seven"))


def new_class(**bounds) -> LiveClass:
    return LiveClass("K7M3QX", "teacher-key", KNOWN, Bounds(**bounds), clock=lambda: 100.0)


def test_only_the_teacher_key_leads():
    live = new_class()
    ada = live.join("Ada", "ada-token")
    teacher_actions = [lambda k: live.show(k, "?tab=forward&t=700"), lambda k: live.ask(k, "forward-lose-picture"),
                       lambda k: live.reveal(k), lambda k: live.close_question(k), lambda k: live.end(k),
                       lambda k: live.hide_answer(k, 1, ada.id), lambda k: live.hide_picture(k, 1),
                       lambda k: live.rename(k, ada.id)]
    for action in teacher_actions:
        for wrong in (ada.token, "", None, "teacher-ke", ["teacher-key"]):
            with pytest.raises(LiveError, match=text(TEACHER_ONLY)) as refused:
                action(wrong)
            assert refused.value.status == 403
    assert live.view == {} and live.asked == [] and not live.ended


def test_a_shown_view_is_checked_like_a_link():
    live = new_class()
    live.show("teacher-key", "https://example.org/?tab=forward&t=700&schedule=nonsense&present=1")
    assert live.view == {"tab": "forward", "t": 700}
    live.show("teacher-key", {"tab": "sampling", "sampler": "ddim", "steps": "20", "evil": "<script>"})
    assert live.view == {"tab": "sampling", "sampler": "ddim", "steps": 20}
    for bad in ("?nothing=1", 42, ["tab"], "?" + "t=1&" * 2000, {str(i): "1" for i in range(100)}):
        with pytest.raises(LiveError, match="view|link") as refused:
            live.show("teacher-key", bad)
        assert refused.value.status == 400


def test_a_lesson_ask_answer_reveal_hide_close():
    live = new_class()
    live.join("Ada", "a")
    bo = live.join("", "b")
    assert bo.nickname == "student 2"
    live.show("teacher-key", "?tab=sampling&sampler=ddim")
    asked = live.ask("teacher-key", "sampling-which-sampler")
    assert asked.answer == "DDIM"  # read off the view the teacher showed
    live.answer("a", 1, "DDIM")
    live.answer("b", 1, "DDPM (ancestral)")
    with pytest.raises(LiveError, match="not in this class"):
        live.answer("c", 1, "DDIM")
    with pytest.raises(LiveError, match="closed"):
        live.answer("a", 2, "DDIM")  # a page still showing another question
    student_view = json.loads(live.for_students())["question"]
    assert "summary" not in student_view and "answer" not in student_view
    assert [a["nickname"] for a in live.for_teacher()["asked"][0]["answers"]] == ["Ada", "student 2"]
    live.reveal("teacher-key")
    live.hide_answer("teacher-key", 1, bo.id)
    revealed = json.loads(live.for_students())["question"]
    assert revealed["answer"] == "DDIM" and revealed["summary"]["answers"] == 1
    live.close_question("teacher-key")
    assert json.loads(live.for_students())["question"] is None and asked.state == CLOSED
    live.reveal("teacher-key", 1)  # back on the screen
    assert asked.state == REVEALED and json.loads(live.for_students())["question"]["number"] == 1


def test_answers_wake_only_the_teacher_and_students_text_is_written_once():
    live = new_class()
    live.join("Ada", "a")
    live.ask("teacher-key", "forward-lose-picture")
    public, private, text = live.public.version, live.private.version, live.for_students()
    live.answer("a", 1, 400)
    assert live.public.version == public and live.private.version == private + 1
    assert live.for_students() is text  # the same string object: written once per public version


def test_bounds_on_students_questions_and_gallery():
    live = new_class(max_students=2, max_asked=1, max_gallery=2, gallery_per_student=1)
    live.join("a", "a")
    live.join("b", "b")
    with pytest.raises(LiveError, match="full"):
        live.join("c", "c")
    live.leave("b")
    live.join("c", "c")  # a seat freed
    live.ask("teacher-key", "forward-lose-picture")
    with pytest.raises(LiveError, match="at most 1 questions"):
        live.ask("teacher-key", "forward-lose-picture")
    with pytest.raises(LiveError, match="no such question"):
        live.ask("teacher-key", "../../etc/passwd")
    live.add_picture("a", "?tab=sampling&seed=3")
    with pytest.raises(LiveError, match="gallery is full"):
        live.add_picture("a", "?tab=sampling&seed=4")
    assert json.loads(live.for_students())["gallery"] == [{"id": 1, "nickname": "a", "link": "?tab=sampling&seed=3",
                                                           "has_png": False}]
    live.hide_picture("teacher-key", 1)
    assert json.loads(live.for_students())["gallery"] == [] and live.for_teacher()["gallery"][0]["hidden"]


def test_an_ended_class_refuses_every_action():
    live = new_class()
    live.join("a", "a")
    live.end("teacher-key")
    assert json.loads(live.for_students())["ended"]
    for action in (lambda: live.join("b", "b"), lambda: live.answer("a", 1, 3),
                   lambda: live.show("teacher-key", "?t=3")):
        with pytest.raises(LiveError, match="ended") as refused:
            action()
        assert refused.value.status == 410


def test_the_teacher_replaces_a_nickname():
    live = new_class()
    rude = live.join("something rude", "a")
    live.add_picture("a", "?tab=text")
    live.rename("teacher-key", rude.id)
    assert json.loads(live.for_students())["gallery"][0]["nickname"] == "student 1"
    live.rename("teacher-key", rude.id, " Ada\n")
    assert live.for_teacher()["students"][0]["nickname"] == "Ada"
    with pytest.raises(LiveError, match="no such student"):
        live.rename("teacher-key", 7)


def test_the_same_view_shown_twice_calls_back_and_a_question_brings_its_view():
    live = new_class()
    live.show("teacher-key", "?tab=forward&t=700")
    live.show("teacher-key", "?tab=forward&t=700")  # a student who wandered off follows again
    first = json.loads(live.for_students())
    assert first["shown"] == 2 and first["link"] == "?tab=forward&t=700"
    live.show("teacher-key", "?tab=sampling&sampler=ddim")
    live.ask("teacher-key", "forward-lose-picture")  # its view: tab 1, linear schedule, T = 1000
    state = json.loads(live.for_students())
    assert state["shown"] == 4 and state["view"] == {"tab": "forward", "schedule": "linear", "T": 1000,
                                                     "sampler": "ddim"}


def test_a_shown_view_keeps_each_students_language():
    live = new_class()
    live.show("teacher-key", "?tab=forward&t=700&lang=de")
    assert live.view == {"tab": "forward", "t": 700}
