"""The question bank: questions inside the six lessons, answered with the tab's own widget (a number such as t) or a
short choice; predict first, then the teacher reveals. Where the answer is a computable value, the engine computes it
(a schedule's ᾱ and 0 dB step, the flow path); where it is the class's own experience ("until you can no longer tell
what the picture is"), the reveal is the class's histogram beside a reference value, or only the histogram.

    bank()["schedules-faster-250"].answer  ->  "linear"  (the smallest ᾱ_250 of the four schedules)

A question's `view` is what the teacher's screen should show while it is asked (a link's values, lab/view_link.py);
`widget` names the tab's widget whose value is the answer (the page fills the answer from it). Each question's words
are in lab/i18n (questions.<id>), in every language."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

import torch

from diffusion_core.flow import path_sample
from diffusion_core.schedules import SCHEDULE_NAMES, make_schedule
from lab.i18n import SOURCE, text
from lab.lessons.sampling import EVALS_PER_STEP, SAMPLER_LABELS
from lab.view_link import TABS

# the choices that are words (schedules and samplers are names, shown as their tabs show them): lab/i18n keys
CHOICES = {"the noise ε": "noise", "the clean picture x0": "clean", "identical": "identical",
           "different": "different", "more alike": "alike", "more varied": "varied", "no different": "no_different",
           "the word's meaning anyway": "meaning", "something from its training pictures": "training",
           "pure noise": "pure_noise", "flow matching": "flow_matching", "DDPM (ε prediction)": "ddpm"}


@dataclass(frozen=True)
class Question:
    """Its words are the catalogue's (lab/i18n: questions.<id>.prompt and .explain), `values` their numbers; a
    choice is kept and answered in English, and each page shows it in its language (questions.choices.<key>)."""
    id: str
    tab: str  # one of view_link.TABS
    kind: str  # "number" or "choice"
    values: dict = field(default_factory=dict)  # the {placeholders} of its prompt and explanation
    answer: float | str | None = None  # the right answer; None: the class's own experiment, no single answer
    answer_from_view: str | None = None  # the answer is this field of the teacher's view when asking ("sampler")
    low: float = 0
    high: float = 0
    step: float = 1
    log_bins: bool = False  # predictions spread over decades (1 … 1000 steps): bins of equal ratio
    choices: tuple[str, ...] = ()
    widget: str | None = None  # the tab's widget that holds a number answer (w.t, w.steps, …)
    view: dict = field(default_factory=dict)

    def words(self) -> dict:
        """The catalogue's keys of its prompt, its explanation and each choice (None: a name, as it is)."""
        return {"prompt": f"questions.{self.id}.prompt", "explain": f"questions.{self.id}.explain",
                "choices": [f"questions.choices.{CHOICES[c]}" if c in CHOICES else None for c in self.choices]}

    @property
    def prompt(self) -> str:
        """In the language of the request being answered."""
        return text(self.words()["prompt"], **self.values)

    @property
    def explain(self) -> str:
        return self.explain_in(None)

    def explain_in(self, lang: str | None) -> str:
        return text(self.words()["explain"], lang, **self.values)

    def choice_words(self, choice: str) -> str:
        """A choice as the request's language says it."""
        return text(f"questions.choices.{CHOICES[choice]}") if choice in CHOICES else choice

    def answer_for(self, view: dict) -> float | str | None:
        """The right answer when asked while the teacher's screen shows `view` (a checked view, lab/view_link.py)."""
        if self.answer_from_view is None:
            return self.answer
        value = view.get(self.answer_from_view)
        value = SAMPLER_LABELS.get(value, value)  # the page shows a sampler by its label
        return value if value in self.choices else None

    def public(self) -> dict:
        """What a student's page gets: the question without its answer; its words in English and as the catalogue's
        keys with their values, which each page fills in its own language (lab/static/js/live_words.mjs)."""
        return {"id": self.id, "tab": self.tab, "prompt": text(self.words()["prompt"], SOURCE, **self.values),
                "kind": self.kind, "low": self.low, "high": self.high, "step": self.step,
                "choices": list(self.choices), "widget": self.widget, "view": self.view, "words": self.words(),
                "values": self.values}


def abar(name: str, t: int) -> float:
    return float(make_schedule(name).alphas_cumprod[t])


def zero_db(name: str) -> int:
    return make_schedule(name).zero_db_crossing()


