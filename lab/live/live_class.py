"""One live class: the view the teacher shows, the students, the questions asked, the class gallery.

Who may do what is decided here, in each method, from the secret it is called with: the teacher key leads (show a
view, ask, reveal, hide, close), a student's token answers and adds to the gallery. A student trying a teacher's
action gets a 403 with a sentence (LiveError). Two audiences read the class (stream.py):

    for_students()  the view shown, the question being asked (its answers only once revealed), the gallery;
                    the same text for every student, so it is written once per change (`public.version`)
    for_teacher()   all that, plus the students and every answer as it comes in (`private.version`)

A student's answer changes only the teacher's side: thirty answers do not wake thirty pages thirty times."""
from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import parse_qsl

from lab.live.asked import CLOSED, OPEN, REVEALED, Asked, LiveError
from lab.live.changes import Changes
from lab.live.class_model import ClassModel
from lab.live.gallery import Picture, read_png
from lab.live.limits import Bounds
from lab.live.questions import bank
from lab.live.text import plain_text, same_secret
from lab.view_link import Known, link_of, view_of

TEACHER_ONLY, NOT_IN_CLASS, ENDED = "live.teacher_only", "live.not_in_class", "live.ended"  # lab/i18n keys
MAX_LINK_CHARS, MAX_VIEW_FIELDS = 2000, 40  # a view has 12 fields (view_link.FIELDS)


@dataclass
class Student:
    id: int
    nickname: str
    token: str
    present: bool = True
    pictures: int = 0


