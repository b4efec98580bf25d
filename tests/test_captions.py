import numpy as np
import torch

from diffusion_core.text.captions import attribute_words, caption, captions_for, class_phrases, measure, thresholds


def _bar(width: int, slant: float = 0.0, value: float = 1.0) -> torch.Tensor:
    """A vertical stroke of `width` px through rows 4..23, its column shifting by `slant` px per row."""
    x = -torch.ones(1, 1, 28, 28)
    for r in range(4, 24):
        c = int(round(12 + slant * (r - 14)))
        x[0, 0, r, c:c + width] = 2 * value - 1
    return x


def test_measurements_follow_their_definitions():
    images = torch.cat([_bar(2), _bar(6), _bar(3, slant=0.5), _bar(3, value=0.6)])
    v = measure(images)
    assert v["thickness"][0] == 2 and v["thickness"][1] == 6
    assert v["slant"][2] > 0.4 and v["slant"][0] < 1e-9
    assert v["brightness"][3] < v["brightness"][0]
    assert v["size"][1] == (20 * 6) / 784


def test_words_come_from_terciles():
    values = {"size": np.array([0.1, 0.5, 0.9]), "thickness": np.array([1.0, 3.0, 9.0]),
              "slant": np.array([0.0, 0.2, 0.9])}
    cuts = thresholds(values)
    words = attribute_words(values, cuts, "mnist")
    assert words[0] == ["small", "thin", "upright"] and words[1] == [] and words[2] == ["large", "bold", "slanted"]


def test_captions_are_deterministic_and_name_the_class_and_words():
    a = caption("mnist", 7, ["bold", "slanted"], choice=42)
    assert a == caption("mnist", 7, ["bold", "slanted"], choice=42)
    assert any(p in a for p in class_phrases("mnist", 7))
    texts = [caption("fashion_mnist", 1, ["dark"], choice=c) for c in range(50)]
    assert {"trousers", "pants", "jeans"} == {w for t in texts for w in ["trousers", "pants", "jeans"] if w in t}
    assert 30 < sum("dark" in t for t in texts) < 50  # each measured word is kept with probability 0.8


def test_captions_for_images_match_their_measured_attributes():
    images = torch.cat([_bar(1)] * 3 + [_bar(3)] * 3 + [_bar(8)] * 3)
    labels = torch.ones(9, dtype=torch.long)
    cuts = thresholds(measure(images))
    caps = [captions_for("mnist", labels, images, cuts, seed=s) for s in range(5)]
    assert caps[0] == captions_for("mnist", labels, images, cuts, seed=0)
    assert not any("bold" in c[i] for c in caps for i in range(3))
    assert not any("thin" in c[i] for c in caps for i in range(6, 9))
    assert any("bold" in c[8] for c in caps) and any("thin" in c[0] for c in caps)
