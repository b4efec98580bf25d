"""A printable handout of each lesson: A4 pages drawn with matplotlib from the values the lessons compute. It
stands on lab/lessons, lab/checks and the engine only, never on Gradio or lab/tabs (tests/test_architecture.py):
the tabs' "Download this lesson (PDF)" row is lab/tabs/handout.py.

    page.py    the page: title, paragraph, pictures, plots, tables and numbers, printable in black and white
    pages.py   one page per tab, from the lesson's values (lab/lessons)
    tabs.py    one pages function per tab, from the values of its widgets
    python -m lab.handout --tab forward --t 300 --schedule cosine --out lesson.pdf    (the same offline)
"""
