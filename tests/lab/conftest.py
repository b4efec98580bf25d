"""The classroom over tiny random models (tests/fixtures.py): a Classroom and its Blocks, built once per module."""
import numpy as np
import pytest
from PIL import Image

from lab.classroom import Classroom
from lab.demo import build_demo
from tests.fixtures import make_tiny_flow_model, make_tiny_models, make_tiny_rgb_model


@pytest.fixture(scope="package")
def classroom(tmp_path_factory):
    return Classroom.load(make_tiny_models(tmp_path_factory.mktemp("models"), with_clip=True))


@pytest.fixture(scope="package")
def demo(classroom):
    return build_demo(classroom)


@pytest.fixture
def x0(demo) -> np.ndarray:
    """A red 300×200 upload, as tab 1 hands it to the models (tab 3): (1, 28, 28) in [-1, 1]."""
    return demo.tabs.forward.handlers.choose_upload(Image.new("RGB", (300, 200), (200, 30, 30)))[1]


@pytest.fixture(scope="package")
def flow_demo(tmp_path_factory):
    """The app over a DDPM model and a flow-matching model."""
    root = make_tiny_flow_model(make_tiny_models(tmp_path_factory.mktemp("flow_models")))
    return build_demo(Classroom.load(root))


@pytest.fixture(scope="package")
def rgb_classroom(tmp_path_factory):
    """The classroom over the tiny grey models, the tiny CLIP-conditioned model and a tiny 32×32 colour model."""
    root = make_tiny_rgb_model(make_tiny_models(tmp_path_factory.mktemp("rgb_models"), with_clip=True))
    return Classroom.load(root)


@pytest.fixture(scope="package")
def rgb_demo(rgb_classroom):
    return build_demo(rgb_classroom)


@pytest.fixture(scope="module")
def served_lab(classroom):
    """(base URL, Blocks) of the app as `python app.py` serves it, on the loopback (tests/lab/raw_api.py)."""
    from tests.lab.raw_api import served

    with served(classroom) as base_and_demo:
        yield base_and_demo


@pytest.fixture(scope="module")
def app(served_lab) -> str:
    return served_lab[0]


@pytest.fixture(scope="module")
def served_demo(served_lab):
    """The Blocks that `app` serves: its event numbers are those of its /config."""
    return served_lab[1]

