"""A live class in real browsers (lab/live_ui.py, lab/static/js/live_class.mjs): a teacher's page on a projector and
three students' phones, each in its own browser context. The teacher starts a class; the students join (one with a
nickname with markup, shown as typed); the teacher shows two views and every student's page follows; a number
question and a choice question are asked, answered, counted live on the teacher's screen and revealed to the
students; a student trying a teacher's action is refused; the teacher ends the class and downloads the answers.
Screenshots (teacher in presenter mode at 1920×1080, a student at 390×844) go to $SCREENSHOT_DIR (default:
screenshots/)."""
import json
import os
import time
from pathlib import Path

from lab.i18n import text
from lab.live.live_class import TEACHER_ONLY
from tests.conftest import ROOT
from tests.test_browser_links import shown

OUT = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "screenshots"))
T_BOX = "number input for t (how much noise)"
NICKNAME = "<b>Ada</b>"  # markup in a nickname is shown as typed, never run (textContent only)
FOLLOW_WITHIN_S = 30  # a shown view reaches every student's page (measured and printed: usually a few seconds)


def open_in_context(browser, url: str, width: int, height: int):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(120_000)
    page.goto(url)
    page.get_by_text("Diffusion Lab").first.wait_for()
    return page


def start_class(browser, url: str):
    """The teacher's page (presenter mode, tab 1 at t = 700) with a class started; its code."""
    teacher = open_in_context(browser, url + "?present=1&tab=forward&t=700", 1920, 1080)
    teacher.wait_for_function("() => [...document.querySelectorAll('input')].some(e => e.value === '700')")
    teacher.get_by_role("button", name="Live class", exact=True).click()
    teacher.get_by_role("button", name="Start a class").click()
    code = teacher.locator(".dl-class-code").inner_text()
    teacher.wait_for_function("() => document.querySelector('.dl-class-qr').naturalWidth > 0")  # the QR drawn
    return teacher, code


def join(browser, url: str, code: str, nickname: str | None):
    student = open_in_context(browser, url + f"?live={code}", 390, 844)
    if nickname:
        student.get_by_label("nickname (optional)").fill(nickname)
        student.screenshot(path=str(OUT / "live_class_student_join.png"))
    student.get_by_role("button", name="Join", exact=True).click()
    student.locator(".dl-class-student").wait_for()
    return student


def follow_time(teacher, students, ready_js: str) -> list[float]:
    """Seconds from the teacher's "Show this view to the class" until each student's page shows it."""
    started = time.monotonic()
    teacher.get_by_role("button", name="Show this view to the class").click()
    seconds = []
    for student in students:
        student.wait_for_function(ready_js, timeout=FOLLOW_WITHIN_S * 1000)
        seconds.append(round(time.monotonic() - started, 2))
    return seconds


def answer_number(student, value: int):
    student.locator(".dl-class-number").fill(str(value))
    student.get_by_role("button", name="Send", exact=True).click()
    student.get_by_text(f"Your answer: {value}").wait_for()


def test_a_teacher_and_three_students_hold_a_live_class(browser, served_app):
    OUT.mkdir(parents=True, exist_ok=True)
    teacher, code = start_class(browser, served_app)
    secrets = teacher.evaluate("() => JSON.parse(sessionStorage.getItem('dl-class-teacher'))")
    assert secrets["code"] == code and secrets["key"] not in teacher.url  # the key stays out of the address bar
    students = [join(browser, served_app, code, NICKNAME), join(browser, served_app, code, None),
                join(browser, served_app, code, None)]
    teacher.get_by_text("3 students joined").wait_for()
    assert teacher.locator(".dl-class-students li").all_inner_texts() == [NICKNAME, "student 2", "student 3"]
    assert teacher.locator("#live-class b").count() == 0 and students[0].locator("#live-class b").count() == 0
    assert f"you are {NICKNAME}" in students[0].locator(".dl-class-title").inner_text()
    for student in students:
        token = student.evaluate("() => JSON.parse(sessionStorage.getItem('dl-class-student')).token")
        assert token and token not in student.url and f"live={code}" in student.url

    # the teacher's view (tab 1 at t = 700), then tab 2: every student's page follows
    at_700 = f"""() => new URLSearchParams(location.search).get('t') === '700' &&
        [...document.querySelectorAll('input')].some(e => e.getAttribute('aria-label') === '{T_BOX}' &&
        e.value === '700' && e.checkVisibility())"""
    for student in students:
        student.evaluate("() => { window.sameDocument = true; }")  # gone if the page reloaded to follow
    seconds = {"forward t=700": follow_time(teacher, students, at_700)}
    for student in students:
        assert student.get_by_role("tab", selected=True).inner_text() == "1 · Forward noise"
        assert shown(student, T_BOX).input_value() == "700"
    teacher.get_by_role("tab", name="2 · Schedules").click()
    on_tab_2 = """() => [...document.querySelectorAll('[role=tab][aria-selected=true]')]
        .some(e => e.innerText.includes('2 · Schedules'))"""
    seconds["schedules"] = follow_time(teacher, students, on_tab_2)
    students[1].get_by_role("tab", name="4 · Reverse sampling").click()  # a student wanders off…
    seconds["schedules again"] = follow_time(teacher, students, on_tab_2)  # …and the same view calls them back
    assert all(student.evaluate("() => window.sameDocument === true") for student in students)
    print("seconds until each student's page shows the view:", json.dumps(seconds))
    teacher.wait_for_timeout(500)
    assert teacher.get_by_text("3 students joined").count() == 1  # a followed view is not a second join

    ask_number_question(teacher, students)
    ask_choice_question(teacher, students)

    send_to_gallery(teacher, students[0])

    refused = students[1].evaluate("""async (code) => {
        const token = JSON.parse(sessionStorage.getItem('dl-class-student')).token;
        const r = await fetch(`/lab/live/${code}/show`, {method: 'POST', headers: {'Content-Type': 'application/json'},
                              body: JSON.stringify({key: token, view: '?tab=denoise'})});
        return [r.status, (await r.json()).error];
    }""", code)
    assert refused == [403, text(TEACHER_ONLY)]

    teacher.get_by_role("button", name="End the class").click()
    for student in students:
        student.get_by_text(f"The live class {code} has ended.").wait_for()
    answers = teacher.get_by_role("link", name="Download the answers (CSV)")
    assert teacher.request.get(answers.get_attribute("href")).text().count("\n") >= 6  # 2 questions × 3 answers
    handout = teacher.get_by_role("link", name="Download the class handout (PDF)").get_attribute("href")
    assert teacher.request.get(handout).body().startswith(b"%PDF")
    for page in (teacher, *students):
        page.context.close()