def t_question(id, tab, values=None, answer=None, schedule="linear") -> Question:
    return Question(id, tab, "number", values or {}, answer, low=0, high=999, widget="t",
                    view={"tab": tab, "schedule": schedule, "T": 1000})


def choice(id, tab, choices, answer, values=None, view=None, answer_from_view=None) -> Question:
    return Question(id, tab, "choice", values or {}, answer, answer_from_view, choices=tuple(choices),
                    view=view or {"tab": tab})


def forward_questions() -> list[Question]:
    lost, left = zero_db("linear"), 100 * math.sqrt(abar("linear", 500))
    return [
        t_question("forward-lose-picture", "forward", {"lost": lost}, lost),
        Question("forward-signal-500", "forward", "number", {"left": f"{left:.0f}", "root": f"{left / 100:.3f}"},
                 round(left), low=0, high=100),
        Question("forward-noise-999", "forward", "number", {"share": f"{1 - abar('linear', 999):.5f}"}, 100,
                 low=0, high=100),
    ]


def schedule_questions() -> list[Question]:
    faster = min(SCHEDULE_NAMES, key=lambda name: abar(name, 250))
    keeps = max(SCHEDULE_NAMES, key=lambda name: abar(name, 750))
    values = ", ".join(f"{name} {abar(name, 250):.3f}" for name in SCHEDULE_NAMES)
    return [
        choice("schedules-faster-250", "schedules", SCHEDULE_NAMES, faster, {"values": values}),
        choice("schedules-keeps-750", "schedules", SCHEDULE_NAMES, keeps,
               {"keeps": keeps, "abar": f"{abar(keeps, 750):.3f}"}),
        t_question("schedules-cosine-0db", "schedules", {"cosine": zero_db("cosine"), "linear": zero_db("linear")},
                   zero_db("cosine"), schedule="cosine"),
    ]


def denoise_questions() -> list[Question]:
    signal, noise = math.sqrt(abar("linear", 900)), math.sqrt(1 - abar("linear", 900))
    return [
        choice("denoise-easier-900", "denoise", ("the noise ε", "the clean picture x0"), "the noise ε",
               {"signal": f"{signal:.3f}", "noise": f"{noise:.4f}"}, {"tab": "denoise", "t": 900}),
        t_question("denoise-lose-x0", "denoise"),
    ]


def sampling_questions() -> list[Question]:
    twice = tuple(SAMPLER_LABELS[s] for s in ("euler", "heun"))
    return [
        Question("sampling-ddim-steps", "sampling", "number", low=1, high=1000, log_bins=True, widget="steps",
                 view={"tab": "sampling", "sampler": "ddim", "steps": 50}),
        choice("sampling-which-sampler", "sampling", tuple(SAMPLER_LABELS.values()), None, view={"tab": "sampling"},
               answer_from_view="sampler"),
        choice("sampling-ddim-twice", "sampling", ("identical", "different"), "identical",
               view={"tab": "sampling", "sampler": "ddim"}),
        choice("sampling-two-evals", "sampling", twice,
               next(label for s, label in zip(("euler", "heun"), twice) if EVALS_PER_STEP.get(s) == 2)),
    ]


def text_questions() -> list[Question]:
    return [
        choice("text-guidance-alike", "text", ("more alike", "more varied", "no different"), "more alike",
               view={"tab": "text", "guidance": 1}),
        choice("text-unknown-word", "text", ("the word's meaning anyway", "something from its training pictures",
                                             "pure noise"), "something from its training pictures"),
    ]


def playground_questions() -> list[Question]:
    x0, eps = torch.ones(1, 1, 1, 1), torch.zeros(1, 1, 1, 1)
    data_share = round(100 * float(path_sample(x0, 0.5, eps)[0]))
    return [
        choice("playground-straight", "playground", ("flow matching", "DDPM (ε prediction)"), "flow matching"),
        Question("playground-half-way", "playground", "number", {"share": data_share}, data_share, low=0, high=100),
        Question("playground-euler-steps", "playground", "number", low=1, high=1000, log_bins=True,
                 widget="num_steps", view={"tab": "playground"}),
    ]


@cache
def bank() -> dict[str, Question]:
    questions = [*forward_questions(), *schedule_questions(), *denoise_questions(), *sampling_questions(),
                 *text_questions(), *playground_questions()]
    assert {q.tab for q in questions} == set(TABS)
    return {q.id: q for q in questions}
