import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lab.i18n import words
from lab.lessons.sampling import render_frame
from lab.tabs.sampling import batch_description
from tests.lab.messages import refusal


@pytest.fixture
def tab(demo):
    return demo.tabs.sampling.handlers


def picture(update):
    """The picture of an image's update (the tab sends its alt text with it)."""
    return update["value"] if isinstance(update, dict) else update


def test_sampling_handlers(tab):
    outputs = list(tab.run_sampler("tiny_cond", "dpm_solver_pp", 6, 0.0, 1, 3, -1, 2.0))
    frame, status, frames, _ = outputs[-1]
    assert "step 6/6" in status and len(frames) == 7 and picture(frame).ndim == 3
    assert "a batch of 6: conditional + unconditional" in status and "with TorchScript" in status  # w=2, 3 images
    scrubbed, showing = tab.scrub(frames, 0)
    assert np.array_equal(picture(scrubbed), render_frame(frames[0])) and "step 0/6" in scrubbed["alt_text"]
    assert np.array_equal(picture(frame), render_frame(frames[-1]))
    gif, mp4, strip = tab.export(frames)
    assert gif.endswith(".gif") and mp4.endswith(".mp4")
    assert Image.open(gif).n_frames == 7 and Image.open(strip).size[0] > 0
    *_, (_, limited, _, _) = tab.run_sampler("tiny_cond", "ddim", 20, 0.0, 1, 2, 3, 2.0, True)
    assert "step 20/20" in limited and "where 0.28 < σ_t ≤ 5.42" in limited
    compared = tab.all_samplers("tiny_cond", 4, 0, 2, 3, 1.0)
    assert [c[1].split(":")[0] for c in compared] == ["DDPM (ancestral)", "DDIM", "DPM-Solver++(2M)",
                                                      "DPM-Solver++(2M) SDE"]


def test_a_repeated_request_is_replayed_from_the_class_cache(tab):
    first = list(tab.run_sampler("tiny_cond", "ddim", 4, 0.0, 42, 2, 5, 2.0))[-1]
    again = list(tab.run_sampler("tiny_cond", "ddim", 4, 0.0, 42, 2, 5, 2.0))
    assert len(again) == 1 and "computed once" in again[-1][1] and "computed once" not in first[1]
    assert np.array_equal(picture(again[-1][0]), picture(first[0])) and len(again[-1][2]) == len(first[2])
    other_seed = list(tab.run_sampler("tiny_cond", "ddim", 4, 0.0, 43, 2, 5, 2.0))[-1]
    assert not np.array_equal(picture(other_seed[0]), picture(first[0]))


def test_class_choices_follow_the_model(tab):
    assert [c[1] for c in tab.class_choices("tiny_cond").choices][:2] == [-1, -2]
    assert [(words(label, "en"), value) for label, value in tab.class_choices("tiny_text").choices] == [
        ("(unconditional model)", -1)]
    assert batch_description(4, False, 3.0, None) == "a batch of 4"


@pytest.mark.parametrize("call,expected", [
    (lambda tab: list(tab.run_sampler("tiny_cond", "ddim", 0, 0, 0, 1, -1, 1)), "steps must be between"),
    (lambda tab: list(tab.run_sampler("missing", "ddim", 5, 0, 0, 1, -1, 1)), "not loaded"),
    (lambda tab: tab.all_samplers("tiny_cond", 5, 0, 99, -1, 1), "number of images must be between"),
    (lambda tab: tab.export([]), "Generate on the server first"),
    (lambda tab: list(tab.run_sampler("tiny_cond", "ddim", 5, 0, None, 1, -1, 1)), "seed box is empty"),
    (lambda tab: list(tab.run_sampler("tiny_cond", "ddim", 5, 0, 10**40, 1, -1, 1)), "seed must be between"),
])
def test_bad_input_gives_a_message_not_a_trace(tab, call, expected):
    assert re.search(expected, refusal(lambda: call(tab)))


def test_a_flow_matching_model_gets_its_own_samplers(flow_demo):
    tab = flow_demo.tabs.sampling.handlers
    label, sampler, about = tab.model_changed("tiny_flow")
    assert [c[1] for c in sampler.choices] == ["euler", "heun", "midpoint"] and "Flow matching" in about
    assert [c[1] for c in tab.model_changed("tiny_cond")[1].choices][:2] == ["ddpm", "ddim"]
    *_, (frame, status, frames, _) = tab.run_sampler("tiny_flow", "heun", 4, 0.0, 0, 2, 3, 2.0, True)
    assert "step 4/4" in status and "8 model evaluations" in status and len(frames) == 5 and picture(frame).ndim == 3
    compared = tab.all_samplers("tiny_flow", 3, 0, 2, -1, 1.0)
    assert [c[1].split(":")[0] for c in compared] == ["Euler (flow)", "Heun (flow, 2nd order)",
                                                      "midpoint (flow, 2nd order)"]
    assert re.search("not a sampler of this model",
                     refusal(lambda: list(tab.run_sampler("tiny_flow", "ddim", 4, 0.0, 0, 2, 3, 2.0))))


def test_a_colour_model_samples_in_colour_on_the_server_and_for_the_browser(rgb_demo, rgb_classroom):
    assert rgb_classroom.text_model == "tiny_text" and "tiny_rgb" not in rgb_classroom.zoo.problems
    tab = rgb_demo.tabs.sampling.handlers
    frame = picture(list(tab.run_sampler("tiny_rgb", "ddim", 3, 0.0, 0, 2, -1, 1.0, True))[-1][0])
    assert frame.ndim == 3 and frame.shape[2] == 3 and frame[..., 0].std() > 0
    payload = tab.start("browser", "tiny_rgb", "ddim", 3, 0.0, 0, 2, -1, 1.0, True)[0]
    assert payload["plan"]["shape"] == [3, 32, 32] and payload["model"]["conditioning"]["kind"] == "vector"


def test_a_colour_models_gif_mp4_and_strip_are_in_colour(rgb_demo):
    tab = rgb_demo.tabs.sampling.handlers
    frames = list(tab.run_sampler("tiny_rgb", "ddim", 3, 0.0, 0, 2, -1, 1.0, True))[-1][2]
    gif, mp4, strip = map(Path, tab.export(frames))

    def colourful(rgb: np.ndarray) -> bool:  # (H, W, 3): the channels differ, not three copies of one grey
        rgb = rgb.astype(int)
        return np.abs(rgb[..., 0] - rgb[..., 1]).mean() > 5 and np.abs(rgb[..., 1] - rgb[..., 2]).mean() > 5

    with Image.open(gif) as im:
        im.seek(im.n_frames - 1)
        assert colourful(np.asarray(im.convert("RGB")))
    with Image.open(strip) as im:
        assert colourful(np.asarray(im.convert("RGB")))
    import av

    with av.open(str(mp4)) as video:
        assert colourful(next(video.decode(video=0)).to_ndarray(format="rgb24"))


def test_a_script_s_sample_gives_the_finished_pictures(tab):
    import gradio as gr

    pictures, how = tab.sample("tiny_cond", "ddim", 3, 0, 2, -1, 2.0)
    assert len(pictures) == 2 and pictures[0].shape == (28, 28, 3) and how.startswith("2 pictures · model tiny_cond")
    with pytest.raises(gr.Error, match="not a sampler of this model"):
        tab.sample("tiny_cond", "euler", 3, 0, 2, -1, 2.0)
