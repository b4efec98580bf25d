"""TrainConfig: every setting of a training run with its default and its help, in one place (nanoGPT's block of
defaults). A run saves it as JSON (config.json's "training"); `python -m diffusion_core train` is built from its
fields (add_arguments): the flag of a field is --<name with dashes> unless its `flag` says otherwise.

Min-SNR-γ (Hang et al. 2023) is chosen by the objective when not given: γ = 5 for DDPM, none for flow matching.
"""
from __future__ import annotations

import argparse
import typing
from dataclasses import MISSING, dataclass, field, fields

from ..flow import T_SAMPLINGS

OBJECTIVES = ("ddpm", "flow_matching")
CONDITIONINGS = ("none", "class", "clip")
MIN_SNR_GAMMA = {"ddpm": 5.0, "flow_matching": 0.0}  # by objective, when min_snr_gamma is None
DEFAULT_CLIP = "pretrained/tiny_clip"  # with conditioning clip, when clip is None


def setting(default, help: str, choices: tuple | None = None, flag: str | None = None):
    """A dataclass field that also carries its command-line help (and choices, and a flag other than --<name>)."""
    return field(default=default, metadata={"help": help, "choices": choices, "flag": flag})


@dataclass
class TrainConfig:
    dataset: str = setting("fashion_mnist", "mnist, fashion_mnist (both: mnist+fashion_mnist), emoji (or emoji_google, "
                                            "emoji_twitter: one style), or a folder of images")
    data_root: str | None = setting(None, "folder with the dataset files (None: $DIFFUSION_LAB_DATA, ../shared/data)")
    limit: int | None = setting(None, "use only the first N training images (tests, quick runs)")
    conditioning: str = setting("none", "class labels, or clip: the CLIP image embedding of each training image "
                                        "(then sample from CLIP text embeddings)", CONDITIONINGS)
    clip: str | None = setting(None, "with conditioning clip: a CLIP folder or an open_clip name "
                                     f"(None: {DEFAULT_CLIP})")
    clip_pretrained: str | None = setting(None, "with an open_clip name: a pretrained tag such as laion2b_s34b_b79k "
                                                "(online), or a weights file")
    objective: str = setting("ddpm", "ddpm: predict ε (or x0, v) on a noise schedule; flow_matching: the velocity "
                                     "ε − x0 of x_t = (1 − t) x0 + t ε (flow.py)", OBJECTIVES)
    schedule: str = setting("cosine", "the noise schedule: linear, cosine, quadratic or sigmoid (ddpm only)")
    num_timesteps: int = setting(1000, "T of the noise schedule (ddpm only)")
    # uniform: the objective as Lipman et al. and Liu et al. state it and the lesson writes it; logit_normal (SD3,
    # Esser et al. 2024) favours mid-path times, which helped their large latent models (not measured here at 28 px)
    flow_t_sampling: str = setting("uniform", "with flow_matching: how training draws t in [0, 1]", T_SAMPLINGS)
    steps: int = setting(3000, "optimizer steps")
    batch_size: int = setting(64, "images per step (per process under torchrun)")
    lr: float = setting(1e-3, "AdamW peak learning rate")
    warmup_steps: int = setting(200, "linear warm-up steps, then cosine decay to 10 % of lr")
    weight_decay: float = setting(0.0, "AdamW weight decay")
    grad_clip: float = setting(1.0, "max global gradient norm")
    ema_decay: float = setting(0.999, "EMA of the weights (Polyak averaging); the EMA weights are shipped")
    loss: str = setting("mse", "per-pixel error", ("mse", "l1"))
    min_snr_gamma: float | None = setting(None, "Min-SNR-γ loss weighting, ddpm only (None: 5 for ddpm, 0 for "
                                                "flow_matching; 0 turns it off)")
    cond_drop_prob: float = setting(0.1, "fraction of conditions replaced by the null token (for guidance)")
    seed: int = setting(0, "seeds the initial weights, batches and noise")
    num_threads: int = setting(0, "torch.set_num_threads (0: torch's default)", flag="--threads")
    amp: str = setting("auto", "auto: bf16 autocast on CUDA only (slower on CPUs without bf16 units, "
                               "bench/train_step.py)", ("auto", "bf16", "none"))
    channels_last: bool = setting(True, "NHWC memory layout: faster convolutions on the CPU (bench/train_step.py)")
    log_every: int = setting(100, "append the mean loss to log.jsonl every N steps")
    sample_every: int = setting(1000, "write a sample grid PNG every N steps (0: never)")
    checkpoint_every: int = setting(250, "save a checkpoint every N steps (a run resumes from it)")
    init_from: str | None = setting(None, "a model folder whose weights start the run (fine-tuning; the same "
                                          "architecture); a run that resumes from its checkpoint ignores it",
                                    flag="--init")

    def __post_init__(self):
        for f in fields(self):
            choices = f.metadata.get("choices")
            if choices and getattr(self, f.name) not in choices:
                raise ValueError(f"unknown {f.name} {getattr(self, f.name)!r}; choose one of {choices}")
        if self.min_snr_gamma is None:
            self.min_snr_gamma = MIN_SNR_GAMMA[self.objective]
        if self.objective == "flow_matching" and self.min_snr_gamma > 0:
            raise ValueError("Min-SNR weighting is defined for the DDPM loss; set min_snr_gamma=0 with flow_matching")
        if self.conditioning == "clip" and self.clip is None:
            self.clip = DEFAULT_CLIP
        if self.conditioning != "clip" and self.clip is not None:
            raise ValueError(f"clip names the CLIP of conditioning 'clip', not of {self.conditioning!r}")


def flag(f) -> str:
    return f.metadata.get("flag") or "--" + f.name.replace("_", "-")


def dest(f) -> str:
    """The argparse attribute of a field: its flag with underscores (--threads: threads)."""
    return flag(f)[2:].replace("-", "_")


def add_arguments(parser: argparse.ArgumentParser, cls=TrainConfig):
    """One argument per field of the dataclass cls: type, default, help and choices from the field."""
    types = typing.get_type_hints(cls)
    for f in fields(cls):
        kind = next(t for t in typing.get_args(types[f.name]) or (types[f.name],) if t is not type(None))
        default = None if f.default is MISSING else f.default
        help = f.metadata.get("help", "").replace("%", "%%") + ("" if default is None else f" (default: {default})")
        if kind is bool:
            parser.add_argument(flag(f), dest=dest(f), action=argparse.BooleanOptionalAction, default=default,
                                help=help)
        else:
            parser.add_argument(flag(f), dest=dest(f), type=kind, default=default, help=help,
                                choices=f.metadata.get("choices"))


def from_arguments(a: argparse.Namespace, cls=TrainConfig):
    """The dataclass from parsed arguments (add_arguments' names)."""
    return cls(**{f.name: getattr(a, dest(f)) for f in fields(cls)})
