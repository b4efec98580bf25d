"""The emoji prompt lists (diffusion_core/text/emoji_prompt_lists.py) and, when the emoji data is here, the
warning's figures on them with the emoji domain built from the data (skips without ../shared/data/emoji)."""
import hashlib

import pytest

from diffusion_core.data import DatasetNotFound
from diffusion_core.text import emoji_prompt_lists, prompt_lists
from diffusion_core.text.prompt_warning import THRESHOLD


def test_the_lists_and_their_split_are_stable():
    known, unknown = emoji_prompt_lists.IN_DOMAIN, emoji_prompt_lists.OUT_OF_DOMAIN
    assert len(set(known)) == len(known) >= 80 and len(set(unknown)) == len(unknown) >= 60
    assert not set(known) & set(unknown)
    for prompts in (known, unknown):
        calibration, held_out = prompt_lists.split(prompts)
        assert sorted(calibration + held_out) == sorted(prompts) and len(calibration) - len(held_out) in (0, 1)
    held, labels = emoji_prompt_lists.labelled(1)
    digest = hashlib.sha256("\n".join(held).encode()).hexdigest()[:12]
    assert (len(held), int(labels.sum()), digest) == (75, 31, "3ea34863d586")


def test_the_stored_coefficients_carry_over_to_the_emoji_data():
    from diffusion_core.emoji import load_emoji
    from diffusion_core.text.prompt_domain import emoji_domain, measure

    try:
        emoji = load_emoji(size=8)  # the size does not matter: words and measured colours only
    except DatasetNotFound:
        pytest.skip("emoji not found in $DIFFUSION_LAB_DATA or ../shared/data (see docs/training.md: Data)")
    table = measure(emoji_domain(emoji), emoji_prompt_lists.labelled(0), emoji_prompt_lists.labelled(1))
    stored, rechosen = table["rows"]
    assert stored["warns_when"] == f"P(far) > {THRESHOLD}"
    assert [stored[k] for k in ("auroc", "hit_rate", "false_alarm_rate")] == pytest.approx([0.9919, 0.7742, 0.0227],
                                                                                          abs=1e-4)
    assert [rechosen[k] for k in ("hit_rate", "false_alarm_rate")] == pytest.approx([1.0, 0.0227], abs=1e-4)
