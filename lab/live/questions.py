"""The question bank: questions inside the six lessons, answered with the tab's own widget (a number such as t) or a
short choice; predict first, then the teacher reveals. Where the answer is a computable value, the engine computes it
(a schedule's ᾱ and 0 dB step, the flow path); where it is the class's own experience ("until you can no longer tell
what the picture is"), the reveal is the class's histogram beside a reference value, or only the histogram.

    bank()["schedules-faster-250"].answer  ->  "linear"  (the smallest ᾱ_250 of the four schedules)

A question's `view` is what the teacher's screen should show while it is asked (a link's values, lab/view_link.py);
`widget` names the tab's widget whose value is the answer (the page fills the answer from it)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

import torch

from diffusion_core.flow import path_sample
from diffusion_core.schedules import SCHEDULE_NAMES, make_schedule
from lab.lessons.sampling import EVALS_PER_STEP, SAMPLER_LABELS
from lab.view_link import TABS


@dataclass(frozen=True)
class Question:
    id: str
    tab: str  # one of view_link.TABS
    prompt: str
    kind: str  # "number" or "choice"
    explain: str = ""  # what the reveal says, beside the class's answers
    answer: float | str | None = None  # the right answer; None: the class's own experiment, no single answer
    answer_from_view: str | None = None  # the answer is this field of the teacher's view when asking ("sampler")
    low: float = 0
    high: float = 0
    step: float = 1
    log_bins: bool = False  # predictions spread over decades (1 … 1000 steps): bins of equal ratio
    choices: tuple[str, ...] = ()
    widget: str | None = None  # the tab's widget that holds a number answer (w.t, w.steps, …)
    view: dict = field(default_factory=dict)

    def answer_for(self, view: dict) -> float | str | None:
        """The right answer when asked while the teacher's screen shows `view` (a checked view, lab/view_link.py)."""
        if self.answer_from_view is None:
            return self.answer
        value = view.get(self.answer_from_view)
        value = SAMPLER_LABELS.get(value, value)  # the page shows a sampler by its label
        return value if value in self.choices else None

    def public(self) -> dict:
        """What a student's page gets: the question without its answer."""
        return {"id": self.id, "tab": self.tab, "prompt": self.prompt, "kind": self.kind, "low": self.low,
                "high": self.high, "step": self.step, "choices": list(self.choices), "widget": self.widget,
                "view": self.view}


def abar(name: str, t: int) -> float:
    return float(make_schedule(name).alphas_cumprod[t])


def zero_db(name: str) -> int:
    return make_schedule(name).zero_db_crossing()


def t_question(id, tab, prompt, explain, answer=None, schedule="linear") -> Question:
    return Question(id, tab, prompt, "number", explain, answer, low=0, high=999, widget="t",
                    view={"tab": tab, "schedule": schedule, "T": 1000})


def choice(id, tab, prompt, choices, answer, explain, view=None, answer_from_view=None) -> Question:
    return Question(id, tab, prompt, "choice", explain, answer, answer_from_view, choices=tuple(choices),
                    view=view or {"tab": tab})


def forward_questions() -> list[Question]:
    lost, left = zero_db("linear"), 100 * math.sqrt(abar("linear", 500))
    return [
        t_question("forward-lose-picture", "forward", "Move t until you can no longer tell what the picture is.",
                   f"From t = {lost} the linear schedule's noise outweighs the signal (SNR below 0 dB); compare "
                   "where the class lost the picture.", lost),
        Question("forward-signal-500", "forward", "Linear schedule, t = 500: how much of the picture's amplitude "
                 "is left in x_t, in % (√ᾱ_t)?", "number", f"√ᾱ_500 = {left / 100:.3f}: x_t keeps {left:.0f} % of "
                 "the picture, under noise of standard deviation √(1 − ᾱ_t).", round(left), low=0, high=100),
        Question("forward-noise-999", "forward", "Linear schedule, t = 999: what share of x_t's variance is noise, "
                 "in %?", "number", f"1 − ᾱ_999 = {1 - abar('linear', 999):.5f}: x_T is noise for all purposes, "
                 "which is why sampling can start from pure noise.", 100, low=0, high=100),
    ]


def schedule_questions() -> list[Question]:
    faster = min(SCHEDULE_NAMES, key=lambda name: abar(name, 250))
    keeps = max(SCHEDULE_NAMES, key=lambda name: abar(name, 750))
    values = ", ".join(f"{name} {abar(name, 250):.3f}" for name in SCHEDULE_NAMES)
    return [
        choice("schedules-faster-250", "schedules", "Which schedule destroys the image faster at t = 250?",
               SCHEDULE_NAMES, faster, f"ᾱ_250: {values}; the smallest keeps the least of the picture."),
        choice("schedules-keeps-750", "schedules", "Which schedule keeps the most signal at t = 750?", SCHEDULE_NAMES,
               keeps, f"{keeps}: ᾱ_750 = {abar(keeps, 750):.3f}, the largest of the four."),
        t_question("schedules-cosine-0db", "schedules", "At which t does the cosine schedule's SNR fall below 0 dB?",
                   f"t = {zero_db('cosine')} for cosine, t = {zero_db('linear')} for linear: cosine spends more "
                   "steps where the picture can still be seen.", zero_db("cosine"), schedule="cosine"),
    ]


