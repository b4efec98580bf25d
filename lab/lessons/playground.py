"""Tab 6, the 2-D playground: the presets shared by the class, each student's own models (a Workbench in gr.State),
the points of a drawing, and the pictures: particles flowing from noise (t = 1) to data (t = 0) with their paths,
the learned field's arrows at t, several samplers side by side from the same starting points, a GIF."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from diffusion_core.images import drawing_to_tensor, save_gif
from diffusion_core.model_folder import ModelLoadError
from diffusion_core.toy2d import Paths, ToyModel, points_from_density, sample_dataset
from diffusion_core.toy2d.draw import RADIUS, Layer, draw_layer, grid_points, particle_colors, side_by_side
from diffusion_core.toy2d.presets import TRAIN_POINTS, load_presets, train_preset
from lab.i18n import language, marker, text
from lab.i18n.fonts import font_for

# made by: python -m diffusion_core.toy2d train-presets
PRESETS_DIR = Path(__file__).resolve().parents[2] / "assets" / "playground"
DRAWING = "drawing"
# (the words of a choice, as a key the page translates (lab/i18n: playground.sources.<value>, …), its value)
SOURCES = [(marker(f"playground.sources.{source}"), source)
           for source in ("two_moons", "swiss_roll", "rings", "gaussians", "smiley", DRAWING)]
OBJECTIVES = [(marker(f"playground.objectives.{objective}"), objective) for objective in ("ddpm", "flow_matching")]
SAMPLER_TITLES = ("ddpm", "ddim", "euler", "heun", "midpoint")  # playground.samplers.<name>: Pillow's font, no Greek
COMPARED = (("ddpm", "ddpm"), ("ddpm", "ddim"), ("flow_matching", "euler"))  # (objective, sampler) side by side
DRAWING_RESOLUTION = 64  # the drawing is read as a 64 × 64 map of ink, points drawn in proportion to it
SHOWN_DATA = 600  # faint grey data points in each panel
FALLBACK_STEPS = 2000  # a preset missing from the folder is trained once, this long, and shared
PANEL_PX, GIF_FRAMES = 420, 40


class Presets:
    """The presets every student shares, loaded once. A preset the folder lacks (or a missing folder) is trained
    once, on first use, under a lock, and then shared."""

    def __init__(self, directory: Path = PRESETS_DIR):
        self.lock = threading.Lock()
        try:
            self.bank, self.problem = load_presets(directory), None
        except ModelLoadError as e:
            self.bank, self.problem = {}, str(e)

    def get(self, dataset: str, objective: str) -> ToyModel:
        with self.lock:
            if (dataset, objective) not in self.bank:
                self.bank[dataset, objective] = train_preset(dataset, objective, FALLBACK_STEPS, measure=False)[0]
            return self.bank[dataset, objective]


@dataclass(frozen=True)
class Workbench:
    """One student's models: {(source, objective): ToyModel} they trained, and the points of their drawing."""
    models: dict = field(default_factory=dict)
    drawing: torch.Tensor | None = None  # (N, 2): what the drawing's models learned

    def with_model(self, source: str, objective: str, toy: ToyModel, points: torch.Tensor) -> Workbench:
        if source != DRAWING:
            return replace(self, models={**self.models, (source, objective): toy})
        same = self.drawing is not None and torch.equal(self.drawing, points)
        kept = {k: v for k, v in self.models.items() if k[0] != DRAWING or same}  # a new drawing: forget the old
        return Workbench({**kept, (source, objective): toy}, points)

    def model(self, presets: Presets, source: str, objective: str) -> ToyModel:
        if (source, objective) in self.models:
            return self.models[source, objective]
        if source == DRAWING:
            raise ValueError(text("playground.no_model", name=text(f"playground.objective_names.{objective}")))
        return presets.get(source, objective)

    def data(self, source: str, n: int = SHOWN_DATA) -> torch.Tensor | None:
        if source == DRAWING:
            return None if self.drawing is None else self.drawing[:n]
        return sample_dataset(source, n, seed=1)


