import torch

from diffusion_core.images import make_grid, picture


def test_picture_upscales_and_rows():
    assert picture(torch.zeros(1, 28, 28), 8).shape == (224, 224, 3)
    assert picture(torch.zeros(3, 1, 28, 28)).shape == (32, 3 * 30 + 2, 3)


def test_grid_rows_columns_and_grey_to_rgb():
    grid = make_grid(torch.zeros(5, 1, 4, 4), nrow=3, pad=1)
    assert grid.shape == (2 * 5 + 1, 3 * 5 + 1, 3) and grid.dtype.name == "uint8"
    assert (grid[1:5, 1:5] == 128).all()  # 0 in [-1, 1] is mid-grey


def test_photo_keeps_colour_and_aspect_and_shrinks_to_the_long_side():
    from PIL import Image

    from diffusion_core.images import photo_tensor, tensor_to_uint8

    photo = photo_tensor(Image.new("RGB", (1024, 600), (200, 30, 30)))
    assert photo.shape == (3, 300, 512) and photo.min() >= -1 and photo.max() <= 1
    assert tuple(tensor_to_uint8(photo)[0, 0]) == (200, 30, 30)  # 8-bit values come back exactly
    assert photo_tensor(Image.new("L", (40, 20), 7)).shape == (1, 20, 40)  # grey stays grey, never enlarged
    see_through = photo_tensor(Image.new("RGBA", (10, 10), (255, 255, 255, 0)))
    assert see_through.shape == (3, 10, 10) and (see_through == -1).all()  # transparency onto black
