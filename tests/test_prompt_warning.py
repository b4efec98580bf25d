import hashlib

import numpy as np
import pytest
import torch
from scipy.stats import rankdata

from diffusion_core.text import prompt_lists
from diffusion_core.text.clip import TINY_CLIP, create_clip
from diffusion_core.text.prompt_warning import (
    COEFFICIENTS,
    INTERCEPT,
    THRESHOLD,
    auroc,
    check_prompt,
    fit_logistic,
    fit_warning,
    rates,
    warning_table,
    word_features,
    youden_threshold,
)
from diffusion_core.text.prompts import clean_prompt


def far(prompt: str) -> float:
    return check_prompt(clean_prompt(prompt)[0]).probability


def test_auroc_is_the_mann_whitney_statistic():
    assert auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]) == 0.75  # positives beat negatives in 3 of 4 pairs
    assert auroc([0.5, 0.5], [0, 1]) == 0.5 and auroc([0, 1], [0, 1]) == 1.0 and auroc([1, 0], [0, 1]) == 0.0
    rng = np.random.default_rng(0)
    scores, labels = rng.integers(0, 6, 40).astype(float), rng.integers(0, 2, 40)  # many ties
    n1, n0 = labels.sum(), (1 - labels).sum()
    u = rankdata(scores)[labels == 1].sum() - n1 * (n1 + 1) / 2  # average ranks count a tie one half
    assert auroc(scores, labels) == pytest.approx(u / (n1 * n0))


def test_rates_and_the_threshold_between_the_classes():
    scores, labels = [0.1, 0.2, 0.3, 0.7, 0.8, 0.35], [0, 0, 0, 1, 1, 1]
    assert rates(scores, labels, 0.5) == (pytest.approx(2 / 3), 0.0)
    assert youden_threshold(scores, labels) == pytest.approx(0.325)  # between 0.3 and 0.35: every prompt right
    # 0.25 (a positive) below 0.3 (a negative): 0.225 and 0.5 both give hit - false alarm = 2/3; the later is taken
    assert youden_threshold([0.1, 0.2, 0.3, 0.7, 0.8, 0.25], labels) == pytest.approx(0.5)


def test_logistic_fit_recovers_the_coefficients_of_its_data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4000, 2)) * [1.0, 3.0] + [0.0, 2.0]
    y = (rng.random(4000) < 1 / (1 + np.exp(-(0.5 + x @ [2.0, -1.0])))).astype(float)
    coefficients, intercept = fit_logistic(x, y, l2=1e-6)
    assert coefficients == pytest.approx([2.0, -1.0], abs=0.15) and intercept == pytest.approx(0.5, abs=0.15)


def test_stored_coefficients_are_the_fit_on_the_calibration_half():
    fitted = fit_warning()
    assert fitted["coefficients"] == pytest.approx(list(COEFFICIENTS), abs=1e-3)
    assert fitted["intercept"] == pytest.approx(INTERCEPT, abs=1e-3)
    assert fitted["threshold"] == pytest.approx(THRESHOLD, abs=1e-3)


def test_score_orders_prompts_from_known_to_far():
    ordered = ["a bold seven", "a pair of trousers", "a warm winter coat", "a small dark room", "a cat",
               "the quick brown fox jumps over the lazy dog"]
    scores = [far(p) for p in ordered]
    assert scores == sorted(scores) and scores[2] < THRESHOLD < scores[3]
    assert far("dark ankle boots") == far("a bold seven")  # the plural is read as the caption's singular


def test_the_check_names_what_looks_far():
    check = check_prompt("a photograph of the milky way galaxy")
    assert check.far and check.unknown == ["photograph", "milky", "way", "galaxy"] and not check.names_object
    assert check_prompt("一只猫").foreign and check_prompt("🐱🐶🚀").foreign and not check_prompt("café").names_object
    assert list(word_features("a light t-shirt")) == [1.0, 1.0, 0.0]
    assert check_prompt("?????").unknown == ["?????"]


def test_prompt_lists_and_their_split_are_stable():
    known, unknown = prompt_lists.in_domain(), prompt_lists.OUT_OF_DOMAIN
    assert len(set(known)) == len(known) >= 120 and len(set(unknown)) == len(unknown) >= 120
    assert not set(known) & set(unknown)
    for prompts in (known, unknown):
        calibration, held_out = prompt_lists.split(prompts)
        assert sorted(calibration + held_out) == sorted(prompts) and len(calibration) - len(held_out) in (0, 1)
        assert prompt_lists.split(prompts) == (calibration, held_out)
    held, labels = prompt_lists.labelled(1)
    digest = hashlib.sha256("\n".join(held).encode()).hexdigest()[:12]
    assert (len(held), int(labels.sum()), digest) == (141, 73, "cdd204117197")


def test_warning_table_rows_and_sizes():
    torch.manual_seed(0)
    table = warning_table(create_clip(TINY_CLIP), ["a cat", "a bold seven"])
    assert [row["warns_when"] for row in table["rows"]][0] == "similarity < 0.35"
    assert table["sizes"]["held_out"] == {"in_domain": 68, "out_of_domain": 73}
    new = table["rows"][-1]
    assert new["auroc"] > 0.95 and new["hit_rate"] >= 0.9 and new["false_alarm_rate"] <= 0.1
    assert table["examples"]["a cat"]["warned"] and not table["examples"]["a bold seven"]["warned"]


def test_the_text_models_stored_table_is_what_the_code_measures():
    """pretrained/text_cond/evaluation.json holds the table its card and the README show; it must stay current."""
    from diffusion_core.evaluation.folder import read_evaluation
    from diffusion_core.text.clip import load_clip_dir
    from diffusion_core.text.prompt_lists import MUST_NOT_WARN, MUST_WARN
    from tests.conftest import ROOT

    stored = read_evaluation(ROOT / "pretrained" / "text_cond")["prompt_warning"]
    measured = warning_table(load_clip_dir(ROOT / "pretrained" / "tiny_clip"), MUST_WARN + MUST_NOT_WARN)
    assert measured.keys() == stored.keys() and measured["held_out_errors"] == stored["held_out_errors"]
    for new, old in zip(measured["rows"], stored["rows"]):
        assert new["warns_when"] == old["warns_when"]
        assert [new[k] for k in ("auroc", "hit_rate", "false_alarm_rate")] == pytest.approx(
            [old[k] for k in ("auroc", "hit_rate", "false_alarm_rate")], abs=1e-6)
