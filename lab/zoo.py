"""The models the app serves: every model folder under pretrained/ (or $DIFFUSION_LAB_MODELS), loaded once and
shared by every user."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from diffusion_core.model_folder import ModelLoadError, read_config
from diffusion_core.pipeline import Pipeline, load_pipeline
from diffusion_core.serving import serving_model
from lab.i18n import text

PRETRAINED = Path(__file__).resolve().parent.parent / "pretrained"  # the repository's shipped models


@dataclass
class Zoo:
    pipelines: dict[str, Pipeline] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # folder -> what went wrong

    @classmethod
    def load(cls, root: str | Path | None = None, device: str | None = None, threads: int | None = None,
             precision: str = "int8") -> Zoo:
        """Every folder whose config.json describes a diffusion model (a DDPM schedule or a flow), under root,
        $DIFFUSION_LAB_MODELS, or the project's pretrained/. U-Nets on the CPU are served by ONNX Runtime (with
        `threads` intra-op threads) when the folder has a fresh model.onnx, in int8 when it also has a fresh
        model.int8.onnx (shipped where its samples' FID was measured: bench/class_defaults.py), else through
        TorchScript (diffusion_core.serving)."""
        root = root or os.environ.get("DIFFUSION_LAB_MODELS") or PRETRAINED
        zoo = cls()
        for folder in sorted(Path(root).glob("*/")) if Path(root).is_dir() else []:
            try:
                config = read_config(folder)
                if "schedule" not in config and "flow" not in config:
                    continue  # a classifier or a CLIP: not a diffusion model
                pipe = load_pipeline(folder, device)
                if pipe.config.architecture == "unet" and pipe.device.type == "cpu":
                    # same outputs, less per-step overhead
                    pipe.model = serving_model(pipe.model, folder, threads, precision)
                zoo.pipelines[folder.name] = pipe
            except ModelLoadError as e:
                zoo.problems[folder.name] = str(e)
        return zoo

    def names(self, with_time: bool | None = None) -> list[str]:
        return [n for n, p in self.pipelines.items()
                if with_time is None or (p.config.architecture == "unet") == with_time]

    def get(self, name: str) -> Pipeline:
        if name not in self.pipelines:
            hint = f" ({self.problems[name]})" if name in self.problems else ""
            raise ModelLoadError(f"model {name!r} is not loaded{hint}. {self.how_to_get_models()}")
        return self.pipelines[name]

    def how_to_get_models(self) -> str:
        """Where the weights go and how to get them, in the request's language (lab/i18n: zoo.how_to)."""
        return text("zoo.how_to")
