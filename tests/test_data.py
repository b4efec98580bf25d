import gzip

import numpy as np
import pytest
import torch
from PIL import Image

from diffusion_core.data import DatasetNotFound, ImageFolder, load_images
from diffusion_core.images import pil_to_tensor, tensor_to_uint8
from tests.conftest import require_dataset


def _write_idx(path, array):
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def test_reads_idx_files_from_a_user_folder(tmp_path):
    folder = tmp_path / "mnist"
    folder.mkdir()
    images = np.arange(3 * 28 * 28).reshape(3, 28, 28) % 256
    _write_idx(folder / "t10k-images-idx3-ubyte.gz", images)
    _write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.array([7, 2, 1]))
    x, y = load_images("mnist", "test", root=tmp_path)
    assert x.shape == (3, 1, 28, 28) and y.tolist() == [7, 2, 1]
    assert x.min() == -1 and x.max() == 1
    torch.testing.assert_close(x[0, 0, 0, 1], torch.tensor(1 / 127.5 - 1))


def test_missing_dataset_says_where_it_looked(tmp_path):
    with pytest.raises(DatasetNotFound, match=str(tmp_path)):
        load_images("fashion_mnist", "train", root=tmp_path)


def test_shared_fashion_mnist_loads():
    require_dataset("fashion_mnist")
    x, y = load_images("fashion_mnist", "test", limit=100)
    assert x.shape == (100, 1, 28, 28) and -1 <= x.min() < x.max() <= 1 and set(y.tolist()) <= set(range(10))


def test_odd_images_are_converted(tmp_path):
    rgba = Image.new("RGBA", (300, 120), (255, 0, 0, 128))
    assert pil_to_tensor(rgba, 28).shape == (1, 28, 28)
    assert pil_to_tensor(Image.new("P", (5, 9)), 32, channels=3).shape == (3, 32, 32)
    Image.new("RGB", (50, 40), (10, 200, 30)).save(tmp_path / "a.png")
    Image.new("L", (20, 20), 128).save(tmp_path / "b.jpg")
    folder = ImageFolder(tmp_path, image_size=16)
    assert len(folder) == 2 and folder[0][0].shape == (3, 16, 16)
    Image.new("RGBA", (20, 20), (255, 0, 0, 0)).save(tmp_path / "c.png")  # fully transparent
    assert ImageFolder(tmp_path, image_size=16)[2][0].eq(1).all()  # on white
    assert pil_to_tensor(Image.new("RGBA", (8, 8), (255, 0, 0, 0)), 8).eq(-1).all()  # an upload for the digits: black
    assert tensor_to_uint8(torch.ones(1, 2, 2)).dtype == np.uint8


def test_torchvision_layout_is_found(tmp_path):
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    _write_idx(raw / "t10k-images-idx3-ubyte.gz", np.zeros((2, 28, 28)))
    _write_idx(raw / "t10k-labels-idx1-ubyte.gz", np.array([0, 1]))
    assert load_images("fashion_mnist", "test", root=tmp_path)[0].shape == (2, 1, 28, 28)
