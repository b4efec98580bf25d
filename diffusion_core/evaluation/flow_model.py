"""A U-Net trained by flow matching (config.json "flow"), measured in its folder next to its DDPM twin and
described by its card.

  NFE table         domain-FID and class agreement at 1, 2, 4, 8 and 20 network evaluations per sample, each
                    model's best sampler at each budget (nfe.py): this model against the DDPM folder
                    options.compare (default: the sibling mnist_fast), n samples each (default 500), w = 1,
                    the same seeds and classes for both
  trajectories.png  from the same starting noise, for a few classes: x_t and x̂0 over 8 Euler steps of this model
                    and 8 DDIM steps of the DDPM twin (one network evaluation per step each)"""
from __future__ import annotations

import time
from pathlib import Path

import torch

from ..model_folder import read_config
from .diffusion import classifier_dir, unet_words
from .metrics import Reference, load_classifier
from .nfe import BUDGETS, SEED, all_rows_lines, compare, table_lines, verdict, words_list

TEMPLATE = "flow_model.md"
TRAJECTORIES_NAME = "trajectories.png"
DEFAULT_COMPARE, DEFAULT_N, QUICK_BUDGETS = "mnist_fast", 500, (1, 2)
TRAJECTORY_CLASSES, TRAJECTORY_STEPS = (0, 3, 7), 8
TRAJECTORY_SAMPLERS = {"flow_matching": ("euler", "flow"), "ddpm": ("ddim", "DDPM")}  # objective -> (sampler, label)
LOSS_WORDS = {"mse": "MSE", "l1": "L1"}
SAME_KEYS = {"parameters": "parameters", "train_steps": "training steps", "batch_size": "batch size"}
T_SAMPLING_WORDS = {"uniform": "t ~ U(0, 1)", "logit_normal": "logit-normal t (sigmoid of N(0, 1); SD3)"}


def compare_dir(folder: Path, given=None) -> Path:
    """The DDPM model to compare with: `given`, else the sibling folder mnist_fast."""
    return Path(given) if given else folder.resolve().parent / DEFAULT_COMPARE


def load_pair(folder: Path, given=None):
    """(this flow pipeline, the DDPM pipeline to compare with, its folder); both on the CPU, same dataset."""
    from ..pipeline import load_pipeline

    flow, other = load_pipeline(folder, device="cpu"), compare_dir(folder, given)
    if flow.objective != "flow_matching":
        raise ValueError(f"{folder} is not a flow-matching model (its config.json has no \"flow\")")
    ddpm = load_pipeline(other, device="cpu")
    if ddpm.objective != "ddpm" or ddpm.info.get("dataset") != flow.info.get("dataset"):
        raise ValueError(f"{other} is not a DDPM model of {flow.info.get('dataset')} to compare {folder.name} with; "
                         "name one with --compare")
    return flow, ddpm, other


def trajectory(pipe, noise: torch.Tensor, labels: torch.Tensor, steps: int = TRAJECTORY_STEPS):
    """(x_t, x̂0, times): x_t and x̂0 (B, steps + 1, C, H, W) of the model's one-evaluation-per-step sampler from
    `noise`, w = 1, the last column the finished sample in both; the `steps` times t the network saw."""
    sampler = TRAJECTORY_SAMPLERS[pipe.objective][0]
    path = list(pipe.sample(len(labels), labels=labels, seed=None, xT=noise, sampler=sampler, num_steps=steps))
    return torch.stack([s.xt for s in path], 1), torch.stack([s.x0 for s in path], 1), [s.t for s in path[:-1]]


