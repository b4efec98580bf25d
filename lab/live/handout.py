"""After class, on paper: the questions asked with the class's answers drawn as on the projector (a histogram with its
median and the right answer, or one bar per choice), the explanation, and the class gallery with each picture's
nickname and the link to its view. A4 pages in the handout's printable style (lab/handout/page.py: black lines,
meaning never carried by colour), made in memory: nothing is written to disk.

    pdf = class_pdf(live, "https://…/", "de")   # bytes, served as /lab/live/<code>/export/class.pdf?key=

Hidden answers and pictures are left out, as on the projector. Its words are the teacher's page's language
(lab/i18n: live.pdf_*)."""
from __future__ import annotations

import io
import textwrap

import numpy as np
from PIL import Image

from lab.handout.page import INK, Page, pdf_bytes
from lab.i18n import SOURCE, sentences, speaking, text
from lab.live.asked import Asked
from lab.live.live_class import LiveClass

QUESTIONS_ON_COVER, QUESTIONS_PER_PAGE = 2, 3
PICTURES_PER_ROW, ROWS_PER_PAGE = 5, 5
PRINT_SIDE = 256  # pixels a side at most: about 300 dpi at the printed size, and a bounded PDF
NO_ANSWERS = "live.pdf_no_answers"  # lab/i18n


def class_pdf(live: LiveClass, base_url: str = "", lang: str = SOURCE) -> bytes:
    """The handout in `lang`, made again only when the class changed since the last one (live.private.version)."""
    made = live.handout
    if made is not None and made[:2] == (live.private.version, (base_url, lang)):
        return made[2]
    with speaking(lang):
        pages = question_pages(live) + gallery_pages(live, base_url)
        pdf = pdf_bytes(pages or [cover(live)], title=text("live.pdf_title", code=live.code))
    live.handout = (live.private.version, (base_url, lang), pdf)  # one per class: memory bounded with the classes
    return pdf


def cover(live: LiveClass) -> Page:
    return Page(text("live.pdf_cover_title", code=live.code),
                text("live.pdf_cover", students=len(live.students),
                     present=sum(s.present for s in live.students.values()), asked=len(live.asked),
                     pictures=sum(not p.hidden for p in live.gallery)))


def question_pages(live: LiveClass) -> list[Page]:
    pages, first = [], 0
    while first < len(live.asked):
        page = cover(live) if first == 0 else Page(text("live.pdf_questions", code=live.code), "")
        count = QUESTIONS_ON_COVER if first == 0 else QUESTIONS_PER_PAGE
        for asked in live.asked[first:first + count]:
            draw_question(page, asked)
        pages.append(page)
        first += count
    return pages


def draw_question(page: Page, asked: Asked):
    summary = asked.for_teacher(str, with_answers=False)["summary"]
    page.heading(f"{asked.number}. {asked.question.prompt}")
    q = asked.question
    answer = "" if asked.answer is None else text("live.pdf_answer", answer=q.choice_words(str(asked.answer))
                                                   if q.kind == "choice" else f"{asked.answer:g}")
    answers = text("live.pdf_one_answer" if summary["answers"] == 1 else "live.pdf_answers", n=summary["answers"])
    page.numbers([sentences(answers, answer), *wrap(q.explain)], heading="", fontsize=9, mono=False)
    ax = page.axes(0.13)
    if not summary["answers"]:
        ax.text(0.5, 0.5, text(NO_ANSWERS), ha="center", va="center", transform=ax.transAxes)
    elif q.kind == "choice":
        choice_bars(ax, [{**c, "choice": q.choice_words(c["choice"]), "right": c["choice"] == asked.answer}
                         for c in summary["counts"]])
    else:
        histogram_bars(ax, summary, asked.answer, log=asked.question.log_bins)


def wrap(text: str, width: int = 100) -> list[str]:
    return textwrap.wrap(text, width) if text else []


def choice_bars(ax, counts: list[dict]):
    """counts: each choice's words, its count, and whether it is the right one (marked ✓)."""
    names = [c["choice"] + (" ✓" if c["right"] else "") for c in counts]
    ax.barh(names, [c["count"] for c in counts], color="white", edgecolor=INK, hatch="//")
    ax.invert_yaxis()
    ax.set_xlabel(text("live.pdf_students"))


def histogram_bars(ax, summary: dict, right, log: bool):
    bins = summary["histogram"]
    lows, highs = [b["low"] for b in bins], [b["high"] for b in bins]
    ax.bar(lows, [b["count"] for b in bins], width=[h - lo for lo, h in zip(lows, highs)], align="edge",
           color="white", edgecolor=INK, hatch="//")
    if log:
        ax.set_xscale("log")
    median = text("live.pdf_median", median=f"{summary['median']:g}")
    ax.axvline(summary["median"], color=INK, linestyle="--", label=median)
    if isinstance(right, (int, float)):
        ax.axvline(right, color=INK, linestyle=":", linewidth=2.2, label=text("live.pdf_right", answer=f"{right:g}"))
    ax.legend(fontsize=8, loc="upper right")
    ax.set_ylabel(text("live.pdf_students"))


def gallery_pages(live: LiveClass, base_url: str) -> list[Page]:
    shown = [p for p in live.gallery if not p.hidden and p.png is not None]
    per_page = PICTURES_PER_ROW * ROWS_PER_PAGE
    pages = []
    for first in range(0, len(shown), per_page):
        page = Page(text("live.pdf_gallery_title", code=live.code), text("live.pdf_gallery") if first == 0 else "")
        chunk = shown[first:first + per_page]
        for row in range(0, len(chunk), PICTURES_PER_ROW):
            items = [(as_rgb(p.png), live.nickname(p.student)) for p in chunk[row:row + PICTURES_PER_ROW]]
            page.pictures(items, height=0.11, caption_lines=1, slots=PICTURES_PER_ROW)
        page.numbers([f"{p.id}. {live.nickname(p.student)}: {base_url}{p.link}" for p in chunk],
                     heading=text("live.pdf_links"),
                     fontsize=7)
        pages.append(page)
    return pages


def as_rgb(png: bytes) -> np.ndarray:
    """A gallery PNG (checked small by gallery.read_png) as (H, W, 3) uint8 of at most PRINT_SIDE a side,
    transparency laid on white."""
    with Image.open(io.BytesIO(png)) as image:
        rgba = image.convert("RGBA")
    rgba.thumbnail((PRINT_SIDE, PRINT_SIDE), Image.Resampling.NEAREST)  # a 28×28 digit stays crisp and as it is
    white = Image.new("RGBA", rgba.size, "white")
    return np.asarray(Image.alpha_composite(white, rgba).convert("RGB"))

