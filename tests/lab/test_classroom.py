import numpy as np
import pytest
import torch
from PIL import Image

from lab.classroom import Classroom, load_gallery


def test_models_load_once_and_are_listed(classroom):
    assert set(classroom.zoo.names()) == {"tiny_cond", "tiny_notime", "tiny_text"}
    assert classroom.zoo.names(with_time=True) == ["tiny_cond", "tiny_text"] and classroom.text_model == "tiny_text"
    assert classroom.text_studio is not None and len(classroom.text_studio.bank) == 80


def test_gallery_hands_over_the_image_itself_not_its_thumbnail(classroom, tmp_path):
    examples = tmp_path / "examples"
    examples.mkdir()
    grey = np.full((56, 56), 255, dtype=np.uint8)
    Image.fromarray(grey).save(examples / "white.png")
    items = [item for item in load_gallery(tmp_path) if item.caption == "example: white"]
    assert len(items) == 1 and items[0].x0.shape == (1, 28, 28) and torch.all(items[0].x0 == 1)
    for item in classroom.gallery:
        assert item.x0.shape == (1, 28, 28) and item.picture.dtype == np.uint8 and item.caption


def test_a_classroom_without_models_still_serves_the_first_tabs(tmp_path):
    bare = Classroom.load(tmp_path / "empty")
    assert bare.zoo.names() == [] and bare.text_studio is None and bare.text_model is None


def test_the_gallery_offers_emoji_in_colour_when_the_data_is_here(tmp_path):
    from lab.classroom import GALLERY_EMOJI, emoji_gallery

    assert emoji_gallery(tmp_path) == []  # no emoji folder: no emoji, no error
    items = emoji_gallery()
    if not items:
        pytest.skip("no emoji in $DIFFUSION_LAB_DATA or ../shared/data")
    assert len(items) == len(GALLERY_EMOJI) and all(i.caption.startswith("emoji: ") for i in items)
    heart = items[0]
    assert heart.photo.shape == (3, 64, 64) and heart.x0.shape == (1, 28, 28) and heart.picture.shape == (128, 128, 3)
    assert heart.photo[0].mean() > heart.photo[1].mean() + 0.3  # red


def test_a_picture_is_chosen_by_its_gallery_number_or_its_file(classroom, tmp_path):
    from lab.checks import InputError

    photo, x0 = classroom.chosen_picture()
    assert photo is classroom.gallery[0].photo and x0 is classroom.gallery[0].x0
    assert classroom.chosen_picture("1")[1] is classroom.gallery[1].x0
    Image.new("RGB", (60, 40), (200, 30, 30)).save(tmp_path / "red.png")
    photo, x0 = classroom.chosen_picture(str(tmp_path / "red.png"))
    assert photo.shape == (3, 40, 60) and x0.shape == (1, 28, 28)
    with pytest.raises(InputError, match="a number from 0 to"):
        classroom.chosen_picture("999")