def labelled(grid, labels: list[str], columns: list[str], row_px: int, col_px: int, pad: int):
    """A grid picture with a label left of each row and a title over each column (Pillow's default font)."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    left, top = 150, 18
    canvas = Image.new("RGB", (grid.shape[1] + left, grid.shape[0] + top), (255, 255, 255))
    canvas.paste(Image.fromarray(grid), (left, top))
    draw, font = ImageDraw.Draw(canvas), ImageFont.load_default(size=12)
    for i, text in enumerate(labels):
        draw.text((4, top + pad + i * row_px + row_px // 2), text, fill=(20, 20, 20), font=font, anchor="lm")
    for j, text in enumerate(columns):
        draw.text((left + pad + j * col_px + col_px // 2, top // 2), text, fill=(20, 20, 20), font=font, anchor="mm")
    return np.asarray(canvas)


def save_trajectories(pipes: dict, path: Path, classes=TRAJECTORY_CLASSES, steps: int = TRAJECTORY_STEPS) -> dict:
    """trajectories.png: for each class, an x_t and an x̂0 row of every pipe in `pipes` (name -> pipe), all from
    the same noise (seed SEED). Returns what the picture shows, for evaluation.json."""
    from ..images import make_grid, save_png
    from ..samplers import standard_normal

    c = next(iter(pipes.values())).config
    noise = standard_normal((len(classes), c.in_channels, c.image_size, c.image_size),
                            torch.Generator().manual_seed(SEED), "cpu")
    runs = {name: trajectory(p, noise, torch.tensor(classes), steps) for name, p in pipes.items()}
    rows, names = [], []
    for i, k in enumerate(classes):
        for name, (xt, x0, _) in runs.items():
            word = TRAJECTORY_SAMPLERS[pipes[name].objective][1]
            rows += [xt[i], x0[i]]
            names += [f"{k}: {word} x_t", f"{k}: {word} predicted x0"]
    scale, pad = 2, 2
    grid = make_grid(torch.cat(rows).clamp(-1, 1), nrow=steps + 1, pad=pad, scale=scale)
    tile = (c.image_size + pad) * scale
    save_png(labelled(grid, names, [str(i) for i in range(steps)] + ["sample"], tile, tile, pad * scale), path)
    return {"classes": list(classes), "steps": steps, "seed": SEED, "guidance": 1.0,
            "runs": [{"model": name, "sampler": TRAJECTORY_SAMPLERS[p.objective][0],
                      "rows": TRAJECTORY_SAMPLERS[p.objective][1], "times": runs[name][2]}
                     for name, p in pipes.items()]}


def evaluate(folder: Path, options) -> dict:
    """The NFE table against the DDPM twin and trajectories.png. options: folder.Options (n, compare, classifier,
    quick: budgets 1 and 2 on the first 1000 test images, data_root)."""
    from ..models import count_parameters

    flow, ddpm, other = load_pair(folder, options.compare)
    dataset, n, start = flow.info["dataset"], options.n or DEFAULT_N, time.perf_counter()
    judge = classifier_dir(folder, dataset, options.classifier)
    ref = Reference.build(load_classifier(judge), dataset, n_floor=n, data_root=options.data_root,
                          limit=1000 if options.quick else None)
    comparison = compare({other.name: ddpm, folder.name: flow}, ref, n, QUICK_BUDGETS if options.quick else BUDGETS)
    trajectories = save_trajectories({folder.name: flow, other.name: ddpm}, folder / TRAJECTORIES_NAME)
    return {"model": folder.name, "dataset": dataset, "conditional": flow.config.num_classes > 0,
            "parameters": count_parameters(flow.model), "classifier_test_accuracy": read_config(judge)["test_accuracy"],
            "compare_with": other.name, "nfe_comparison": comparison, "trajectories": trajectories,
            "eval_minutes": (time.perf_counter() - start) / 60, "threads": torch.get_num_threads()}


def twin_words(r: dict) -> tuple[str, str]:
    """What the two compared models are, and in what they are equal, from what the comparison recorded of each."""
    models = r["nfe_comparison"]["models"]

    def words(name):
        m = models[name]
        trained = (f", {m['train_steps']} steps of batch {m['batch_size']}" if m.get("train_steps") else "") + (
            f", {m['train_seconds'] / 60:.0f} min" if m.get("train_seconds") else "")
        return f"`{name}` ({m['process']}, predicts {m['prediction_type']}; {m['parameters']:,} parameters{trained})"

    known = {key: w for key, w in SAME_KEYS.items() if all(m.get(key) is not None for m in models.values())}
    same = [w for key, w in known.items() if len({m[key] for m in models.values()}) == 1]
    differ = [w for w in known.values() if w not in same]
    sameness = "; ".join(filter(None, [f"equal in {words_list(same)}" if same else "",
                                       f"different in {words_list(differ)}" if differ else ""]))
    return f"{words(r['compare_with'])} against {words(r['model'])}", sameness or "trained as their configs record"


def trajectory_runs(traj: dict) -> str:
    """"8 euler steps of `a` (rows "flow", t = 1.00, 0.88, …, 0.12) and ..." from the stored times."""
    def times(ts):
        shown = [f"{t:.2f}" if isinstance(t, float) else str(t) for t in ts]
        return ", ".join(shown if len(shown) <= 3 else shown[:2] + ["…", shown[-1]])

    return " and ".join(f"{traj['steps']} {run['sampler']} steps of `{run['model']}` (rows \"{run['rows']}\", "
                        f"t = {times(run['times'])})" for run in traj["runs"])


def card_fields(folder: Path, config: dict, r: dict) -> dict:
    """What flow_model.md is filled with: the stored report, the training settings and the NFE tables."""
    m, t, c = config["model"], config["training"], r["nfe_comparison"]
    steps = t["summary"]["steps"]
    about = (f"conditioned on the class with a learned null class ({t['cond_drop_prob'] * 100:.0f} % of labels dropped "
             "during training), so one network is both the conditional and the unconditional model that "
             "classifier-free guidance needs" if r["conditional"] else "with no condition at all")
    traj, (twins, sameness) = r["trajectories"], twin_words(r)
    return {**r, **unet_words(m), "name": folder.name, "about": about,
            "kind": "class-conditional flow matching" if r["conditional"] else "unconditional flow matching",
            "train_steps": steps, "train_minutes": t["summary"]["train_seconds"] / 60, "batch_size": t["batch_size"],
            "epochs": steps * t["batch_size"] / 60000, "lr": t["lr"],
            "warmup_steps": t["warmup_steps"], "grad_clip": t["grad_clip"], "ema_decay": t["ema_decay"],
            "seed": t["seed"], "t_sampling": T_SAMPLING_WORDS[t["flow_t_sampling"]], "loss": LOSS_WORDS[t["loss"]],
            "train_threads": f"{t['num_threads']} CPU thread{'s' if t['num_threads'] > 1 else ''}",
            "classifier_percent": r["classifier_test_accuracy"] * 100, "n": c["n"], "floor_at_n": c["floor_at_n"],
            "budgets": words_list(c["budgets"]), "twins": twins, "sameness": sameness,
            "nfe_table": "\n".join(table_lines(c)), "verdict": verdict(c), "all_rows": "\n".join(all_rows_lines(c)),
            "trajectories_name": TRAJECTORIES_NAME, "trajectory_classes": words_list(traj["classes"]),
            "trajectory_seed": traj["seed"], "trajectory_runs": trajectory_runs(traj)}
