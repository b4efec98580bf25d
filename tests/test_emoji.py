"""The emoji reader (diffusion_core/emoji.py) on a fake emoji folder written in tmp_path: no ../shared needed."""
import numpy as np
import pytest
import torch

from diffusion_core.data import DatasetNotFound
from diffusion_core.emoji import (
    CATEGORIES,
    COLOURS,
    STYLES,
    colour_words,
    dataset_style,
    find_emoji_root,
    held_out,
    load_emoji,
    phrases,
    picture_files,
    pixel_colours,
)
from tests.fixtures import FAKE_EMOJI, make_fake_emoji


@pytest.fixture
def emoji_root(tmp_path):
    return make_fake_emoji(tmp_path / "data" / "emoji")


def test_both_styles_load_composed_on_white_at_32_and_64(emoji_root):
    for size in (32, 64):
        emoji = load_emoji(emoji_root, size=size)
        assert emoji.images.shape == (2 * len(FAKE_EMOJI), 3, size, size) and len(emoji) == 12
        assert emoji.images.min() >= -1 and emoji.images.max() <= 1
        torch.testing.assert_close(emoji.images[:, :, 0, 0], torch.ones(12, 3))  # transparent corner -> white
    assert emoji.styles.tolist() == [0] * 6 + [1] * 6 and emoji.keys.tolist() == list(range(6)) * 2
    assert [CATEGORIES[c] for c in emoji.categories[:3].tolist()] == ["Smileys & Emotion"] * 2 + ["Flags"]
    heart = emoji.images[0, :, 32, 32]  # the centre of the red disc, (220, 30, 40) in [-1, 1]
    torch.testing.assert_close(heart, torch.tensor([220, 30, 40]) / 127.5 - 1, atol=0.02, rtol=0)


def test_the_folder_is_found_under_a_data_root_or_named_directly(emoji_root, monkeypatch):
    assert find_emoji_root(emoji_root) == emoji_root
    assert find_emoji_root(emoji_root.parent) == emoji_root  # <root>/emoji
    monkeypatch.setenv("DIFFUSION_LAB_DATA", str(emoji_root.parent))
    assert find_emoji_root() == emoji_root
    with pytest.raises(DatasetNotFound, match="emoji not found"):
        find_emoji_root(emoji_root / "nowhere")
    assert len(load_emoji(emoji_root, styles=("twitter",))) == 6 and len(load_emoji(emoji_root, limit=2)) == 4


def test_picture_files_are_load_emoji_s_rows_without_reading_a_picture(emoji_root):
    emoji, files = load_emoji(emoji_root, limit=4), picture_files(emoji_root, limit=4)
    assert [s for s, _, _ in files] == emoji.styles.tolist() and [e["key"] for _, e, _ in files] == emoji.keys.tolist()
    assert [phrases(e) for _, e, _ in files] == emoji.names and all(path.is_file() for *_, path in files)
    assert files[4][2].parts[-3:] == ("twitter", "img64", "2764.png")


def test_skin_tones_are_skipped_unless_asked(emoji_root):
    assert len(load_emoji(emoji_root)) == 12
    with_tones = load_emoji(emoji_root, skin_tones=True)
    assert len(with_tones) == 14 and with_tones.names.count(["waving hand sign", "wave"]) == 4


def test_pixel_colours_follow_hue_saturation_and_value():
    named = {(220, 30, 40): "red", (244, 144, 12): "orange", (255, 204, 77): "yellow", (60, 180, 60): "green",
             (60, 90, 220): "blue", (140, 60, 200): "purple", (250, 150, 200): "pink", (191, 105, 82): "brown",
             (120, 70, 20): "brown", (10, 10, 10): "black", (250, 250, 250): "white", (128, 128, 128): "grey"}
    rgb = np.array(list(named), dtype=np.float64) / 255
    assert [COLOURS[c] for c in pixel_colours(rgb)] == list(named.values())


def test_colour_words_name_the_dominant_colour_and_a_second_one_when_it_is_large():
    rgba = np.zeros((64, 64, 4), np.uint8)
    assert colour_words(rgba) == []  # nothing opaque
    rgba[:, :, 3] = 255
    rgba[:, :, :3] = (255, 255, 255)
    rgba[20:44, 20:44, :3] = (220, 30, 40)  # 14 % red: too little for a second word
    assert colour_words(rgba) == ["white"]
    rgba[16:48, 16:48, :3] = (220, 30, 40)  # 25 % red
    assert colour_words(rgba) == ["white", "red"]


def test_captions_name_the_emoji_with_its_colours(emoji_root):
    emoji = load_emoji(emoji_root)
    assert phrases({"name": "Japan Flag", "short_names": ["jp", "flag-jp"]}) == ["flag of japan", "japan flag"]
    assert (phrases({"name": "THUMBS UP SIGN", "short_names": ["+1", "thumbsup", "u7533"]})
            == ["thumbs up sign", "thumbsup"])
    assert emoji.plain_caption(0) == "a red heavy black heart"
    assert emoji.plain_caption(1) == "a yellow smiling face with sunglasses"
    assert emoji.plain_caption(2) == "a white and red flag of japan"
    assert emoji.plain_caption(3) == "an orange heart"  # the colour the name says is not repeated; "an" before a vowel
    assert emoji.plain_caption(5) == "a green apple"
    captions = [emoji.caption(1, choice) for choice in range(40)]
    assert captions == [emoji.caption(1, choice) for choice in range(40)]  # deterministic in choice
    assert len(set(captions)) > 5 and all("smiling face with sunglasses" in c or "sunglasses" in c for c in captions)
    assert sum("yellow" in c for c in captions) > 20  # most captions say the colour
    assert any("smileys and emotion" in c or "face glasses" in c for c in captions)  # some say the category


def test_held_out_emoji_are_out_in_both_styles_and_dataset_names_are_read(emoji_root):
    emoji = load_emoji(emoji_root)
    mask = held_out(emoji, every=3, offset=1)
    assert mask.tolist() == [False, True, False, False, True, False] * 2
    part = emoji.subset(~mask)
    assert len(part) == 8 and part.names[1] == emoji.names[2] and part.images.shape[1:] == (3, 32, 32)
    assert dataset_style("emoji") == STYLES and dataset_style("emoji_twitter") == ("twitter",)
    assert dataset_style("mnist") is None and dataset_style("emoji_apple") is None
