"""One question asked in a class: the students' answers while it is open, then the reveal.

    open      students answer (again: the last answer counts); the teacher sees the answers live
    revealed  answers closed; every student sees the class's summary and the right answer with its explanation
    closed    off the students' screens; kept for the export

The teacher may hide any answer (a joke, a mistake): it leaves the summary, stays in the teacher's list and the
export, marked hidden. A number is checked against the question's range and step, a choice against its choices;
anything else is refused with a sentence (LiveError)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from lab.i18n import SOURCE, text
from lab.live.questions import Question
from lab.live.summaries import summary

OPEN, REVEALED, CLOSED = "open", "revealed", "closed"


class LiveError(Exception):
    """A refusal with a sentence for the client, and the HTTP status it goes with: the sentence of the catalogue's
    `key` (lab/i18n: live.<name>) with its {placeholders} filled, in the language of the request being answered
    (lab/live/routes.LiveRoute)."""

    def __init__(self, status: int, key: str, **values):
        self.status, self.key, self.sentence = status, key, text(key, **values)
        super().__init__(self.sentence)


@dataclass
class Answer:
    student: int
    value: float | str
    at: float  # seconds since the class started
    hidden: bool = False


@dataclass
class Asked:
    number: int  # 1, 2, … in the order asked in this class
    question: Question
    answer: float | str | None  # the right answer for this asking (questions.Question.answer_for)
    state: str = OPEN
    answers: dict[int, Answer] = field(default_factory=dict)  # student id -> the last answer

    def take(self, student: int, raw: object, at: float) -> float | str:
        if self.state != OPEN:
            raise LiveError(409, "live.closed")
        value = self.read(raw)
        self.answers.pop(student, None)  # a new answer goes last, as the teacher's list shows them
        self.answers[student] = Answer(student, value, at)
        return value

    def read(self, raw: object) -> float | str:
        q = self.question
        if q.kind == "choice":
            if isinstance(raw, str) and raw in q.choices:
                return raw
            raise LiveError(400, "live.choose_answer")
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
            raise LiveError(400, "live.answer_number")
        if not q.low <= raw <= q.high:
            raise LiveError(400, "live.answer_range", low=f"{q.low:g}", high=f"{q.high:g}")
        value = q.low + round((raw - q.low) / q.step) * q.step  # on the widget's grid, as its slider would be
        return int(value) if float(value).is_integer() else value

    def hide(self, student: int, hidden: bool = True):
        if student not in self.answers:
            raise LiveError(404, "live.not_answered")
        self.answers[student].hidden = hidden

    def shown_values(self) -> list:
        return [a.value for a in self.answers.values() if not a.hidden]

    def for_students(self) -> dict:
        """The question; once revealed, the class's summary and the right answer. Never anyone's own answer."""
        seen = {"number": self.number, "state": self.state, "question": self.question.public()}
        if self.state == REVEALED:
            seen.update(summary=summary(self.question, self.shown_values()), answer=self.answer,
                        explain=self.question.explain_in(SOURCE))  # each page shows it in its language
        return seen

    def for_teacher(self, nickname, with_answers: bool = True) -> dict:
        """Everything, live: the summary while answers come in, and (with_answers) each answer with its student's
        nickname; an earlier question is sent with its summary only (the export has every answer)."""
        seen = {"number": self.number, "state": self.state, "question": self.question.public(), "answer": self.answer,
                "explain": self.question.explain_in(SOURCE), "summary": summary(self.question, self.shown_values())}
        if with_answers:
            seen["answers"] = [{"student": a.student, "nickname": nickname(a.student), "value": a.value,
                                "hidden": a.hidden} for a in self.answers.values()]
        return seen
