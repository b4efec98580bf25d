"""The domain classifier that evaluation measures generated images with: its penultimate features give domain-FID,
its labels give class agreement (diffusion_core.evaluation). One network for grey 28×28 digits and clothes (10
classes) and for the colour judge of emoji (32×32×3, 9 categories): only the config differs."""
from __future__ import annotations

from dataclasses import dataclass

from torch import nn


@dataclass
class ClassifierConfig:
    architecture: str = "classifier"
    in_channels: int = 1
    image_size: int = 28
    num_classes: int = 10
    feature_dim: int = 128  # penultimate width: the features of domain-FID


class Classifier(nn.Module):
    """conv32-pool-conv64-conv64-pool-fc128-fc{num_classes} with BatchNorm: (B, C, H, W) -> logits (B, num_classes);
    after the two pools the map is (B, 64, H/4, W/4), flattened into the 128-d features."""

    def __init__(self, config: ClassifierConfig):
        super().__init__()
        self.config = c = config

        def block(ci, co):
            return [nn.Conv2d(ci, co, 3, padding=1), nn.BatchNorm2d(co), nn.ReLU()]

        self.body = nn.Sequential(*block(c.in_channels, 32), nn.MaxPool2d(2),
                                  *block(32, 64), *block(64, 64), nn.MaxPool2d(2), nn.Flatten(),
                                  nn.Dropout(0.3), nn.Linear(64 * (c.image_size // 4) ** 2, c.feature_dim), nn.ReLU())
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(c.feature_dim, c.num_classes))

    def features(self, x):  # (B, feature_dim)
        return self.body(x)

    def forward(self, x):
        return self.head(self.body(x))