class LiveClass:
    def __init__(self, code: str, key: str, known: Known, bounds: Bounds, clock=time.monotonic):
        self.code, self.key, self.known, self.bounds, self.clock = code, key, known, bounds, clock
        self.started = self.active = clock()
        self.ended = False
        self.view: dict = {}
        self.shown = 0  # how many times a view was shown: the same view shown again calls back who wandered off
        self.students: dict[int, Student] = {}
        self.tokens: dict[str, int] = {}  # a student's token -> their id
        self.asked: list[Asked] = []
        self.current: Asked | None = None  # on the students' screens
        self.gallery: list[Picture] = []
        self.class_model = ClassModel()  # the class's drawings and the model trained on them (class_model.py)
        self.public, self.private = Changes(), Changes()  # what students see; what only the teacher sees
        self.streams: Counter = Counter()  # open streams per person ("teacher" or a student's id)
        self._written: tuple[int, str] | None = None  # for_students() of public.version, as JSON
        self.handout: tuple[int, str, bytes] | None = None  # the last PDF (handout.py): private.version, base URL

    # ---- who is asking
    def teacher(self, key: object):
        """Only the teacher key passes (an ended class too: its teacher still downloads the answers)."""
        if not same_secret(key, self.key):
            raise LiveError(403, TEACHER_ONLY)

    def lead(self, key: object):
        self.teacher(key)
        self.live()

    def student(self, token: object) -> Student:
        sid = self.tokens.get(token) if isinstance(token, str) else None
        if sid is None:
            raise LiveError(403, NOT_IN_CLASS)
        self.live()
        return self.students[sid]

    def live(self):
        if self.ended:
            raise LiveError(410, ENDED)
        self.active = self.clock()

    def changed(self, public: bool):
        if public:
            self.public.bump()
        self.private.bump()  # the teacher sees everything the students see

    # ---- students
    def join(self, nickname: object, token: str) -> Student:
        self.live()
        present = sum(s.present for s in self.students.values())
        if present >= self.bounds.max_students or len(self.students) >= 2 * self.bounds.max_students:
            raise LiveError(409, "live.class_full")
        sid = max(self.students, default=0) + 1
        name = plain_text(nickname, self.bounds.nickname_chars) or f"student {sid}"
        self.students[sid] = Student(sid, name, token)
        self.tokens[token] = sid
        self.changed(public=False)
        return self.students[sid]

    def leave(self, token: object):
        student = self.student(token)
        student.present = False
        del self.tokens[student.token]
        self.changed(public=False)

    def nickname(self, sid: int) -> str:
        return self.students[sid].nickname if sid in self.students else f"student {sid}"

    # ---- the teacher leads
    def show(self, key: object, view: object):
        """Show every student this view (a link's query string "?tab=…&t=…", or its values as an object)."""
        self.lead(key)
        self.put_on_screen(self.checked_view(view))
        self.changed(public=True)

    def put_on_screen(self, view: dict):
        self.view = view
        self.shown += 1

    def checked_view(self, view: object) -> dict:
        if isinstance(view, str) and len(view) <= MAX_LINK_CHARS:
            view = dict(parse_qsl(view.partition("?")[2] if "?" in view else view))
        if not isinstance(view, dict) or len(view) > MAX_VIEW_FIELDS:
            raise LiveError(400, "live.view_as_link")
        checked = view_of({k: v for k, v in view.items() if isinstance(v, (str, int, float))}, self.known)
        checked.pop("lang", None)  # each student keeps the language of their own page
        if not checked:
            raise LiveError(400, "live.no_view")
        return checked

    def ask(self, key: object, question_id: object, view: object = None) -> Asked:
        self.lead(key)
        question = bank().get(question_id) if isinstance(question_id, str) else None
        if question is None:
            raise LiveError(404, "live.no_question")
        if len(self.asked) >= self.bounds.max_asked:
            raise LiveError(409, "live.max_asked", n=self.bounds.max_asked)
        shown = self.checked_view(view) if view is not None else self.view
        if question.view:  # the question's own view over the teacher's (its tab, its schedule…), on every screen
            shown = self.checked_view({**shown, **question.view})
            self.put_on_screen(shown)
        if self.current is not None and self.current.state != CLOSED:
            self.current.state = CLOSED
        self.current = Asked(len(self.asked) + 1, question, question.answer_for(shown))
        self.asked.append(self.current)
        self.changed(public=True)
        return self.current

    def asked_number(self, number: object) -> Asked:
        if number is None and self.current is not None:
            return self.current
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(self.asked):
            raise LiveError(404, "live.no_asked")
        return self.asked[number - 1]

    def reveal(self, key: object, number: object = None):
        """Close the answers and show everyone the class's summary (a past question comes back on screen)."""
        self.lead(key)
        self.current = self.asked_number(number)
        self.current.state = REVEALED
        self.changed(public=True)

    def close_question(self, key: object, number: object = None):
        self.lead(key)
        asked = self.asked_number(number)
        asked.state = CLOSED
        if asked is self.current:
            self.current = None
        self.changed(public=True)

    def hide_answer(self, key: object, number: object, student: object, hidden: object = True):
        self.lead(key)
        asked = self.asked_number(number)
        asked.hide(student if type(student) is int else -1, hidden is not False)
        self.changed(public=asked is self.current and asked.state == REVEALED)

    def hide_picture(self, key: object, picture: object, hidden: object = True):
        self.lead(key)
        found = next((p for p in self.gallery if p.id == picture and type(picture) is int), None)
        if found is None:
            raise LiveError(404, "live.no_picture")
        found.hidden = hidden is not False
        self.changed(public=True)

    def rename(self, key: object, student: object, nickname: object = None):
        """The teacher replaces a nickname (one not fit for the projector); none given: "student <id>"."""
        self.lead(key)
        found = self.students.get(student) if type(student) is int else None
        if found is None:
            raise LiveError(404, "live.no_student")
        found.nickname = plain_text(nickname, self.bounds.nickname_chars) or f"student {found.id}"
        self.changed(public=True)  # the gallery shows nicknames

    def end(self, key: object):
        """The teacher ends the class: every page hears it; the teacher can still download the answers."""
        self.lead(key)
        self.ended = True
        self.changed(public=True)

    # ---- students act
    def answer(self, token: object, number: object, value: object):
        student = self.student(token)
        if self.current is None or self.current.number != number or self.current.state != OPEN:
            raise LiveError(409, "live.closed")
        value = self.current.take(student.id, value, self.clock() - self.started)
        self.changed(public=False)
        return value

    def add_picture(self, token: object, link: object, png: object = None) -> Picture:
        student = self.student(token)
        if len(self.gallery) >= self.bounds.max_gallery or student.pictures >= self.bounds.gallery_per_student:
            raise LiveError(409, "live.gallery_full")
        view = link_of(self.checked_view(link))
        picture = Picture(len(self.gallery) + 1, student.id, view, read_png(png, self.bounds.max_png_bytes),
                          self.clock() - self.started)
        self.gallery.append(picture)
        student.pictures += 1
        self.changed(public=True)
        return picture

    # ---- what each audience sees
    def shared_state(self, for_teacher: bool = False) -> dict:
        return {"code": self.code, "ended": self.ended, "view": self.view, "shown": self.shown,
                "link": link_of(self.view) if self.view else "",
                "question": self.current.for_students() if self.current else None,
                "gallery": [p.meta(self.nickname, for_teacher) for p in self.gallery if for_teacher or not p.hidden],
                "model": self.class_model.for_teacher(self.nickname) if for_teacher else self.class_model.public()}

    def for_students(self) -> str:
        """The students' state as JSON, written once per public version."""
        if self._written is None or self._written[0] != self.public.version:
            self._written = (self.public.version, json.dumps(self.shared_state(), ensure_ascii=False))
        return self._written[1]

    def for_teacher(self) -> dict:
        """Everything: the students, the current question's answers live, the earlier questions' summaries."""
        return {**self.shared_state(for_teacher=True),
                "students": [{"id": s.id, "nickname": s.nickname, "present": s.present}
                             for s in self.students.values()],
                "asked": [a.for_teacher(self.nickname, with_answers=a is self.current) for a in self.asked]}
