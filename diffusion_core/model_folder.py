"""One model-folder convention for every model the project ships (diffusion models, classifiers, CLIP):

    <folder>/config.json         what the model is (its config dataclass as JSON) and how it was made
    <folder>/model.safetensors   the weights (no pickle)
    <folder>/README.md           the model card
    <folder>/evaluation.json     measured figures, when evaluated (diffusion_core.evaluation)

Errors say what is missing and what to do (ModelLoadError)."""
from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

CONFIG_NAME, WEIGHTS_NAME, CARD_NAME, EVALUATION_NAME = ("config.json", "model.safetensors", "README.md",
                                                         "evaluation.json")


class ModelLoadError(RuntimeError):
    """A model folder is missing, incomplete or corrupt; the message says which and what to do."""


def save_model_folder(directory, config: dict, state_dict: dict[str, torch.Tensor], card: str | None = None) -> Path:
    """Write config.json, model.safetensors (tensors as given: cast before for float16) and, if given, the card."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / CONFIG_NAME).write_text(json.dumps(config, indent=2) + "\n")
    save_file({k: v.detach().cpu().contiguous() for k, v in state_dict.items()}, str(directory / WEIGHTS_NAME))
    if card is not None:
        (directory / CARD_NAME).write_text(card)
    return directory


def read_config(directory) -> dict:
    path = Path(directory) / CONFIG_NAME
    if not path.is_file():
        raise ModelLoadError(f"no {CONFIG_NAME} in {directory}. Train a model with "
                             f"`python -m diffusion_core train --out {directory}` or restore the folder from git.")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ModelLoadError(f"{path} is not valid JSON ({e}).") from e


def read_weights(directory) -> dict[str, torch.Tensor]:
    weights = Path(directory) / WEIGHTS_NAME
    if not weights.is_file():
        raise ModelLoadError(f"no {WEIGHTS_NAME} in {directory}. Train it with `python -m diffusion_core train` "
                             f"(see the model card) or fetch it with `git lfs pull`.")
    try:
        return load_file(str(weights))
    except Exception as e:  # safetensors raises several types for truncated or foreign files
        raise ModelLoadError(f"could not load {weights}: {type(e).__name__}: {e}. The file is corrupt; "
                             f"retrain or restore it.") from e


def load_state(model: torch.nn.Module, directory, weights: dict[str, torch.Tensor] | None = None) -> torch.nn.Module:
    """Load the folder's weights (or `weights` read from it and rearranged by the caller) into `model` (cast to its
    dtype), saying so when they do not fit its config."""
    weights = read_weights(directory) if weights is None else weights
    try:
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in weights.items()})
    except RuntimeError as e:
        raise ModelLoadError(f"the weights in {Path(directory) / WEIGHTS_NAME} do not match {CONFIG_NAME} ({e}). "
                             f"Retrain or restore the folder.") from e
    return model


def training_seconds(summary: dict) -> float:
    """A model's training time, its --init lineage's included."""
    return summary["train_seconds"] + (training_seconds(summary["init"]) if "init" in summary else 0.0)
