"""lab/lessons/memorising.py: the page's compact pictures (packed by lab/static/js/drawn_pictures.mjs in Node, read
back here), the training emoji listed once, and each picture's nearest training emoji on a tiny emoji model over
fake emoji (tests/fixtures.py)."""
import base64
import json
import shutil
import subprocess

import numpy as np
import pytest
import torch

from diffusion_core.emoji import load_emoji
from diffusion_core.pipeline import load_pipeline
from diffusion_core.text.clip import load_clip_of
from diffusion_core.text.prior import load_bank
from lab.checks import InputError
from lab.lessons.memorising import (
    MAX_PICTURES,
    MISMATCH,
    NO_DATA,
    NO_PICTURES,
    Memorising,
    TrainingEmoji,
    decode_pictures,
    max_value_chars,
)
from tests.conftest import ROOT
from tests.fixtures import add_near_copies, make_fake_emoji, make_tiny_rgb_model

PACKER = ROOT / "lab" / "static" / "js" / "drawn_pictures.mjs"


def packed(rgb: np.ndarray) -> str:
    """(B, H, W, 3) uint8 -> the compact value, as the page sends it."""
    return base64.b64encode(np.ascontiguousarray(rgb, np.uint8).tobytes()).decode()


def test_the_compact_value_becomes_pictures_or_a_sentence():
    rgb = np.arange(2 * 4 * 4 * 3, dtype=np.uint8).reshape(2, 4, 4, 3)
    x = decode_pictures(packed(rgb), 4)
    assert x.shape == (2, 3, 4, 4) and float(x[1, 2, 3, 0]) == pytest.approx(rgb[1, 3, 0, 2] / 127.5 - 1)
    for value, sentence in [("", NO_PICTURES), (None, NO_PICTURES), ([1, 2], NO_PICTURES),
                            ("<img src=x>", "did not arrive as the page sends them"),
                            (packed(rgb[:, :3]), "not this model's 4×4 colour pictures"),
                            (packed(np.zeros((MAX_PICTURES + 1, 4, 4, 3))), "at most 16")]:
        with pytest.raises(InputError, match=sentence):
            decode_pictures(value, 4)
    assert len(packed(np.zeros((MAX_PICTURES, 32, 32, 3)))) <= max_value_chars(32)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node")
def test_the_page_packs_a_browser_run_s_pictures_as_the_server_reads_them():
    """rgbRows + toBase64 of drawn_pictures.mjs on uint8 (B, C, H, W), colour and grey."""
    runner = (f"import {{ rgbRows, toBase64 }} from {json.dumps(PACKER.as_uri())};\n"
              "const [b, c, s] = JSON.parse(process.argv[1]);\n"
              "const pixels = Uint8Array.from({ length: b * c * s * s }, (_, k) => (k * 7) % 256);\n"
              "process.stdout.write(toBase64(rgbRows(pixels, b, c, s)));")
    for b, c, s in [(2, 3, 4), (1, 1, 3)]:
        out = subprocess.run(["node", "--input-type=module", "-e", runner, json.dumps([b, c, s])],
                             capture_output=True, text=True, check=True).stdout
        chw = (np.arange(b * c * s * s) * 7 % 256).reshape(b, c, s, s)
        expected = np.repeat(chw, 3 // c, axis=1) / 127.5 - 1  # grey: its one channel as R, G and B
        np.testing.assert_allclose(decode_pictures(out, s).numpy(), expected, atol=1e-6)


@pytest.fixture(scope="module")
def emoji_root(tmp_path_factory):
    return make_fake_emoji(tmp_path_factory.mktemp("data") / "emoji")


@pytest.fixture(scope="module")
def lesson(tmp_path_factory, emoji_root):
    model = add_near_copies(make_tiny_rgb_model(tmp_path_factory.mktemp("models")) / "tiny_rgb", emoji_root)
    pipe = load_pipeline(model, device="cpu")
    clip, bank = load_clip_of(pipe.info), load_bank(model)
    found = Memorising.of_model(pipe, clip, bank)
    assert found is not None and found.report.samples == 504 and found.training.size == 32
    return Memorising(clip, bank.embeddings, found.report, TrainingEmoji(32, root=emoji_root))


def test_training_emoji_are_listed_once_in_the_bank_s_order(emoji_root, tmp_path):
    training = TrainingEmoji(32, root=emoji_root)
    listing = training.listing()
    assert len(listing) == 12 and listing[0][:2] == ("heavy black heart", "google") and listing[6][1] == "twitter"
    assert training.listing() is listing  # listed once
    torch.testing.assert_close(training.picture(7), load_emoji(emoji_root).images[7])
    assert TrainingEmoji(32, root=tmp_path / "nowhere").listing() is None


def test_each_picture_gets_its_nearest_training_emoji_and_the_measured_share(lesson, emoji_root):
    pictures = load_emoji(emoji_root).images[[0, 5]]  # the heart and the green apple themselves
    found = lesson.nearest(pictures, k=3)
    assert [d.neighbours[0].name for d in found] == ["heavy black heart", "green apple"]
    assert all(d.neighbours[0].cosine > 0.999 and d.near_copy for d in found) and len(found[0].neighbours) == 3
    cosines = [n.cosine for n in found[0].neighbours]
    assert cosines == sorted(cosines, reverse=True)
    rows = lesson.gallery(found)
    assert len(rows) == 8 and rows[0][0].shape == (96, 96, 3) and rows[0][1] == "your picture 1"
    assert rows[1][1].startswith("near-copy 1.000 · heavy black heart (")
    summary = lesson.summary(found)
    assert summary.startswith("Of your 2 pictures, 2 are near-copies of a training emoji (cosine above 0.")
    assert "On 504 pictures this model drew, 3.0 % were near-copies" in summary


def test_without_the_emoji_data_a_sentence_says_so(lesson, tmp_path, emoji_root):
    away = Memorising(lesson.clip, lesson.bank_emb, lesson.report, TrainingEmoji(32, root=tmp_path / "nowhere"))
    assert away.nearest(torch.zeros(1, 3, 32, 32)) is None and away.gallery(None) == []
    assert away.summary(None).startswith(NO_DATA) and "3.0 %" in away.summary(None)
    other = Memorising(lesson.clip, lesson.bank_emb[:5], lesson.report, TrainingEmoji(32, root=emoji_root))
    assert other.nearest(torch.zeros(1, 3, 32, 32)) is None and other.summary(None).startswith(MISMATCH)
