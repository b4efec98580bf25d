import torch

from diffusion_core.images import make_grid, picture


def test_picture_upscales_and_rows():
    assert picture(torch.zeros(1, 28, 28), 8).shape == (224, 224, 3)
    assert picture(torch.zeros(3, 1, 28, 28)).shape == (32, 3 * 30 + 2, 3)


def test_grid_rows_columns_and_grey_to_rgb():
    grid = make_grid(torch.zeros(5, 1, 4, 4), nrow=3, pad=1)
    assert grid.shape == (2 * 5 + 1, 3 * 5 + 1, 3) and grid.dtype.name == "uint8"
    assert (grid[1:5, 1:5] == 128).all()  # 0 in [-1, 1] is mid-grey
