"""lab/live/handout.py: after class on paper, in memory: every question asked, its answers drawn, the gallery with
nicknames and links; hidden answers and pictures left out."""
import io

import pytest
from PIL import Image

from lab.i18n import text
from lab.live import handout
from lab.live.handout import as_rgb, class_pdf
from tests.lab.test_live_class import new_class
from tests.lab.test_live_gallery import png_url

pypdf = pytest.importorskip("pypdf")


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def a_class(questions: int = 5, pictures: int = 7):
    live = new_class()
    students = [live.join(name, f"token-{name}") for name in ("Ada", "Bo", "<b>Cy</b>")]
    bank = ["forward-lose-picture", "schedules-faster-250", "sampling-ddim-steps", "forward-signal-500",
            "schedules-cosine-0db"]
    for number, question in enumerate(bank[:questions], 1):
        live.ask("teacher-key", question)
        q = live.current.question
        for i, s in enumerate(students):
            live.answer(s.token, number, q.choices[i % len(q.choices)] if q.kind == "choice" else q.low + i)
        live.reveal("teacher-key")
    for i in range(pictures):
        live.add_picture(students[i % 3].token, f"?tab=sampling&seed={i}", png_url())
    live.hide_picture("teacher-key", 2)
    return live


def test_every_question_and_the_gallery_are_on_paper():
    live = a_class()
    pages = pdf_text(class_pdf(live, "https://lab.example/"))
    text = "\n".join(pages)
    assert len(pages) == 3  # two questions on the cover, three on the next page, then the gallery
    for asked in live.asked:
        assert asked.question.prompt[:40] in text.replace("\n", " ")
    assert "Answer: 259." in text and "Answer: linear." in text
    assert "<b>Cy</b>" in text  # a nickname as typed, text on paper
    assert "https://lab.example/?tab=sampling&seed=0" in text and "seed=1" not in text  # picture 2 hidden


def test_a_class_with_nothing_yet_still_gives_a_page():
    live = new_class()
    pages = pdf_text(class_pdf(live))
    assert len(pages) == 1 and "0 questions were asked" in pages[0]


def test_a_question_nobody_answered_says_so():
    live = new_class()
    live.ask("teacher-key", "forward-lose-picture")
    assert text(handout.NO_ANSWERS) in pdf_text(class_pdf(live))[0]


def test_a_transparent_picture_is_laid_on_white():
    out = io.BytesIO()
    Image.new("RGBA", (4, 3), (255, 0, 0, 0)).save(out, format="PNG")
    rgb = as_rgb(out.getvalue())
    assert rgb.shape == (3, 4, 3) and (rgb == 255).all()


def test_the_pdf_is_made_again_only_when_the_class_changed():
    live = a_class(questions=1, pictures=2)
    first = class_pdf(live)
    assert class_pdf(live) is first
    live.join("Dee", "token-dee")
    assert class_pdf(live) is not first


def test_a_large_picture_is_printed_small():
    out = io.BytesIO()
    Image.new("L", (1024, 512), 0).save(out, format="PNG")
    assert as_rgb(out.getvalue()).shape == (handout.PRINT_SIDE // 2, handout.PRINT_SIDE, 3)


def test_the_handout_speaks_the_teachers_language():
    live = new_class()
    live.ask("teacher-key", "forward-lose-picture")
    french = pdf_text(class_pdf(live, "", "fr"))[0]
    assert "Classe en direct" in french and "Personne n'a répondu" in french
    assert "Live class" in pdf_text(class_pdf(live))[0]  # English again: made anew for its language
