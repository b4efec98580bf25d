"""lab/live/class_training.py: one training per server (the next teacher hears when it frees up), the engine's
U-Net trained a few steps with its progress reported, stopped when its class ends, and pictures drawn from it."""
import pytest
import torch

from lab.live.asked import LiveError
from lab.live.class_training import CLASS_UNET, TrainingSlot, draw, measure_training, train, train_config


def test_one_training_at_a_time_and_the_next_teacher_hears_when():
    now = [0.0]
    slot = TrainingSlot(clock=lambda: now[0])
    slot.take("AAAAAA", steps=1000)
    slot.expect(170.0)
    with pytest.raises(LiveError, match="it should be done in about 3 minutes") as refused:
        slot.take("BBBBBB", steps=1000)
    assert refused.value.status == 409 and slot.holder == "AAAAAA"
    now[0] = 140.0
    assert slot.time_left() == "about a minute"
    slot.release()
    slot.take("BBBBBB", steps=10)
    assert slot.holder == "BBBBBB"


def test_the_config_is_small_and_writes_nothing():
    cfg = train_config(1000)
    assert (cfg.steps, cfg.batch_size, cfg.num_threads, cfg.warmup_steps) == (1000, 32, 1, 100)
    assert cfg.sample_every == 0 and cfg.checkpoint_every == 0  # nothing goes to disk (train_steps writes nothing)
    assert CLASS_UNET.num_classes == 0 and CLASS_UNET.in_channels == 1 and CLASS_UNET.image_size == 28


def test_a_tiny_training_reports_its_loss_and_pictures():
    x0 = torch.rand(6, 1, 28, 28) * 2 - 1
    reports = []
    model = train(x0, 8, lambda *report: reports.append(report), lambda: False)
    assert [r[0] for r in reports] == list(range(1, 9))  # every step: 8 steps < LOSS_POINTS
    assert all(r[1] > 0 and r[2] > 0 for r in reports)
    assert [r[0] for r in reports if r[3] is not None] == [2, 4, 6, 8]  # four times a training
    assert reports[-1][3].shape == (4, 1, 28, 28)
    assert torch.equal(draw(model, 4, seed=0), reports[-1][3])  # the same four noises (seed 0) as the last report
    assert not any(p.requires_grad for p in model.parameters())  # the EMA weights, for drawing only
    pictures = draw(model, 3, seed=5)
    assert pictures.shape == (3, 1, 28, 28) and pictures.abs().max() <= 1
    assert torch.equal(pictures, draw(model, 3, seed=5))


def test_a_training_writes_nothing_to_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    train(torch.rand(4, 1, 28, 28) * 2 - 1, 2, lambda *r: None, lambda: False)
    assert list(tmp_path.iterdir()) == []


def test_a_training_stops_when_its_class_ends():
    steps = []
    model = train(torch.zeros(4, 1, 28, 28), 50, lambda *r: steps.append(r[0]), lambda: len(steps) >= 2)
    assert model is None and steps == [1, 2]


def test_the_bench_hook_measures_a_training():
    measured = measure_training(torch.rand(4, 1, 28, 28) * 2 - 1, 3)
    assert {"wall_s", "cpu_s", "rss_before_mb", "rss_after_mb", "final_loss"} <= set(measured)
    assert measured["steps"] == 3 and measured["drawings"] == 4 and measured["model"] is not None
