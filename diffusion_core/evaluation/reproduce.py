"""The command that makes a model folder again, rebuilt from what its config.json records (the "Reproduce:" line of
its card). A U-Net's `train` command names every setting that differs from the command line's defaults, then the
run's steps, batch, threads, folders and intervals; the folder is pretrained/<name>, where the card says it lives."""
from __future__ import annotations

from dataclasses import asdict, fields

from ..models import UNetConfig
from ..training.config import TrainConfig, dest, flag

# config["model"] key -> flag of `python -m diffusion_core train` (U-Nets; the no-time denoiser has only the last)
MODEL_FLAGS = {"base_channels": "--base-channels", "channel_mults": "--channel-mults",
               "num_res_blocks": "--num-res-blocks", "attention_levels": "--attention-levels",
               "block_type": "--block-type", "image_size": "--image-size", "in_channels": "--in-channels",
               "prediction_type": "--prediction-type"}
# config["training"] key -> flag: every TrainConfig field but those the command always names, and the data's folder
ALWAYS_NAMED = ("dataset", "conditioning", "clip", "steps", "batch_size", "num_threads", "sample_every",
                "checkpoint_every")
TRAINING_FLAGS = {f.name: flag(f) for f in fields(TrainConfig) if f.name not in (*ALWAYS_NAMED, "data_root")}
PRIOR_BANK_IMAGES = 5000  # `prior-bank --per-dataset` default


def train_defaults(objective: str = "ddpm") -> dict:
    """The defaults of `python -m diffusion_core train`, by argument name, for a run with this objective: the
    command line is built from TrainConfig's fields (training/config.py) and the U-Net's defaults."""
    defaults = {**asdict(UNetConfig()), **{dest(f): getattr(TrainConfig(), f.name) for f in fields(TrainConfig)}}
    defaults["min_snr_gamma"] = TrainConfig(objective=objective).min_snr_gamma  # the flag's None: by objective
    if objective == "flow_matching":  # the run records prediction_type "velocity" whatever the flag says
        defaults["prediction_type"] = "velocity"
    return defaults


def _value(v) -> str:
    if isinstance(v, (list, tuple)):
        return " ".join(str(x) for x in v)
    return f"{v:g}" if isinstance(v, float) else str(v)


def _changed(flags: dict, values: dict, defaults: dict) -> list[str]:
    """`--flag value` for every setting in `values` that differs from the command line's default."""
    out = []
    for key, option in flags.items():
        v, default = values.get(key), defaults.get(option[2:].replace("-", "_"))
        if v is None or _value(v) == _value(default):
            continue
        if isinstance(v, bool):  # a switch: --channels-last / --no-channels-last
            out.append(option if v else f"--no-{option[2:]}")
        else:
            out.append(f"{option} {_value(v)}".rstrip())
    return out


def train_command(name: str, config: dict) -> str:
    """`python -m diffusion_core train ...` for a U-Net or the no-time denoiser."""
    m, t = config["model"], config["training"]
    defaults = train_defaults(t.get("objective", "ddpm"))
    architecture = m.get("architecture", "unet")
    words = [f"--dataset {t['dataset']}"]
    words.append(f"--conditioning {t['conditioning']}" if architecture == "unet" else f"--architecture {architecture}")
    if t["conditioning"] == "clip":
        words.append(f"--clip {t['clip']}")
    model_flags = MODEL_FLAGS if architecture == "unet" else {"prediction_type": "--prediction-type"}
    words += _changed(model_flags, m, defaults) + _changed(TRAINING_FLAGS, t, defaults)
    words += [f"--steps {t['steps']}", f"--batch-size {t['batch_size']}", f"--threads {t['num_threads']}",
              f"--run-dir runs/{name}", f"--out pretrained/{name}", f"--sample-every {t['sample_every']}",
              f"--checkpoint-every {t['checkpoint_every']}"]
    return "python -m diffusion_core train " + " ".join(words)


def prior_bank_command(name: str, config: dict, report: dict) -> str:
    """` && ... prior-bank`: the retrieval prior's bank, built after training (text models evaluated with one)."""
    prior = report.get("prior")
    if not prior:
        return ""
    per_dataset = prior["images"] // len(config["dataset"].split("+"))
    default = per_dataset == PRIOR_BANK_IMAGES or prior.get("every_picture")  # an emoji bank of all: the default
    extra = "" if default else f" --per-dataset {per_dataset}"
    return f" && python -m diffusion_core prior-bank pretrained/{name}{extra}"


def reproduce_command(kind: str, name: str, config: dict, report: dict) -> str:
    """The card's Reproduce line for a folder of this kind."""
    if kind == "classifier":
        batch = f" --batch-size {config['batch_size']}" if config.get("batch_size", 128) != 128 else ""
        return (f"python -m diffusion_core train-classifier {config['dataset']} --epochs {config['epochs']}{batch} "
                f"--out pretrained/{name}")
    if kind in ("clip", "emoji_clip"):
        dataset = f" --dataset {config['dataset']}" if kind == "emoji_clip" else ""
        command = (f"python -m diffusion_core train-clip{dataset} --steps {config['steps']} "
                   f"--batch-size {config['batch_size']} --threads 1 --out pretrained/{name}")
        if "lit" in config:  # then the text tower alone, from the folder the first run wrote
            lit = config["lit"]
            command += (f" && python -m diffusion_core train-clip{dataset} --init pretrained/{name} --lock-image "
                        f"--steps {lit['steps']} --batch-size {lit['batch_size']} --lr {lit['lr']:g} --threads 1 "
                        f"--out pretrained/{name}")
        return command
    text_model = kind in ("text_model", "emoji_text_model")
    return train_command(name, config) + (prior_bank_command(name, config, report) if text_model else "")
