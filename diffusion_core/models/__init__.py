"""Model configs (dataclasses, saved as JSON) and the one function that builds a model from them."""
from __future__ import annotations

from dataclasses import asdict, fields

from torch import nn

from .classifier import Classifier, ClassifierConfig
from .teaching import NoTimeDenoiser, NoTimeDenoiserConfig
from .unet import UNet, UNetConfig

ARCHITECTURES = {"unet": (UNetConfig, UNet), "no_time_denoiser": (NoTimeDenoiserConfig, NoTimeDenoiser),
                 "classifier": (ClassifierConfig, Classifier)}


def config_from_dict(d: dict):
    """Rebuild a model config from its JSON dict; unknown keys are an error, not silently dropped."""
    arch = d.get("architecture", "unet")
    if arch not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {arch!r}; known: {', '.join(ARCHITECTURES)}")
    cls = ARCHITECTURES[arch][0]
    known = {f.name for f in fields(cls)}
    unknown = set(d) - known
    if unknown:
        raise ValueError(f"unknown keys in {arch} config: {sorted(unknown)}")
    return cls(**d)


def config_to_dict(config) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()}


def build_model(config) -> nn.Module:
    if isinstance(config, dict):
        config = config_from_dict(config)
    return ARCHITECTURES[config.architecture][1](config)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


__all__ = ["UNet", "UNetConfig", "NoTimeDenoiser", "NoTimeDenoiserConfig", "Classifier", "ClassifierConfig",
           "build_model", "config_from_dict", "config_to_dict", "count_parameters"]
