"""lab/live/class_drawings.py: a drawing is 784 numbers in [0, 1] kept as 784 bytes; anything else, an empty
drawing, or one too many (per student, per class) is refused with a sentence; a hidden drawing leaves the training
set."""
import io

import pytest
import torch
from PIL import Image

from lab.i18n import text
from lab.live.asked import LiveError
from lab.live.class_drawings import EMPTY, NOT_PIXELS, PIXELS, ClassDrawings, read_pixels, to_tensor
from lab.live.limits import Bounds


def stroke(column: int = 14) -> list[float]:
    """A vertical bar (a "1") at `column`, white on black."""
    return [1.0 if 6 <= i // 28 < 22 and abs(i % 28 - column) <= 1 else 0.0 for i in range(PIXELS)]


def test_pixels_are_kept_as_bytes_and_read_back_as_mnist_is():
    grey = read_pixels([0, 0.5, 1] + [0.0] * (PIXELS - 3))
    assert len(grey) == PIXELS and grey[:3] == bytes([0, 128, 255])
    x = to_tensor([grey, read_pixels(stroke())])
    assert x.shape == (2, 1, 28, 28) and x.min() == -1 and x.max() == 1  # [-1, 1] as diffusion_core/data.py
    assert to_tensor([]).shape == (0, 1, 28, 28)


@pytest.mark.parametrize("bad", [None, "data:image/png;base64,AAAA", [0.5] * (PIXELS - 1), [0.5] * (PIXELS + 1),
                                 [2.0] + [0.0] * (PIXELS - 1), [-0.1] + [0.0] * (PIXELS - 1),
                                 [float("nan")] + [0.0] * (PIXELS - 1), [True] + [0.0] * (PIXELS - 1),
                                 ["1"] + [0.0] * (PIXELS - 1), {"pixels": [0.0] * PIXELS}])
def test_anything_but_784_numbers_in_0_1_is_refused_with_a_sentence(bad):
    with pytest.raises(LiveError, match=text(NOT_PIXELS, pixels=PIXELS)) as refused:
        read_pixels(bad)
    assert refused.value.status == 400


def test_an_empty_drawing_is_refused():
    for flat in (0.0, 1.0, 0.5):
        with pytest.raises(LiveError, match=text(EMPTY)):
            read_pixels([flat] * PIXELS)


def test_at_most_n_per_student_and_m_per_class():
    drawings, bounds = ClassDrawings(), Bounds(drawings_per_student=2, max_drawings=3)
    drawings.add(1, stroke(5), bounds)
    drawings.add(1, stroke(6), bounds)
    with pytest.raises(LiveError, match="your 2 drawings") as refused:
        drawings.add(1, stroke(7), bounds)
    assert refused.value.status == 409
    drawings.add(2, stroke(8), bounds)
    with pytest.raises(LiveError, match="The class has sent 3 drawings"):
        drawings.add(3, stroke(9), bounds)
    assert [d.id for d in drawings.items] == [1, 2, 3] and drawings.sent_by(1) == 2 and drawings.sent_by(3) == 0


def test_a_hidden_drawing_leaves_the_training_set():
    drawings, bounds = ClassDrawings(), Bounds()
    for column in (5, 14, 22):
        drawings.add(1, stroke(column), bounds)
    drawings.find(2).hidden = True
    x0, ids = drawings.training_set()
    assert ids == [1, 3] and torch.equal(x0, to_tensor([read_pixels(stroke(5)), read_pixels(stroke(22))]))
    with pytest.raises(LiveError, match="no such drawing"):
        drawings.find(4)
    with pytest.raises(LiveError, match="no such drawing"):
        drawings.find("1")


def test_a_drawing_is_served_as_a_small_png_of_its_pixels():
    drawings = ClassDrawings()
    drawing = drawings.add(1, stroke(), Bounds())
    png = drawings.png(drawing.id)
    assert png.startswith(b"\x89PNG") and len(png) < 1000
    assert Image.open(io.BytesIO(png)).tobytes() == drawing.pixels
