"""The first denoiser of NVIDIA DLI's diffusion course: a small U-Net with no time input.

    noisy image -> predicted clean image x0 (B, C, H, W)

Conv + BatchNorm + ReLU blocks, MaxPool down, a dense bottleneck over the whole 7x7 map, and
transposed convolutions up. It never sees t, so it must guess how noisy its input is: the
denoise tab puts it next to the time-conditioned U-Net to show why the timestep matters.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class NoTimeDenoiserConfig:
    architecture: str = "no_time_denoiser"
    image_size: int = 28  # must be divisible by 4
    in_channels: int = 1
    channels: tuple = (16, 32)  # per level; two MaxPool halvings: 28 -> 14 -> 7
    bottleneck: int = 128  # width of the dense layer over the flattened 7x7 map
    prediction_type: str = "x0"  # trained to output the clean image directly
    num_classes: int = 0  # unused; kept so every model config answers the same questions
    cond_dim: int = 0

    def __post_init__(self):
        self.channels = tuple(self.channels)


def _conv_bn_relu(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU())


class NoTimeDenoiser(nn.Module):
    def __init__(self, config: NoTimeDenoiserConfig):
        super().__init__()
        self.config = cfg = config
        c1, c2 = cfg.channels
        side = cfg.image_size // 4
        self.enc1 = _conv_bn_relu(cfg.in_channels, c1)
        self.enc2 = nn.Sequential(nn.MaxPool2d(2), _conv_bn_relu(c1, c2))
        self.enc3 = nn.Sequential(nn.MaxPool2d(2), _conv_bn_relu(c2, c2))
        self.dense = nn.Sequential(  # (B, c2·side²) -> (B, bottleneck) -> back
            nn.Flatten(), nn.Linear(c2 * side * side, cfg.bottleneck), nn.ReLU(),
            nn.Linear(cfg.bottleneck, c2 * side * side), nn.ReLU(), nn.Unflatten(1, (c2, side, side)),
        )
        self.dec2 = nn.Sequential(nn.ConvTranspose2d(2 * c2, c2, 2, stride=2), nn.BatchNorm2d(c2), nn.ReLU())
        self.dec1 = nn.Sequential(nn.ConvTranspose2d(2 * c2, c1, 2, stride=2), nn.BatchNorm2d(c1), nn.ReLU())
        self.out = nn.Conv2d(2 * c1, cfg.in_channels, 3, padding=1)

    def forward(self, xt, t=None, cond=None, drop_cond=None):
        """t and cond are accepted and ignored: this model has no way to know them."""
        h1 = self.enc1(xt)  # (B, c1, 28, 28)
        h2 = self.enc2(h1)  # (B, c2, 14, 14)
        h3 = self.enc3(h2)  # (B, c2, 7, 7)
        h = self.dense(h3)
        h = self.dec2(torch.cat([h, h3], 1))  # (B, c2, 14, 14)
        h = self.dec1(torch.cat([h, h2], 1))  # (B, c1, 28, 28)
        return self.out(torch.cat([h, h1], 1))