def denoise_questions() -> list[Question]:
    signal, noise = math.sqrt(abar("linear", 900)), math.sqrt(1 - abar("linear", 900))
    return [
        choice("denoise-easier-900", "denoise", "At t = 900, what can the network predict better: the noise ε or "
               "the clean picture x0?", ("the noise ε", "the clean picture x0"), "the noise ε",
               f"Linear schedule: x_900 = {signal:.3f}·x0 + {noise:.4f}·ε. x_t is almost ε itself, while x0 "
               "must be guessed from what little is left.", {"tab": "denoise", "t": 900}),
        t_question("denoise-lose-x0", "denoise", "Move t until the predicted x0 no longer shows your picture.",
                   "No single answer: it depends on the model and the picture. Compare with tab 1, where the "
                   "class lost the picture in x_t itself."),
    ]


def sampling_questions() -> list[Question]:
    twice = tuple(SAMPLER_LABELS[s] for s in ("euler", "heun"))
    return [
        Question("sampling-ddim-steps", "sampling", "Predict how many DDIM steps a clean digit needs.", "number",
                 "Now try it with one seed: 5, 10, 20, 50 steps.", low=1, high=1000, log_bins=True, widget="steps",
                 view={"tab": "sampling", "sampler": "ddim", "steps": 50}),
        choice("sampling-which-sampler", "sampling", "Which sampler drew this trajectory?",
               tuple(SAMPLER_LABELS.values()), None, "The sampler on the teacher's screen.", {"tab": "sampling"},
               answer_from_view="sampler"),
        choice("sampling-ddim-twice", "sampling", "DDIM with η = 0, run twice from the same seed: the two pictures "
               "are…", ("identical", "different"), "identical", "With η = 0 DDIM adds no fresh noise: x_T (the "
               "seed) decides every step.", {"tab": "sampling", "sampler": "ddim"}),
        choice("sampling-two-evals", "sampling", "Which sampler calls the network twice per step?", twice,
               next(label for s, label in zip(("euler", "heun"), twice) if EVALS_PER_STEP.get(s) == 2),
               "Heun takes an Euler step, evaluates the network again at its end, and averages the two slopes."),
    ]


def text_questions() -> list[Question]:
    return [
        choice("text-guidance-alike", "text", "Raise guidance w from 1 to 5: the pictures for one prompt get…",
               ("more alike", "more varied", "no different"), "more alike", "Guidance pushes every sample toward "
               "what the prompt makes most likely: better matches, less variety.", {"tab": "text", "guidance": 1}),
        choice("text-unknown-word", "text", "Type a word the model never saw in its captions. It draws…",
               ("the word's meaning anyway", "something from its training pictures", "pure noise"),
               "something from its training pictures", "A model can only recombine what it was trained on; the "
               "tab warns about words outside its captions."),
    ]


def playground_questions() -> list[Question]:
    x0, eps = torch.ones(1, 1, 1, 1), torch.zeros(1, 1, 1, 1)
    data_share = round(100 * float(path_sample(x0, 0.5, eps)[0]))
    return [
        choice("playground-straight", "playground", "Which objective learns straight paths from noise to data?",
               ("flow matching", "DDPM (ε prediction)"), "flow matching", "Flow matching's x_t = (1 − t)·x0 + t·ε "
               "is a straight line; a DDPM schedule's path curves (√ᾱ and √(1 − ᾱ) do not add to 1)."),
        Question("playground-half-way", "playground", "Flow matching at t = 0.5: what share of x_t is the data, "
                 "in %?", "number", f"x_0.5 = 0.5·x0 + 0.5·ε: {data_share} % data.", data_share, low=0, high=100),
        Question("playground-euler-steps", "playground", "How many Euler steps until the two moons look sharp?",
                 "number", "Try it: 1, 3, 10, 100 steps. A straighter learned path needs fewer.", low=1, high=1000,
                 log_bins=True, widget="num_steps", view={"tab": "playground"}),
    ]


@cache
def bank() -> dict[str, Question]:
    questions = [*forward_questions(), *schedule_questions(), *denoise_questions(), *sampling_questions(),
                 *text_questions(), *playground_questions()]
    assert {q.tab for q in questions} == set(TABS)
    return {q.id: q for q in questions}