def drawing_points(sketch: dict | None, n: int = TRAIN_POINTS // 4) -> torch.Tensor:
    """A Sketchpad value -> (n, 2) points in proportion to the ink (the same drawing gives the same points)."""
    if not sketch or sketch.get("composite") is None:
        raise ValueError(text("playground.empty_drawing"))
    ink = (drawing_to_tensor(sketch["composite"], DRAWING_RESOLUTION)[0] + 1) / 2  # (64, 64) in [0, 1]
    return points_from_density(ink, n, seed=0)


def training_points(source: str, sketch: dict | None) -> torch.Tensor:
    return drawing_points(sketch) if source == DRAWING else sample_dataset(source, TRAIN_POINTS, seed=0)


@dataclass
class Panel:
    title: str
    toy: ToyModel
    paths: Paths


@dataclass
class Scene:
    """What the picture shows: one panel, or several samplers side by side, over the same data."""
    panels: list[Panel]
    data: torch.Tensor | None
    colors: list = field(default_factory=list)  # one colour per particle, from its starting point

    @property
    def num_steps(self) -> int:
        return len(self.panels[0].paths.times) - 1


def starting_points(n: int, seed: int, radius: float = RADIUS) -> torch.Tensor:
    """x_T ~ N(0, I) within the picture: (n, 2), the same for every sampler of a comparison. A point beyond
    `radius` (0.6 % of draws) is drawn again: the small networks saw almost no training points that far out at high
    noise, and a deterministic sampler (DDIM, Euler) can carry such a point far away (measured on the presets:
    every particle that ended beyond 3.5 had started beyond 3.7). The fit (toy.fit_report) keeps plain N(0, I)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 2, generator=g)
    while (far := x.norm(dim=1) > radius).any():
        x[far] = torch.randn(int(far.sum()), 2, generator=g)
    return x


def flow_scene(runs: list[tuple[str, ToyModel]], data, particles: int, num_steps: int, seed: int) -> Scene:
    """Each (sampler, model) from the same starting points; DDPM's fresh noise also seeded by `seed`."""
    xT = starting_points(particles, seed)
    panels = [Panel(sampler_title(sampler), toy, toy.paths(sampler, xT, num_steps, seed + 1)) for sampler, toy in runs]
    return Scene(panels, data, particle_colors(xT))


def step_at(paths: Paths, t: float) -> int:
    """The first step whose time is at or below t (times run from 1 down to 0)."""
    return next((i for i, time in enumerate(paths.times) if time <= t + 1e-9), len(paths.times) - 1)


def draw_scene(scene: Scene, t: float, arrows: bool = True, size: int = PANEL_PX) -> np.ndarray:
    """Every panel at time t: the paths so far, the particles, the field's arrows at t."""
    grid = grid_points()
    pictures = []
    for panel in scene.panels:
        k = step_at(panel.paths, t)
        title = text("playground.panel", title=panel.title, t=f"{panel.paths.times[k]:.2f}", step=k,
                     steps=len(panel.paths.times) - 1)
        vectors = panel.toy.field(grid, panel.paths.times[k]) if arrows else None
        pictures.append(draw_layer(Layer(title, scene.data, panel.paths.positions[: k + 1], scene.colors,
                                         grid if arrows else None, vectors, font_for(language())), size))
    return side_by_side(pictures)


def draw_data(data: torch.Tensor | None, title: str, size: int = PANEL_PX) -> np.ndarray:
    return draw_layer(Layer(title, data, font=font_for(language())), size)


def source_title(source: str) -> str:
    """A data set's name in the request's language, as a picture's title ("two moons")."""
    return text(f"playground.sources.{source}")


def sampler_title(sampler: str) -> str:
    """A sampler's name in the request's language, as a panel's title ("flow matching, Euler")."""
    return text(f"playground.samplers.{sampler}")


def sampler_choices(samplers) -> list[tuple[str, str]]:
    """A radio's choices: each sampler's name as a key the page translates, and the sampler."""
    return [(marker(f"playground.samplers.{sampler}"), sampler) for sampler in samplers]


def animation_times(scene: Scene, frames: int) -> list[float]:
    """At most `frames` times from 1 to 0, on the sampler's own steps."""
    times = scene.panels[0].paths.times
    picks = np.unique(np.linspace(0, len(times) - 1, min(frames, len(times))).round().astype(int))
    return [times[i] for i in picks]


def scene_gif(scene: Scene, arrows: bool, directory: Path, frames: int = GIF_FRAMES) -> Path:
    """The flow from noise to data as an animated GIF (the last frame held)."""
    size = PANEL_PX if len(scene.panels) == 1 else 300
    pictures = [draw_scene(scene, t, arrows, size) for t in animation_times(scene, frames)]
    return save_gif(pictures, directory / "flow.gif", duration_ms=80)


LOSS_SERIES = ("per step", "average of 50 steps")  # the loss plot's lines, in drawing order (lab/i18n: series)


def loss_table(losses: list[float], points: int = 300) -> pd.DataFrame:
    """The loss per step (at most `points` of them, evenly spaced) and its running average over 50 steps."""
    loss = np.asarray(losses, dtype=np.float64)
    smooth = pd.Series(loss).rolling(50, min_periods=1).mean().to_numpy()
    idx = np.unique(np.linspace(0, len(loss) - 1, min(points, len(loss))).round().astype(int))
    steps = idx + 1
    return pd.DataFrame({"step": np.concatenate([steps, steps]), "loss": np.concatenate([loss[idx], smooth[idx]]),
                         "series": [LOSS_SERIES[0]] * len(idx) + [LOSS_SERIES[1]] * len(idx)})
