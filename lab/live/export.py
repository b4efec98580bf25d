"""After class: what the class answered, the summaries drawn on the projector, and the gallery, as CSV files that a
spreadsheet opens (a PDF page is for later).

    answers.csv    one row per answer: question, student, value, hidden, seconds into the class
    summaries.csv  one row per histogram bin or choice of each question asked (hidden answers left out)
    gallery.csv    one row per picture: student, the link to its view

A student's text starts a cell with ' when a spreadsheet would read it as a formula (=, +, -, @)."""
from __future__ import annotations

import csv
import io

from lab.live.live_class import LiveClass

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
KINDS = ("answers", "summaries", "gallery")


def cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def table(header: list[str], rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def answers_csv(live: LiveClass) -> str:
    rows = ([a.number, a.question.id, a.question.prompt, "" if a.answer is None else a.answer, s.student,
             cell(live.nickname(s.student)), s.value, int(s.hidden), round(s.at, 1)]
            for a in live.asked for s in a.answers.values())
    return table(["question", "id", "prompt", "right answer", "student", "nickname", "answer", "hidden", "seconds"],
                 rows)


def summaries_csv(live: LiveClass) -> str:
    rows = []
    for a in live.asked:
        s = a.for_teacher(live.nickname, with_answers=False)["summary"]
        for b in s.get("histogram", ()):
            rows.append([a.number, a.question.id, f"{b['low']:g} to {b['high']:g}", b["count"]])
        for c in s.get("counts", ()):
            rows.append([a.number, a.question.id, c["choice"], c["count"]])
    return table(["question", "id", "bin or choice", "count"], rows)


def gallery_csv(live: LiveClass, base_url: str = "") -> str:
    rows = ([p.id, p.student, cell(live.nickname(p.student)), base_url + p.link, int(p.png is not None),
             int(p.hidden), round(p.at, 1)] for p in live.gallery)
    return table(["picture", "student", "nickname", "link", "has picture", "hidden", "seconds"], rows)


def export_csv(live: LiveClass, kind: str, base_url: str = "") -> str:
    """kind: one of KINDS."""
    if kind == "gallery":
        return gallery_csv(live, base_url)
    return answers_csv(live) if kind == "answers" else summaries_csv(live)