def ask_number_question(teacher, students):
    """Move-t question: three answers, the teacher's histogram counts them, the reveal reaches the students."""
    teacher.locator(".dl-class-questions").select_option("forward-lose-picture")
    teacher.get_by_role("button", name="Ask", exact=True).click()
    for student, value in zip(students[:2], (600, 640)):
        student.locator(".dl-class-question[data-state=open]").wait_for()
        answer_number(student, value)
    students[2].get_by_role("button", name="Send my t").click()  # read from tab 1's slider, at 700 since the push
    students[2].get_by_text("Your answer: 700").wait_for()
    teacher.locator(".dl-class-summary[data-answers='3']").wait_for()
    counts = teacher.eval_on_selector_all(".dl-class-bin", "bins => bins.map(b => +b.dataset.count)")
    assert sum(counts) == 3 and max(counts) == 2  # 600 and 640 share a bin of 50
    teacher.get_by_text("Answers (3)").click()  # the teacher hides one answer: it leaves the histogram
    teacher.locator(".dl-class-answers li", has_text="student 3: 700").get_by_role("button", name="Hide").click()
    teacher.locator(".dl-class-summary[data-answers='2']").wait_for()
    assert teacher.locator(".dl-class-answers li[data-hidden=true]").inner_text().startswith("student 3: 700")
    teacher.get_by_role("button", name="Reveal").click()
    for student in students:
        student.locator(".dl-class-question[data-state=revealed] .dl-class-summary[data-answers='2']").wait_for()
    assert "Answer: 259" in students[0].locator(".dl-class-explain").inner_text()
    teacher.locator(".dl-class-question[data-state=revealed]").wait_for()
    teacher.wait_for_timeout(800)
    teacher.screenshot(path=str(OUT / "live_class_teacher_presenter.png"))
    students[0].screenshot(path=str(OUT / "live_class_student_phone.png"))


def ask_choice_question(teacher, students):
    teacher.locator(".dl-class-questions").select_option("schedules-faster-250")
    teacher.get_by_role("button", name="Ask", exact=True).click()
    for student, choice in zip(students, ("linear", "linear", "cosine")):
        student.locator(".dl-class-question[data-state=open] .dl-class-choice-button").first.wait_for()
        student.get_by_role("button", name=choice, exact=True).click()
        student.get_by_text(f"Your answer: {choice}").wait_for()
    teacher.locator(".dl-class-summary[data-answers='3']").wait_for()
    counts = teacher.eval_on_selector_all(".dl-class-choice", "rows => rows.map(r => [r.dataset.choice, "
                                                             "+r.dataset.count])")
    assert dict(counts) == {"linear": 2, "cosine": 1, "quadratic": 0, "sigmoid": 0}
    students[2].screenshot(path=str(OUT / "live_class_student_choice.png"))
    teacher.get_by_role("button", name="Reveal").click()
    students[2].locator(".dl-class-question[data-state=revealed] .dl-class-right").wait_for()
    teacher.wait_for_timeout(500)
    teacher.screenshot(path=str(OUT / "live_class_teacher_choice.png"))


def send_to_gallery(teacher, student):
    """A student sends tab 1's picture with its view; the projector shows it; a click opens its view there."""
    student.get_by_role("tab", name="1 · Forward noise").click()
    student.get_by_role("button", name="Send my picture to the class gallery").click()
    student.wait_for_function("() => document.querySelector('#live-class .dl-class-status').textContent !== ''")
    assert student.locator("#live-class .dl-class-status").inner_text() == "Sent: picture 1 of the class gallery."
    item = teacher.locator(".dl-class-gallery-item[data-picture='1']")
    item.locator("img").wait_for()
    teacher.wait_for_function("() => document.querySelector('.dl-class-gallery-item img').naturalWidth > 0")
    assert item.locator("figcaption").inner_text() == NICKNAME
    teacher.get_by_role("tab", name="4 · Reverse sampling").click()
    item.get_by_role("button", name=f"Open the view of {NICKNAME}'s picture").click()
    teacher.wait_for_function("""() => [...document.querySelectorAll('[role=tab][aria-selected=true]')]
        .some(e => e.innerText.includes('1 · Forward noise'))""")
    teacher.screenshot(path=str(OUT / "live_class_teacher_gallery.png"))
