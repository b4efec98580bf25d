"""Train a model end to end: data -> model -> train_steps -> checkpoints -> an exported model directory.

Used by `python -m diffusion_core train`; runs unchanged under `torchrun --nproc_per_node N`.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, replace
from pathlib import Path

import torch
from safetensors.torch import load_file

from .. import flow_samplers
from ..data import DATASETS, ImageFolder, class_names, load_images
from ..emoji import CATEGORIES, dataset_style, load_emoji
from ..flow import FlowPath
from ..images import make_grid, save_png
from ..model_folder import read_config
from ..models import build_model, config_from_dict, config_to_dict, count_parameters
from ..pipeline import load_pipeline, save_pipeline
from ..samplers import generate
from ..schedules import NoiseSchedule, make_schedule
from .config import TrainConfig
from .loop import TrainState, distributed_setup, load_checkpoint, make_state, save_checkpoint, start_from, train_steps

INIT_NAME = "init.json"  # in a run folder: what --init started it from (lineage)


def load_training_data(cfg: TrainConfig, image_size: int):
    """(images, conditions): conditions are class labels, CLIP image embeddings (N, D), or None.
    Emoji ("emoji", "emoji_google", "emoji_twitter"; emoji.py) are (N, 3, image_size, image_size), labelled by
    category; an image folder is RGB with every label 0."""
    names = cfg.dataset.split("+")
    if dataset_style(cfg.dataset):
        emoji = load_emoji(cfg.data_root, image_size, dataset_style(cfg.dataset), limit=cfg.limit)
        images, labels = emoji.images, emoji.categories
    elif all(name in DATASETS for name in names):
        parts = [load_images(name, "train", cfg.data_root, limit=cfg.limit) for name in names]
        images = torch.cat([x for x, _ in parts])
        labels = torch.cat([y + 10 * i for i, (_, y) in enumerate(parts)])  # classes of the k-th dataset: 10k..10k+9
    else:
        folder = ImageFolder(cfg.dataset, image_size)
        n = min(len(folder), cfg.limit or len(folder))
        images, labels = torch.stack([folder[i][0] for i in range(n)]), torch.zeros(n, dtype=torch.long)
    if cfg.conditioning == "clip":
        return images, clip_image_embeddings(cfg, images)
    return images, (labels if cfg.conditioning == "class" else None)


@torch.no_grad()
def clip_image_embeddings(cfg: TrainConfig, images: torch.Tensor, batch: int = 500) -> torch.Tensor:
    """The unit-length CLIP image embedding of every training image, computed once: (N, D)."""
    from ..text.clip import load_clip

    clip = load_clip(cfg.clip, cfg.clip_pretrained)
    return clip.encode_images(images, batch)


def noise_process(cfg: TrainConfig) -> NoiseSchedule | FlowPath:
    """What x_t is made with: the noise schedule (ddpm) or the straight path of flow matching."""
    return FlowPath() if cfg.objective == "flow_matching" else make_schedule(cfg.schedule, cfg.num_timesteps)


def sample_grid(model, process, path, num_classes: int, seed: int = 0):
    """A grid of samples, 20 network evaluations each: DPM-Solver++ (ddpm) or 10 Heun steps (flow matching)."""
    cfg = model.config
    n = 4 * num_classes if num_classes else 36
    cond = torch.arange(num_classes).repeat_interleave(4) if num_classes else None
    shape = (n, cfg.in_channels, cfg.image_size, cfg.image_size)
    kwargs = dict(cond=cond, guidance_scale=2.0 if num_classes else 1.0, generator=torch.Generator().manual_seed(seed))
    if isinstance(process, FlowPath):
        images = flow_samplers.generate(model, process, shape, sampler="heun", num_steps=10, **kwargs)
    else:
        images = generate(model, process, shape, sampler="dpm_solver_pp", num_steps=20, **kwargs)
    save_png(make_grid(images, nrow=num_classes or 6, scale=2), path)


def export_info(cfg: TrainConfig, summary: dict) -> dict:
    """What a model directory's config.json records besides the model and schedule."""
    names = [n for part in cfg.dataset.split("+") if part in DATASETS for n in class_names(part)]
    names = list(CATEGORIES) if dataset_style(cfg.dataset) else names
    return {"dataset": cfg.dataset, "class_names": names, "clip": cfg.clip, "clip_pretrained": cfg.clip_pretrained,
            "training": {**asdict(cfg), "summary": summary}}


def lineage(model_dir) -> dict:
    """What a fine-tuned run starts from, as its summary records it ("init"): the folder, its data, steps and
    training seconds, and what that folder had started from in turn."""
    training = read_config(model_dir)["training"]
    summary = training["summary"]
    before = {"init": summary["init"]} if "init" in summary else {}
    return {"from": str(model_dir), "dataset": training["dataset"], "steps": summary["steps"],
            "train_seconds": summary["train_seconds"], **before}


