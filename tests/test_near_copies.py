"""diffusion_core/near_copies.py: nearest training pictures, the near-copy threshold and share on tiny embeddings with
closed-form answers, the report's JSON, and the command on a tiny emoji model over fake emoji."""
import json
import math

import pytest
import torch

from diffusion_core.near_copies import (
    FEATURE_SPACE,
    PIXEL_RMSE,
    REPORT_NAME,
    NearCopyReport,
    check_bank_order,
    load_report,
    near_copy_share,
    near_copy_threshold,
    nearest_other_group,
    nearest_training,
    pixel_nearest,
    pixel_rmse_nearest,
    pixel_threshold,
    save_report,
)


def on_circle(*degrees) -> torch.Tensor:
    """(N, 2) unit vectors at these angles: the cosine of two is the cosine of the angle between them."""
    a = torch.tensor(degrees, dtype=torch.float64) * math.pi / 180
    return torch.stack([a.cos(), a.sin()], dim=1)


# two emoji, two styles each: emoji 0 at 0° and 10°, emoji 1 at 90° and 100°
BANK, GROUPS = on_circle(0, 10, 90, 100), torch.tensor([0, 0, 1, 1])


def test_nearest_training_pictures_come_closest_first():
    bank = torch.eye(3, dtype=torch.float64)  # three pictures along the axes
    sample = torch.tensor([[1.0, 0.5, 0.0]], dtype=torch.float64) / 1.25 ** 0.5
    cos, idx = nearest_training(sample, bank, k=2)
    assert idx.tolist() == [[0, 1]]
    torch.testing.assert_close(cos, torch.tensor([[1, 0.5]], dtype=torch.float64) / 1.25 ** 0.5)
    assert nearest_training(sample, bank, k=10)[1].shape == (1, 3)  # k is at most N


def test_the_other_style_of_the_same_emoji_is_not_another_emoji():
    # each picture's nearest other emoji: 0° -> 90°, 10° -> 90°, 90° -> 10°, 100° -> 10°
    c = nearest_other_group(BANK, GROUPS, chunk=3)  # chunks of rows give the same answer
    torch.testing.assert_close(c, torch.tensor([90, 80, 80, 90], dtype=torch.float64).mul(math.pi / 180).cos())
    own = nearest_other_group(BANK, torch.arange(4))  # each picture its own group: its other style is nearest
    torch.testing.assert_close(own, torch.full((4,), math.cos(math.pi / 18), dtype=torch.float64))


def test_the_threshold_is_a_percentile_of_the_nearest_other_emoji():
    cos80 = math.cos(80 * math.pi / 180)
    assert near_copy_threshold(BANK, GROUPS, 100) == pytest.approx(cos80)
    assert near_copy_threshold(BANK, GROUPS, 0) == pytest.approx(0, abs=1e-12)
    assert near_copy_threshold(BANK, GROUPS, 50) == pytest.approx(cos80 / 2)  # sorted 0, 0, c, c: halfway
    assert near_copy_threshold(BANK, GROUPS) == pytest.approx(cos80)  # 95 %: between the two c


def test_share_is_one_for_copies_and_zero_for_pictures_unlike_any():
    tau = near_copy_threshold(BANK, GROUPS)  # cos 80°
    assert near_copy_share(BANK, BANK, tau) == 1.0  # the training pictures themselves
    bank = torch.cat([BANK, torch.zeros(4, 1, dtype=torch.float64)], 1)  # (4, 3): in the plane z = 0
    tilt = torch.tensor([70.0, 85.0, 90.0], dtype=torch.float64) * math.pi / 180  # away from 0° towards z
    samples = torch.stack([tilt.cos(), torch.zeros(3, dtype=torch.float64), tilt.sin()], 1)
    assert near_copy_share(samples, bank, tau) == pytest.approx(1 / 3)  # cos 70° > cos 80° > cos 85°
    assert near_copy_share(samples[1:], bank, tau) == 0.0


def test_pixel_rmse_is_to_the_pixel_nearest_picture():
    pictures = torch.stack([torch.full((3, 4, 4), v) for v in (-1.0, 0.0, 1.0)])
    samples = torch.stack([torch.full((3, 4, 4), 0.05), torch.full((3, 4, 4), 0.7)])
    torch.testing.assert_close(pixel_rmse_nearest(samples, pictures), torch.tensor([0.05, 0.3]))
    rmse, index = pixel_nearest(samples, pictures)
    assert index.tolist() == [1, 2]  # which picture: 0.0 for the first, 1.0 for the second


def test_the_pixel_threshold_is_a_percentile_of_the_nearest_other_picture():
    pictures = torch.stack([torch.full((1, 4, 4), v) for v in (-1.0, -0.4, 0.6, 1.0)])  # nearest other: .6 .6 .4 .4
    assert pixel_threshold(pictures, 50.0) == pytest.approx(0.5)  # the median of 0.4, 0.4, 0.6, 0.6
    assert pixel_threshold(pictures) == pytest.approx(0.4)  # 5th percentile
    assert pixel_threshold(pictures[:1]) == PIXEL_RMSE  # one picture: nothing to compare with
    assert pixel_threshold(torch.zeros(3, 1, 4, 4)) == PIXEL_RMSE  # twins: never below a copy up to faint noise


def test_the_report_is_saved_as_json_beside_the_model_and_read_back(tmp_path):
    report = NearCopyReport(FEATURE_SPACE, 0.972, 95.0, 504, 0.03, 0.816, pixel_share=0.002, sampling={"n": 1})
    path = save_report(report, tmp_path)
    assert path.name == REPORT_NAME and json.loads(path.read_text())["share"] == 0.03
    assert load_report(tmp_path) == report and load_report(tmp_path / "elsewhere") is None
    sentence = report.sentence()
    assert sentence.startswith("On 504 pictures this model drew, 3.0 % were near-copies of a training emoji")
    assert "than 95 % of training emoji" in sentence and "0.972" in sentence


def test_the_command_measures_a_tiny_emoji_model_and_checks_its_bank(tmp_path):
    from diffusion_core.cli import main
    from diffusion_core.emoji import load_emoji
    from diffusion_core.text.clip import load_clip_dir
    from diffusion_core.text.prior import build_bank_for_model, load_bank
    from tests.fixtures import make_fake_emoji, make_tiny_rgb_model

    emoji_root = make_fake_emoji(tmp_path / "emoji")
    model = make_tiny_rgb_model(tmp_path / "models") / "tiny_rgb"
    build_bank_for_model(model, data_root=emoji_root)
    assert main(["near-copies", str(model), "--samples", "13", "--steps", "2", "--data-root", str(emoji_root)]) == 0
    report = load_report(model)
    assert report.samples == 13 and report.training_pictures == 12 and report.sampling["per_prompt"][:2] == [2, 1]
    assert 0 <= report.share <= 1 and -1 <= report.median_nearest <= 1 and report.feature_space == FEATURE_SPACE
    clip, bank = load_clip_dir(tmp_path / "models" / "tiny_emoji_clip"), load_bank(model)
    pictures = load_emoji(emoji_root).images
    check_bank_order(clip, bank.embeddings, pictures, every=1)
    with pytest.raises(ValueError, match="not the emoji data in load_emoji order"):
        check_bank_order(clip, bank.embeddings.flip(0), pictures, every=1)
    with pytest.raises(ValueError, match="holds 11 pictures and the emoji data 12"):
        check_bank_order(clip, bank.embeddings[:11], pictures)
