"""A time-conditioned U-Net (Ronneberger et al. 2015, as used by Ho et al. 2020).

    (x_t, t, cond) -> prediction (B, C, H, W)      # ε, x0 or v; the model does not know which

It knows nothing about noise schedules. Each level holds `num_res_blocks` blocks at
base_channels · channel_mults[level] channels, then halves the resolution; the way up mirrors
it with skip connections. Blocks are ResNet blocks with GroupNorm, or ConvNeXt blocks.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .embeddings import ConditionEmbedding, TimestepEmbedding


@dataclass
class UNetConfig:
    architecture: str = "unet"
    image_size: int = 28  # 28, 32 or 64 (any size works)
    in_channels: int = 1  # 1 grey, 3 RGB
    base_channels: int = 32  # channels at full resolution
    channel_mults: tuple = (1, 2, 2)  # one per level; len-1 downsamplings (28 -> 14 -> 7)
    num_res_blocks: int = 1  # blocks per level on the way down
    attention_levels: tuple = (2,)  # levels with self-attention (low resolution only: cost is (HW)^2)
    block_type: str = "resnet"  # "resnet" (GroupNorm ResBlock), "resnet_scale_shift" (its ADM form) or "convnext"
    dropout: float = 0.0
    num_classes: int = 0  # >0: class-conditional, with a learned null class for guidance
    cond_dim: int = 0  # >0: conditioned on a vector of this size (a CLIP embedding)
    prediction_type: str = "eps"  # what the training target was: eps, x0 or v

    def __post_init__(self):
        self.channel_mults = tuple(self.channel_mults)
        self.attention_levels = tuple(self.attention_levels)


def _groups(channels: int) -> int:
    return min(8, channels // 4) or 1


class ResBlock(nn.Module):
    """h = conv(SiLU(GN(x))); h += Linear(emb); h = conv(drop(SiLU(GN(h)))); return skip(x) + h."""

    def __init__(self, c_in: int, c_out: int, emb_dim: int, dropout: float):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(_groups(c_in), c_in), nn.Conv2d(c_in, c_out, 3, padding=1)
        self.emb = nn.Linear(emb_dim, c_out)
        self.norm2, self.conv2 = nn.GroupNorm(_groups(c_out), c_out), nn.Conv2d(c_out, c_out, 3, padding=1)
        self.dropout = nn.Dropout(dropout)
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.emb(F.silu(emb))[:, :, None, None]
        h = self.conv2(self.dropout(F.silu(self.norm2(h))))
        return self.skip(x) + h


class ScaleShiftResBlock(ResBlock):
    """ADM's ResBlock (Dhariwal & Nichol 2021, use_scale_shift_norm): the embedding scales as well as shifts,
    h = conv(drop(SiLU(GN(h) · (1 + s) + b))) with (s, b) = Linear(emb), each (B, c_out, 1, 1)."""

    def __init__(self, c_in: int, c_out: int, emb_dim: int, dropout: float):
        super().__init__(c_in, c_out, emb_dim, dropout)
        self.emb = nn.Linear(emb_dim, 2 * c_out)

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.emb(F.silu(emb))[:, :, None, None].chunk(2, dim=1)
        h = self.conv2(self.dropout(F.silu(self.norm2(h) * (1 + scale) + shift)))
        return self.skip(x) + h


class ConvNeXtBlock(nn.Module):
    """depthwise 7x7 -> GN(1) -> 1x1 (4x wider) -> GELU -> 1x1, with the embedding added first."""

    def __init__(self, c_in: int, c_out: int, emb_dim: int, dropout: float):
        super().__init__()
        self.emb = nn.Linear(emb_dim, c_in)
        self.dw = nn.Conv2d(c_in, c_in, 7, padding=3, groups=c_in)
        self.norm = nn.GroupNorm(1, c_in)
        self.mlp = nn.Sequential(
            nn.Conv2d(c_in, 4 * c_out, 1), nn.GELU(), nn.Dropout(dropout), nn.Conv2d(4 * c_out, c_out, 1)
        )
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x, emb):
        h = x + self.emb(F.silu(emb))[:, :, None, None]
        return self.skip(x) + self.mlp(self.norm(self.dw(h)))


BLOCKS = {"resnet": ResBlock, "resnet_scale_shift": ScaleShiftResBlock, "convnext": ConvNeXtBlock}


class SelfAttention(nn.Module):
    """Multi-head self-attention over the H·W positions: (B, C, H, W) -> (B, C, H, W)."""

    def __init__(self, channels: int, heads: int = 4):
        super().__init__()
        self.norm = nn.GroupNorm(_groups(channels), channels)
        self.attn = nn.MultiheadAttention(channels, heads, batch_first=True)

    def forward(self, x, emb=None):
        b, c, h, w = x.shape
        tokens = self.norm(x).flatten(2).transpose(1, 2)  # (B, HW, C)
        out, _ = self.attn(tokens, tokens, tokens, need_weights=False)
        return x + out.transpose(1, 2).reshape(b, c, h, w)


class UNet(nn.Module):
    def __init__(self, config: UNetConfig):
        super().__init__()
        self.config = cfg = config
        Block = BLOCKS[cfg.block_type]
        emb_dim = 4 * cfg.base_channels
        self.time_embed = TimestepEmbedding(cfg.base_channels, emb_dim)
        self.cond_embed = (
            ConditionEmbedding(emb_dim, cfg.num_classes, cfg.cond_dim) if cfg.num_classes or cfg.cond_dim else None
        )
        widths = [cfg.base_channels * m for m in cfg.channel_mults]
        self.conv_in = nn.Conv2d(cfg.in_channels, cfg.base_channels, 3, padding=1)

        self.down, skip_widths, ch = nn.ModuleList(), [cfg.base_channels], cfg.base_channels
        for level, width in enumerate(widths):
            for _ in range(cfg.num_res_blocks):
                layers = [Block(ch, width, emb_dim, cfg.dropout)]
                if level in cfg.attention_levels:
                    layers.append(SelfAttention(width))
                self.down.append(nn.ModuleList(layers))
                ch = width
                skip_widths.append(ch)
            if level < len(widths) - 1:
                self.down.append(nn.ModuleList([nn.Conv2d(ch, ch, 3, stride=2, padding=1)]))
                skip_widths.append(ch)

        self.mid = nn.ModuleList([Block(ch, ch, emb_dim, cfg.dropout), SelfAttention(ch),
                                  Block(ch, ch, emb_dim, cfg.dropout)])

        self.up = nn.ModuleList()
        for level, width in reversed(list(enumerate(widths))):
            for _ in range(cfg.num_res_blocks + 1):
                layers = [Block(ch + skip_widths.pop(), width, emb_dim, cfg.dropout)]
                if level in cfg.attention_levels:
                    layers.append(SelfAttention(width))
                self.up.append(nn.ModuleList(layers))
                ch = width
            if level > 0:
                self.up.append(nn.ModuleList([nn.Upsample(scale_factor=2, mode="nearest"),
                                              nn.Conv2d(ch, ch, 3, padding=1)]))
        self.out = nn.Sequential(nn.GroupNorm(_groups(ch), ch), nn.SiLU(), nn.Conv2d(ch, cfg.in_channels, 3, padding=1))

    def forward(self, xt, t, cond=None, drop_cond=None):
        """xt: (B, C, H, W), t: (B,) or scalar, cond: (B,) labels or (B, D) vectors or None,
        drop_cond: (B,) bool, True -> use the null condition for that row."""
        b = xt.shape[0]
        t = torch.as_tensor(t, device=xt.device).reshape(-1).expand(b)
        emb = self.time_embed(t)  # (B, 4·base)
        if self.cond_embed is not None:
            emb = emb + self.cond_embed(cond, b, drop_cond, xt.device)
        h = self.conv_in(xt)
        skips = [h]
        for layers in self.down:
            for layer in layers:
                h = layer(h, emb) if not isinstance(layer, nn.Conv2d) else layer(h)
            skips.append(h)
        for layer in self.mid:
            h = layer(h, emb)
        for layers in self.up:
            if isinstance(layers[0], nn.Upsample):
                skip_hw = skips[-1].shape[-2:]
                h = layers[1](F.interpolate(h, size=skip_hw, mode="nearest"))
                continue
            h = torch.cat([h, skips.pop()], dim=1)
            for layer in layers:
                h = layer(h, emb)
        return self.out(h)
