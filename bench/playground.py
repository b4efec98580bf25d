"""The 2-D playground (tab 6): training time to a good fit per preset and objective, with 1 and 2 torch threads;
one frame of the flow animation drawn with Pillow (what the tab uses), matplotlib and Gradio's ScatterPlot.

    python bench/playground.py [--datasets two_moons rings] [--threads 1 2] [--frame-only]
A good fit: MMD² (σ = 0.1) of 2000 samples to 2000 data points at most FIT_RATIO × the floor (the same figure for
fresh data), checked every CHECK_EVERY steps of a PRESET_STEPS run (the timer stops while checking). Prints
measured figures; asserts nothing."""
import argparse
import io
import time

import numpy as np
import repo_path  # noqa: F401,I001 (first: the repository on sys.path)
import torch
from timing import median_time

from diffusion_core.toy2d import DATASETS, ToyModel, Training, fit_report, sample_dataset, train_config
from diffusion_core.toy2d.draw import RADIUS, grid_points
from diffusion_core.toy2d.presets import PRESET_STEPS, TRAIN_POINTS
from lab.lessons.playground import draw_scene, flow_scene

FIT_RATIO, CHECK_EVERY = 2.0, 250


def time_to_fit(dataset: str, objective: str, threads: int) -> str:
    torch.set_num_threads(threads)
    warm_up = Training(ToyModel.new(objective), sample_dataset(dataset, 1000, 0), train_config(objective, 100))
    for _ in warm_up.steps():  # the first steps after a thread change run several times slower
        pass
    run = Training(ToyModel.new(objective), sample_dataset(dataset, TRAIN_POINTS, 0),
                   train_config(objective, PRESET_STEPS))
    seconds, start, ratio = 0.0, time.perf_counter(), float("nan")
    for numbers in run.steps():
        if numbers["step"] % CHECK_EVERY == 0:
            seconds += time.perf_counter() - start
            fit = fit_report(run.model(), lambda n, s: sample_dataset(dataset, n, s))
            ratio = fit["mmd"] / fit["floor"]
            if ratio <= FIT_RATIO:
                return (f"{dataset:<11} {objective:<14} {threads} thread{'s' if threads > 1 else ' '}  "
                        f"fit after {numbers['step']:>4} steps, {seconds:5.1f} s "
                        f"({1000 * seconds / numbers['step']:.1f} ms/step)"
                        f"  MMD {fit['mmd']:.5f} = {ratio:.2f} × floor")
            start = time.perf_counter()
    return f"{dataset:<11} {objective:<14} {threads} threads  no fit within {PRESET_STEPS} steps ({ratio:.2f} × floor)"


def one_frame_scene():
    """A trained-looking scene: flow matching on two moons for 600 steps, 300 particles, 100 Euler steps."""
    torch.set_num_threads(1)
    run = Training(ToyModel.new("flow_matching"), sample_dataset("two_moons", TRAIN_POINTS, 0),
                   train_config("flow_matching", 600))
    for _ in run.steps():
        pass
    return flow_scene([("euler", run.model())], sample_dataset("two_moons", 600, 1), 300, 100, 0)


def png_bytes(picture: np.ndarray) -> int:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="png")
    return len(buffer.getvalue())


def matplotlib_frame(scene, t: float) -> np.ndarray:
    """The same picture with matplotlib (Agg): data, paths (a LineCollection), particles, quiver arrows."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    panel, grid = scene.panels[0], grid_points()
    k = next(i for i, s in enumerate(panel.paths.times) if s <= t + 1e-9)
    fig = Figure(figsize=(4.2, 4.2), dpi=100)
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.scatter(*scene.data.T.numpy(), s=2, c="#b9b9b9")
    colors = np.array(scene.colors) / 255
    ax.add_collection(LineCollection(panel.paths.positions[: k + 1].permute(1, 0, 2).numpy(), colors=colors,
                                     alpha=0.3, lw=0.7))
    vectors = panel.toy.field(grid, panel.paths.times[k])
    ax.quiver(*grid.T.numpy(), *vectors.T.numpy(), color="#286ec8", alpha=0.6)
    ax.scatter(*panel.paths.positions[k].T.numpy(), s=12, c=colors, edgecolors="#282828", linewidths=0.4)
    ax.set_xlim(-RADIUS, RADIUS), ax.set_ylim(-RADIUS, RADIUS), ax.set_axis_off()
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def gradio_plot_frame(scene, t: float) -> dict:
    """What Gradio's ScatterPlot sends for the same frame (data, path points, particles as a table; no arrows: it
    has no quiver). Its drawing happens in the browser (Vega-Lite) and is not timed here."""
    import gradio as gr
    import pandas as pd

    panel = scene.panels[0]
    k = next(i for i, s in enumerate(panel.paths.times) if s <= t + 1e-9)
    trail = panel.paths.positions[: k + 1].reshape(-1, 2).numpy()
    parts = [(scene.data.numpy(), "data"), (trail, "path"), (panel.paths.positions[k].numpy(), "particle")]
    table = pd.DataFrame({"x": np.concatenate([p[:, 0] for p, _ in parts]),
                          "y": np.concatenate([p[:, 1] for p, _ in parts]),
                          "kind": sum(([kind] * len(p) for p, kind in parts), [])})
    return gr.ScatterPlot(x="x", y="y", color="kind").postprocess(table).model_dump()


def frame_timings():
    scene = one_frame_scene()
    pillow = median_time(lambda: draw_scene(scene, 0.5, True), 7)
    encode = median_time(lambda: png_bytes(draw_scene(scene, 0.5, True)), 7) - pillow
    print("\none frame (300 particles, 100 steps, paths to t = 0.5, 225 arrows), median of 7, 1 thread:")
    print(f"  Pillow (lab/lessons/playground.draw_scene)  {1000 * pillow:6.1f} ms   "
          f"+ PNG for the page {1000 * encode:5.1f} ms")
    try:
        mpl = median_time(lambda: matplotlib_frame(scene, 0.5), 7)
        print(f"  matplotlib (Agg, same layers)               {1000 * mpl:6.1f} ms   ({mpl / pillow:.1f} × Pillow)")
    except ImportError:
        print("  matplotlib: not installed (pip install matplotlib to compare)")
    plot = median_time(lambda: gradio_plot_frame(scene, 0.5), 7)
    rows = len(gradio_plot_frame(scene, 0.5)["data"])
    print(f"  gr.ScatterPlot, server side (no arrows)     {1000 * plot:6.1f} ms   ({rows} rows of JSON; the browser "
          f"then draws them with Vega-Lite)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    p.add_argument("--objectives", nargs="+", default=["ddpm", "flow_matching"])
    p.add_argument("--threads", nargs="+", type=int, default=[2, 1])
    p.add_argument("--frame-only", action="store_true")
    a = p.parse_args()
    if not a.frame_only:
        print(f"time to a good fit (MMD ≤ {FIT_RATIO} × floor), checked every {CHECK_EVERY} steps of {PRESET_STEPS}:")
        for dataset in a.datasets:
            for objective in a.objectives:
                for threads in a.threads:
                    print(time_to_fit(dataset, objective, threads), flush=True)
    frame_timings()


if __name__ == "__main__":
    main()
