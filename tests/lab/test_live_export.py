"""lab/live/export.py: answers, summaries and gallery as CSV a spreadsheet opens, formulas defused."""
import csv
import io

from lab.live.export import KINDS, export_csv
from tests.lab.test_live_class import new_class


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def lesson():
    live = new_class()
    live.join("=1+2", "a")
    live.join("Bo, \"the\" best", "b")
    live.ask("teacher-key", "forward-lose-picture")
    live.answer("a", 1, 250)
    live.answer("b", 1, 700)
    live.hide_answer("teacher-key", 1, 2)
    live.ask("teacher-key", "schedules-faster-250")
    live.answer("a", 2, "linear")
    live.add_picture("b", "?tab=sampling&seed=7")
    return live


def test_answers_one_row_each_with_nicknames_kept_as_text():
    table = rows(export_csv(lesson(), "answers"))
    assert table[0][:4] == ["question", "id", "prompt", "right answer"]
    assert [(r[0], r[5], r[6], r[7]) for r in table[1:]] == [("1", "'=1+2", "250", "0"),
                                                             ("1", "Bo, \"the\" best", "700", "1"),
                                                             ("2", "'=1+2", "linear", "0")]


def test_summaries_leave_hidden_answers_out():
    table = rows(export_csv(lesson(), "summaries"))
    first = [r for r in table[1:] if r[0] == "1"]
    assert sum(int(r[3]) for r in first) == 1 and len(first) == 20
    assert [r[2:] for r in table[1:] if r[0] == "2"] == [["linear", "1"], ["cosine", "0"], ["quadratic", "0"],
                                                         ["sigmoid", "0"]]


def test_gallery_links_open_the_view():
    table = rows(export_csv(lesson(), "gallery", base_url="https://lab.example/"))
    assert table[1][3] == "https://lab.example/?tab=sampling&seed=7" and table[1][2] == "Bo, \"the\" best"
    assert all(export_csv(new_class(), kind).count("\n") == 1 for kind in KINDS)  # a header, nothing else
