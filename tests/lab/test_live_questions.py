"""lab/live/questions.py: a bank of at least twelve questions over the six tabs, reveals computed by the engine."""
from diffusion_core.schedules import SCHEDULE_NAMES, make_schedule
from lab.lessons.sampling import SAMPLER_LABELS
from lab.live.questions import bank
from lab.view_link import FIELDS, TABS


def test_the_bank_spans_the_six_tabs_with_both_kinds():
    questions = list(bank().values())
    assert len(questions) >= 12
    assert {q.tab for q in questions} == set(TABS)
    assert {q.kind for q in questions} == {"number", "choice"}


def test_every_question_is_answerable_and_its_answer_valid():
    for q in bank().values():
        assert q.prompt and q.explain, q.id
        assert set(q.view) <= set(FIELDS) and q.view.get("tab", q.tab) == q.tab, q.id
        if q.kind == "choice":
            assert len(q.choices) >= 2 and (q.answer is None or q.answer in q.choices), q.id
        else:
            assert q.low < q.high and q.step > 0 and (q.answer is None or q.low <= q.answer <= q.high), q.id


def test_reveals_come_from_the_schedules():
    alpha_bar = {name: make_schedule(name).alphas_cumprod for name in SCHEDULE_NAMES}
    assert bank()["forward-lose-picture"].answer == make_schedule("linear").zero_db_crossing()
    assert bank()["schedules-cosine-0db"].answer == make_schedule("cosine").zero_db_crossing()
    assert bank()["schedules-faster-250"].answer == min(SCHEDULE_NAMES, key=lambda n: alpha_bar[n][250])
    assert bank()["schedules-keeps-750"].answer == max(SCHEDULE_NAMES, key=lambda n: alpha_bar[n][750])
    assert bank()["playground-half-way"].answer == 50


def test_an_answer_read_off_the_teachers_view():
    which = bank()["sampling-which-sampler"]
    assert which.answer_for({"tab": "sampling", "sampler": "ddim"}) == "DDIM"
    assert which.answer_for({"tab": "sampling"}) is None
    assert bank()["sampling-ddim-twice"].answer_for({"sampler": "ddpm"}) == "identical"


def test_a_students_copy_carries_no_answer():
    for q in bank().values():
        public = q.public()
        assert "answer" not in public and "explain" not in public


def test_every_question_reads_in_every_language_and_travels_as_keys():
    """Each page fills a question's words in its own language (lab/static/js/live_words.mjs): the catalogue has them
    in every language, their values fill every {placeholder}, and a choice that is a word has its own key."""
    from lab.i18n import LANGS, catalogue, text

    for q in bank().values():
        seen = q.public()
        assert seen["prompt"] == text(seen["words"]["prompt"], "en", **seen["values"]), q.id
        for lang in LANGS:
            for part in ("prompt", "explain"):
                said = text(seen["words"][part], lang, **seen["values"])
                assert said and "{" not in said, (q.id, lang, part)
        for choice, key in zip(q.choices, seen["words"]["choices"]):
            assert key is None and choice in (*SCHEDULE_NAMES, *SAMPLER_LABELS.values()) or \
                catalogue("en")[key] == choice, (q.id, choice)
    assert bank()["denoise-easier-900"].public()["words"]["choices"] == ["questions.choices.noise",
                                                                          "questions.choices.clean"]