def recorded_lineage(run_dir: Path) -> dict:
    """{"init": lineage} for a run started by --init (run_dir/init.json), else {}."""
    path = Path(run_dir) / INIT_NAME
    return {"init": json.loads(path.read_text())} if path.is_file() else {}


def start_state(model_config, cfg: TrainConfig, run_dir: Path, device) -> tuple[torch.nn.Module, TrainState, bool]:
    """The network (seeded alike on every rank) and its training state: resumed from run_dir's checkpoint, else
    started from cfg.init_from's weights when given (recording the lineage), else fresh: (model, state, resumed)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(cfg.seed)  # identical initial weights on every rank
    if cfg.objective == "flow_matching":
        model_config = replace(model_config, prediction_type="velocity")
    model = build_model(model_config).to(device)
    if cfg.channels_last:
        model = model.to(memory_format=torch.channels_last)
    (run_dir / "model_config.json").write_text(json.dumps(config_to_dict(model.config), indent=2))
    state = make_state(model, cfg)
    resumed = load_checkpoint(state, run_dir)
    if cfg.init_from and not resumed:
        start_from(state, cfg.init_from)
        (run_dir / INIT_NAME).write_text(json.dumps(lineage(cfg.init_from), indent=2))
    return model, state, resumed


def fit(model_config, cfg: TrainConfig, run_dir, out_dir=None, progress: bool = True, card_extra: str = "") -> dict:
    """Train (resuming from run_dir/checkpoint if present) and export the EMA weights to out_dir.

    With cfg.objective == "flow_matching" the network predicts the velocity: its config's prediction_type
    is recorded as "velocity" whatever model_config said."""
    if cfg.num_threads:
        torch.set_num_threads(cfg.num_threads)
    rank, world, device = distributed_setup()
    run_dir = Path(run_dir)
    model, state, resumed = start_state(model_config, cfg, run_dir, device)
    process = noise_process(cfg)
    images, labels = load_training_data(cfg, model.config.image_size)
    if world > 1:
        state.model = torch.nn.parallel.DistributedDataParallel(model)
    log_path = run_dir / "log.jsonl"
    bar = None
    if progress and rank == 0:
        from tqdm import tqdm

        bar = tqdm(total=cfg.steps, initial=state.step, desc="train", unit="step")
    started, losses = time.perf_counter(), []
    seconds_before = (json.loads((run_dir / "time.json").read_text())["seconds"]
                      if resumed and (run_dir / "time.json").exists() else 0.0)
    for stats in train_steps(state, images, labels, process, cfg, rank):
        losses.append(stats["loss"])
        if rank != 0:
            continue
        if bar:
            bar.update(1)
            bar.set_postfix(loss=f"{stats['loss']:.4f}")
        step = stats["step"]
        if step % cfg.log_every == 0:
            with log_path.open("a") as f:
                f.write(json.dumps({**stats, "loss_avg": sum(losses[-cfg.log_every:]) / len(losses[-cfg.log_every:])})
                        + "\n")
        if step % cfg.checkpoint_every == 0 or step == cfg.steps:
            save_checkpoint(state, run_dir, cfg)
            elapsed = seconds_before + time.perf_counter() - started
            (run_dir / "time.json").write_text(json.dumps({"seconds": elapsed, "step": step}))
        if cfg.sample_every and step % cfg.sample_every == 0:
            sample_grid(state.ema.model, process, run_dir / f"samples_{step:06d}.png", model.config.num_classes)
    if bar:
        bar.close()
    summary = {"steps": state.step, "world_size": world, "parameters": count_parameters(model),
               "train_seconds": seconds_before + time.perf_counter() - started, "resumed": resumed,
               "final_loss_avg": sum(losses[-100:]) / max(1, len(losses[-100:])) if losses else None,
               **recorded_lineage(run_dir)}
    if rank == 0 and out_dir is not None:
        save_pipeline(out_dir, state.ema.model, process, export_info(cfg, summary))
    if world > 1:
        torch.distributed.destroy_process_group()
    return summary


def export_run(run_dir, out_dir):
    """Export the EMA weights of a run's latest checkpoint (even mid-training) as a model directory."""
    run_dir = Path(run_dir)
    meta = json.loads((run_dir / "checkpoint" / "state.json").read_text())
    cfg = TrainConfig(**meta["train_config"])
    model = build_model(config_from_dict(json.loads((run_dir / "model_config.json").read_text())))
    model.load_state_dict(load_file(str(run_dir / "checkpoint" / "ema.safetensors")))
    seconds = json.loads((run_dir / "time.json").read_text())["seconds"] if (run_dir / "time.json").exists() else None
    summary = {"steps": meta["step"], "train_seconds": seconds, "parameters": count_parameters(model),
               **recorded_lineage(run_dir)}
    save_pipeline(out_dir, model, noise_process(cfg), export_info(cfg, summary))
    return load_pipeline(out_dir, device="cpu")
