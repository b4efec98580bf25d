"""A live class (issue 25): a teacher starts a class, students join with a short code, the teacher shows a view to
every student, asks questions from the lessons' bank, reveals the class's answers, and downloads them afterwards.

The core here holds no Gradio and no FastAPI; routes.py and stream.py put it on the web beside Gradio:

    text.py       codes, teacher keys, a student's text made plain and short
    limits.py     the bounds of a server's classes, and a per-client rate limit
    questions.py  the bank: questions across the six tabs, their reveals computed by the engine
    summaries.py  a question's answers as a histogram or counts
    changes.py    a version counter that wakes whoever waits for the next change (asyncio)
    gallery.py    a student's picture (a small PNG) with the link to its view
    asked.py      one asked question: its answers, hidden answers, open / revealed / closed
    live_class.py one class: the view shown, students, asked questions, gallery; who may do what
    registry.py   the server's classes: create, find, join, expire
    class_drawings.py  the class's own 28×28 drawings, bounded per student and per class
    class_training.py  one training per server: the engine's U-Net and loop on the drawings, in a thread
    class_model.py     who sends, trains and draws; each picture drawn with its nearest class drawing
    export.py     answers, summaries and gallery as CSV
    qr.py         the join link as a QR code (SVG), for the projector
    routes.py     the JSON routes under /lab/live (FastAPI); model_routes.py those of the class model
    stream.py     the server-sent events a page listens to

Everything lives in memory, bounded (limits.py); nothing is written to disk but what a teacher downloads."""
