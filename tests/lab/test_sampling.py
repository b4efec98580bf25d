import numpy as np
import pytest
import torch

from diffusion_core.samplers import SAMPLERS, SamplerStep
from lab.lessons.sampling import compare_samplers, export_trajectory, frame_of, labels_for, record_frames, render_frame
from lab.zoo import Zoo
from tests.fixtures import make_tiny_models


def test_labels_render_compare_export(tmp_path):
    zoo = Zoo.load(make_tiny_models(tmp_path / "m"))
    pipe = zoo.get("tiny_cond")
    assert labels_for(pipe, 12, -1).tolist() == list(range(10)) + [0, 1] and labels_for(pipe, 2, 3).tolist() == [3, 3]
    assert labels_for(zoo.get("tiny_notime"), 2, 3) is None and labels_for(pipe, 2, -2) is None
    steps = list(pipe.sample(4, labels=[1, 2, 3, 4], num_steps=3))
    frames = [frame_of(s, nrow=2) for s in steps]
    picture = render_frame(frames[0])
    assert picture.shape[1] > 2 * picture.shape[0] and frames[0].xt.shape == (4, 28, 28, 1)
    gif, mp4, strip = export_trajectory(frames, tmp_path / "out")  # PyAV is in requirements.txt
    assert gif.exists() and strip.exists() and mp4.suffix == ".mp4"
    import av

    with av.open(str(mp4)) as video:  # a real, decodable video: every frame plus a second holding the last one
        decoded = [f.to_ndarray(format="rgb24") for f in video.decode(video=0)]
    assert len(decoded) >= len(frames) and decoded[0].shape[0] % 2 == 0
    assert decoded[0].shape[:2] == tuple(d + d % 2 for d in picture.shape[:2])
    rows = compare_samplers(pipe, 2, -1, 0, 3, 1.0)
    assert len(rows) == len(SAMPLERS) == 4 and all(isinstance(img, np.ndarray) for img, _ in rows)


@pytest.mark.parametrize("num_steps, expected_frames", [(1000, 101), (50, 51), (3, 4)])
def test_record_frames_keeps_about_a_hundred_evenly_spaced(num_steps, expected_frames):
    steps = (SamplerStep(i, num_steps - 1 - i, torch.zeros(2, 1, 4, 4), torch.zeros(2, 1, 4, 4))
             for i in range(num_steps + 1))
    seen = [(step.index, len(frames)) for step, frames in record_frames(steps, num_steps, nrow=2)]
    assert seen[-1] == (num_steps, expected_frames) and seen[0] == (0, 1)
    assert all(b >= a for (_, a), (_, b) in zip(seen, seen[1:]))  # one list, growing in place


def test_picture_sizes_name_each_kind_of_model_with_its_models():
    from types import SimpleNamespace

    from lab.lessons.sampling import picture_sizes

    def pipe(size, channels):
        return SimpleNamespace(config=SimpleNamespace(image_size=size, in_channels=channels))

    served = {"mnist_fast": pipe(28, 1), "emoji_text": pipe(32, 3), "text_cond": pipe(28, 1)}
    assert picture_sizes(served) == "**28×28 grey** (mnist_fast, text_cond), **32×32 colour** (emoji_text)"
    assert picture_sizes({}) == "no model is loaded"
