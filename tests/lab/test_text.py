import pytest
import torch

from diffusion_core.models import UNetConfig, build_model
from diffusion_core.pipeline import Pipeline
from diffusion_core.schedules import make_schedule
from diffusion_core.text.clip import TINY_CLIP, create_clip
from diffusion_core.text.prior import ImageBank
from diffusion_core.text.prompts import concepts
from lab.lessons.text import TextStudio


@pytest.fixture(scope="module")
def studio():
    torch.manual_seed(0)
    clip = create_clip(TINY_CLIP)
    model = build_model(UNetConfig(base_channels=8, channel_mults=(1, 2), attention_levels=(), cond_dim=64)).eval()
    return TextStudio(clip, Pipeline(model, make_schedule("cosine")), torch.rand(20, 1, 28, 28) * 2 - 1)


def test_inspector_ranks_concepts_and_finds_neighbours(studio):
    report = studio.inspect("eine Katze 🐈 auf dem Sofa", k=3)  # non-English, emoji: a result, not a crash
    scores = [s for _, _, s in report.similarities]
    assert scores == sorted(scores, reverse=True) and len(scores) == len(concepts())
    assert report.nearest.shape == (3, 1, 28, 28) and len(report.nearest_scores) == 3


def test_generation_from_text_with_guidance(studio):
    steps = list(studio.generate("a bold seven", n=2, sampler="ddim", num_steps=3, guidance_scale=3.0))
    assert len(steps) == 4 and steps[-1].xt.shape == (2, 1, 28, 28)
    a = list(studio.generate("a bold seven", n=2, num_steps=3, seed=5))[-1].xt
    b = list(studio.generate("a bold seven", n=2, num_steps=3, seed=5))[-1].xt
    assert torch.equal(a, b)


def test_prior_changes_the_condition_and_names_what_it_retrieved(studio):
    bank = ImageBank.build(studio.clip, {"mnist": (studio.reference, torch.arange(20) % 10)})
    with_bank = TextStudio(studio.clip, studio.pipe, studio.reference, bank)
    raw, prior = with_bank.condition("a bold seven", use_prior=False), with_bank.condition("a bold seven")
    assert torch.equal(raw, studio.embed("a bold seven")) and not torch.allclose(raw, prior)
    assert torch.allclose(prior.norm(dim=-1), torch.ones(1))
    report = with_bank.inspect("a bold seven")
    assert sum(n for _, n in report.prior_classes) == 20 and report.prior_classes[0][0].startswith("mnist: ")
    assert studio.inspect("a bold seven").prior_classes == []  # no bank: no prior


def test_shipped_clip_warns_far_prompts_and_not_known_ones(shipped_clip):
    from diffusion_core.text.prompt_lists import MUST_NOT_WARN, MUST_WARN

    studio = TextStudio(shipped_clip, None, torch.rand(4, 1, 28, 28) * 2 - 1)
    for prompt in MUST_WARN:
        warning = studio.inspect(prompt, k=2).warning
        assert warning and "handwritten digits and ten kinds of clothing" in warning and "(similarity 0." in warning
    assert all(studio.inspect(prompt, k=2).warning is None for prompt in MUST_NOT_WARN)
    assert "the word 'cat' never appeared" in studio.inspect("a cat").warning
    assert "letters or emoji" in studio.inspect("一只猫").warning


@pytest.fixture(scope="module")
def shipped_clip():
    from diffusion_core.text.clip import load_clip_dir
    from tests.conftest import ROOT

    return load_clip_dir(ROOT / "pretrained" / "tiny_clip")
