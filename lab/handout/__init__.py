"""A printable handout of each lesson: A4 pages drawn with matplotlib from the values the lessons compute.

    page.py    the page: title, paragraph, pictures, plots, tables and numbers, printable in black and white
    pages.py   one page per tab, from the lesson's values (lab/lessons)
    tabs.py    one pages function per tab, from the values of its widgets
    button.py  the "Download this lesson (PDF)" row of every tab
    python -m lab.handout --tab forward --t 300 --schedule cosine --out lesson.pdf    (the same offline)
"""
