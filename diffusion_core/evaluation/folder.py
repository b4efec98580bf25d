"""Evaluate a model folder in place: which kind of model it holds, that kind's measurement, <folder>/evaluation.json.

    kind               what                                     module               measures
    diffusion_model    class-conditional or unconditional U-Net diffusion.py         domain-FID vs steps,
                                                                                     class agreement
    flow_model         a U-Net trained by flow matching         flow_model.py        FID, agreement at 1-20 NFE vs DDPM
    text_model         U-Net conditioned on CLIP embeddings     text_model.py        prompt agreement, attribute control
    emoji_text_model   the same, on emoji (32×32×3)             emoji_text_model.py  CLIP score, judge agreement,
                                                                                     emoji-FID, prompt warning
    folder_model       a U-Net on a folder of pictures          folder_model.py      judge-FID vs steps (a judge named)
    no_time_denoiser   the DLI denoiser that never sees t       no_time.py           one-step PSNR vs a U-Net with t
    clip               the project's small CLIP                 clip.py              zero-shot and attribute retrieval
    emoji_clip         the small CLIP of emoji                  emoji_clip.py        held-out category, name, colour
    classifier         a domain classifier (or the colour judge) classifier.py       test accuracy (per class)

Each module has evaluate(folder, options) -> report, card_fields(folder, config, report) -> dict and TEMPLATE
(cards.py renders it). The models a measurement needs (domain classifiers, the CLIP, a U-Net to compare with) are
siblings of the folder by default, e.g. <folder>/../classifier_<dataset>: where pretrained/ is comes only from the
path the caller passes."""
from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..model_folder import CONFIG_NAME, EVALUATION_NAME, read_config

KIND_MODULES = {"diffusion_model": "diffusion", "flow_model": "flow_model", "text_model": "text_model",
                "emoji_text_model": "emoji_text_model", "no_time_denoiser": "no_time", "clip": "clip",
                "emoji_clip": "emoji_clip", "classifier": "classifier", "folder_model": "folder_model"}


@dataclass
class Options:
    n: int | None = None  # samples per quality-vs-steps row (200; flow model: per NFE row, 500); test images for the
    # no-time denoiser (1000)
    n_big: int = 500  # samples for the guided DPM-Solver++ FID
    n_slow: int | None = None  # samples for the 1000-step DDPM row (default: n)
    per_class: int | None = None  # samples per class: 50 for class agreement, 20 per prompt for a text model (42 for
    # the emoji text model)
    skip_ddpm: bool = False  # leave out the slow 1000-step DDPM row
    quick: bool = False  # a smoke run: one sampler row, 50 samples for the guided FID, 1000 test images
    add_rows: list = field(default_factory=list)  # [(sampler, steps)]: measure only these into evaluation.json
    classifier: str | None = None  # domain classifier folder (default: sibling classifier_<dataset>; classifier_emoji)
    reference: str | None = None  # no-time denoiser: the U-Net with t (default: sibling <dataset>_cond)
    compare: str | None = None  # flow model: the DDPM folder to compare with (default: sibling mnist_fast)
    guidance: float = 3.0  # text model: guidance of attribute control, prompted FID and the example grid
    keep_baselines: bool = False  # text model: reuse the stored class-conditional rows
    data_root: str | None = None  # folder with the dataset files (default: data.default_data_roots)


def model_kind(config: dict) -> str:
    """One of KIND_MODULES, from what config.json describes (a CLIP or text model of emoji: its emoji kind)."""
    from ..emoji import dataset_style

    emoji = "emoji_" if dataset_style(config.get("dataset", "")) else ""
    if "open_clip_model" in config:
        return f"{emoji}clip"
    architecture = config.get("model", {}).get("architecture", "unet")
    if architecture in ("classifier", "no_time_denoiser"):
        return architecture
    if config.get("clip"):
        return f"{emoji}text_model"
    if "flow" in config:  # load_pipeline's FlowPipeline
        return "flow_model"
    return "diffusion_model" if dataset_known(config.get("dataset", "mnist")) else "folder_model"


def dataset_known(dataset: str) -> bool:
    """MNIST, Fashion-MNIST (alone or joined by '+') or emoji; anything else is a folder of pictures."""
    from ..data import DATASETS
    from ..emoji import dataset_style

    return bool(dataset_style(dataset)) or all(part in DATASETS for part in dataset.split("+"))


def kind_module(kind: str):
    return importlib.import_module(f"{__package__}.{KIND_MODULES[kind]}")


def read_evaluation(folder) -> dict:
    """The stored evaluation.json, or {} when the folder was never evaluated."""
    path = Path(folder) / EVALUATION_NAME
    return json.loads(path.read_text()) if path.is_file() else {}


def record_in_config(folder, figures: dict) -> None:
    """Copy measured figures into config.json too, for loaders that read them there (clip.info, the judges)."""
    config = read_config(folder)
    config.update(figures)
    (Path(folder) / CONFIG_NAME).write_text(json.dumps(config, indent=2) + "\n")


def evaluate_folder(folder, options: Options | None = None) -> dict:
    """Measure the model in `folder` and write <folder>/evaluation.json; returns the report."""
    folder = Path(folder)
    report = kind_module(model_kind(read_config(folder))).evaluate(folder, options or Options())
    (folder / EVALUATION_NAME).write_text(json.dumps(report, indent=2))
    return report
