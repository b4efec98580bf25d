"""A model of the class's own drawings in real browsers (lab/static/js/live_model.mjs, lab/live/class_model.py): a
teacher's projector and two students' phones. The students draw on the pad with the mouse and a finger, or upload a
photo, and send; a student's try at training is refused; the teacher trains on the server (40 steps under tests:
conftest.app_py) and the loss and pictures appear live; then a student and the teacher draw from the class's model,
each picture beside its nearest class drawing. Screenshots go to $SCREENSHOT_DIR (default: screenshots/)."""
import io
from urllib.parse import urljoin

from PIL import Image, ImageDraw

from lab.i18n import text
from lab.live.live_class import TEACHER_ONLY
from tests.test_browser_live_class import OUT, join, start_class

STROKES = {"one": [[(0.5, 0.15), (0.5, 0.85)]], "seven": [[(0.2, 0.2), (0.8, 0.2), (0.4, 0.85)]],
           "zero": [[(0.5, 0.15), (0.8, 0.5), (0.5, 0.85), (0.2, 0.5), (0.5, 0.15)]],
           "cross": [[(0.2, 0.2), (0.8, 0.8)], [(0.8, 0.2), (0.2, 0.8)]]}


def draw(page, strokes, touch: bool = False):
    """Strokes on the pad, points as shares of its side: with the mouse, or with pointer events of a finger."""
    pad = page.locator(".dl-model-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    for points in strokes:
        xy = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in points]
        if touch:
            pad.evaluate("""(pad, xy) => {
                const fire = (type, [x, y]) => pad.dispatchEvent(new PointerEvent(type, {clientX: x, clientY: y,
                    pointerId: 7, pointerType: 'touch', bubbles: true}));
                fire('pointerdown', xy[0]);
                for (const p of xy.slice(1)) fire('pointermove', p);
                fire('pointerup', xy[xy.length - 1]);
            }""", xy)
            continue
        page.mouse.move(*xy[0])
        page.mouse.down()
        for x, y in xy[1:]:
            page.mouse.move(x, y, steps=8)
        page.mouse.up()


def uploaded(page):
    """A photo of a digit: dark ink on light paper, larger than the pad (the page fits it and inverts it)."""
    paper = Image.new("L", (300, 200), 235)
    ImageDraw.Draw(paper).line([(120, 30), (180, 30), (140, 170)], fill=20, width=18)
    out = io.BytesIO()
    paper.save(out, format="PNG")
    page.locator(".dl-model-upload").set_input_files({"name": "seven.png", "mimeType": "image/png",
                                                      "buffer": out.getvalue()})
    page.wait_for_timeout(300)  # createImageBitmap, then drawn on the pad


def send_drawings(student, names, touch=False):
    student.get_by_text("Draw for the class's model").click()  # folded until the teacher trains
    for i, name in enumerate(names):
        if name == "upload":
            uploaded(student)
        else:
            draw(student, STROKES[name], touch)
        student.get_by_role("button", name="Add my drawing").click()
        student.wait_for_function("""(n) => document.querySelector('.dl-model-sent').textContent.includes(n)
            || document.querySelector('.dl-class-status').dataset.kind === 'error'""", arg=f"You sent {i + 1} of 5")
        assert student.locator(".dl-model-sent").inner_text() == f"You sent {i + 1} of 5 drawings.", \
            student.locator(".dl-class-status").inner_text()


def test_the_class_draws_trains_and_samples_its_own_model(browser, served_app):
    OUT.mkdir(parents=True, exist_ok=True)
    teacher, code = start_class(browser, served_app)
    students = [join(browser, served_app, code, "Ada"), join(browser, served_app, code, None)]
    teacher.get_by_text("2 students joined").wait_for()
    send_drawings(students[0], ["one", "seven", "upload"])
    send_drawings(students[1], ["cross", "one"], touch=True)
    students[0].screenshot(path=str(OUT / "live_class_model_student_pad.png"))
    teacher.get_by_text("5 drawings from the class").wait_for()
    assert teacher.locator(".dl-model-thumb img").count() == 5
    teacher.wait_for_function("() => [...document.querySelectorAll('.dl-model-thumb img')].every(i => i.naturalWidth)")
    photo = teacher.request.get(urljoin(served_app, teacher.locator(".dl-model-thumb img").nth(2).get_attribute("src")))
    ink = Image.open(io.BytesIO(photo.body()))
    assert ink.size == (28, 28) and ink.getextrema()[1] > 200 and sum(ink.getdata()) / 784 < 80  # light ink on dark

    refused = students[1].evaluate("""async (code) => {
        const token = JSON.parse(sessionStorage.getItem('dl-class-student')).token;
        const r = await fetch(`/lab/live/${code}/train`, {method: 'POST', headers: {'Content-Type': 'application/json'},
                              body: JSON.stringify({key: token})});
        return [r.status, (await r.json()).error];
    }""", code)
    assert refused == [403, text(TEACHER_ONLY)]

    teacher.get_by_role("button", name="Hide the QR").click()  # the projector shows the training
    teacher.get_by_role("button", name="Train a model on the class's drawings").click()
    teacher.locator(".dl-model-state[data-state=training]").wait_for()
    teacher.locator(".dl-model-loss-line").wait_for()
    teacher.locator(".dl-model-state[data-state=trained]").wait_for(timeout=180_000)
    assert teacher.locator(".dl-model-pictures img").count() == 4
    teacher.wait_for_timeout(300)
    teacher.screenshot(path=str(OUT / "live_class_model_trained.png"))

    for page in (students[1], teacher):
        page.locator(".dl-model-state[data-state=trained]").wait_for()
        page.get_by_role("button", name="Draw from the class's model").click()
        page.locator(".dl-model-pair").nth(3).wait_for()
        assert page.locator(".dl-model-pair img").count() == 8  # each picture beside its nearest drawing
        assert "of these 4 pictures" in page.locator(".dl-model-sentence").inner_text()
        assert "distance" in page.locator(".dl-model-pair figcaption").first.inner_text()
    students[1].locator(".dl-class-model").screenshot(path=str(OUT / "live_class_model_student_samples.png"))
    teacher.screenshot(path=str(OUT / "live_class_model_teacher_samples.png"))
    for page in (teacher, *students):
        page.context.close()
