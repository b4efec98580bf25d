"""lab/live/asked.py: answers checked against the question, the last one counts, hidden ones leave the summary."""
import pytest

from lab.live.asked import OPEN, REVEALED, Asked, LiveError
from lab.live.questions import bank


def ask(question_id: str) -> Asked:
    q = bank()[question_id]
    return Asked(1, q, q.answer)


def test_numbers_are_checked_and_put_on_the_widgets_grid():
    asked = ask("forward-lose-picture")
    assert asked.take(1, 300.4, 0) == 300 and asked.take(2, 999, 0) == 999
    for bad, sentence in ((1000, "from 0 to 999"), (-1, "from 0 to 999"), ("300", "with a number"),
                          (True, "with a number"), (float("nan"), "with a number"), ([3], "with a number")):
        with pytest.raises(LiveError, match=sentence) as refused:
            asked.take(3, bad, 0)
        assert refused.value.status == 400
    assert set(asked.answers) == {1, 2}


def test_choices_only_from_the_question():
    asked = ask("schedules-faster-250")
    assert asked.take(1, "cosine", 0) == "cosine"
    with pytest.raises(LiveError, match="Choose one"):
        asked.take(1, "COSINE", 0)


def test_the_last_answer_counts_and_students_see_none_before_the_reveal():
    asked = ask("schedules-faster-250")
    asked.take(1, "cosine", 0)
    asked.take(1, "linear", 1)
    assert [a.value for a in asked.answers.values()] == ["linear"]
    assert asked.state == OPEN and "summary" not in asked.for_students() and "answer" not in asked.for_students()
    asked.state = REVEALED
    seen = asked.for_students()
    assert seen["answer"] == asked.answer and seen["summary"]["answers"] == 1
    assert "answers" not in seen  # nobody's own answer, only the summary
    with pytest.raises(LiveError, match="closed") as refused:
        asked.take(2, "linear", 2)
    assert refused.value.status == 409


def test_a_hidden_answer_leaves_the_summary_but_not_the_teachers_list():
    asked = ask("forward-lose-picture")
    asked.take(1, 100, 0)
    asked.take(2, 900, 0)
    asked.hide(2)
    teacher = asked.for_teacher(lambda sid: f"student {sid}")
    assert teacher["summary"]["answers"] == 1 and teacher["summary"]["median"] == 100
    assert [(a["student"], a["hidden"]) for a in teacher["answers"]] == [(1, False), (2, True)]
    asked.hide(2, False)
    assert asked.for_teacher(str)["summary"]["answers"] == 2
    with pytest.raises(LiveError):
        asked.hide(7)
