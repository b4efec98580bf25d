import json
import os
import subprocess
import sys

import pytest
import torch
from safetensors.torch import load_file

from diffusion_core.data import load_images
from diffusion_core.evaluation.metrics import neighbour_correlation
from diffusion_core.flow import FlowPath
from diffusion_core.models import UNetConfig, build_model
from diffusion_core.pipeline import FlowPipeline, load_pipeline
from diffusion_core.schedules import make_schedule
from diffusion_core.training.loop import (
    EMA,
    TrainConfig,
    flow_matching_loss,
    loss_weights,
    make_state,
    objective_loss,
    train_steps,
)
from tests.conftest import ROOT, require_dataset
from tests.fixtures import VelocityField

TINY = UNetConfig(base_channels=16, channel_mults=(1, 2), attention_levels=(), num_classes=10)


def test_train_then_sample_on_fashion_mnist_subset(tmp_path):
    """250 steps of batch 16 on 2,000 Fashion-MNIST images: the loss falls and samples look like the data, not noise.

    Statistics: the correlation of neighbouring pixels (white noise ~0, data ~0.9) and the fraction of
    near-black pixels (< -0.9): Fashion-MNIST is about half black background, clipped N(0, 1) noise ~18 %."""
    require_dataset("fashion_mnist")
    from diffusion_core.training.run import fit

    cfg = TrainConfig(dataset="fashion_mnist", limit=2000, conditioning="class", steps=250, batch_size=16,
                      lr=3e-3, warmup_steps=20, ema_decay=0.99, min_snr_gamma=0.0, sample_every=0,
                      checkpoint_every=250, log_every=50)
    summary = fit(TINY, cfg, tmp_path / "run", tmp_path / "model", progress=False)
    log = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    first, last = log[0]["loss_avg"], log[-1]["loss_avg"]
    print(f"\nloss {first:.3f} -> {last:.3f}")
    assert last < 0.6 * first and summary["steps"] == 250

    pipe = load_pipeline(tmp_path / "model", device="cpu")
    samples = pipe.generate(32, labels=torch.arange(32) % 10, seed=0, sampler="ddim", num_steps=20)
    data, _ = load_images("fashion_mnist", "train", limit=2000)
    noise = torch.randn(32, 1, 28, 28).clamp(-1, 1)
    black = {name: (x < -0.9).float().mean().item()
             for name, x in [("samples", samples), ("data", data), ("noise", noise)]}
    corr = {name: neighbour_correlation(x) for name, x in [("samples", samples), ("data", data), ("noise", noise)]}
    print("near-black pixel fraction:", black, "neighbour correlation:", corr)
    assert corr["samples"] > 0.6 and abs(corr["noise"]) < 0.05
    assert black["samples"] > black["noise"] + 0.05


def _tiny_run(steps, state=None):
    torch.manual_seed(0)
    model = build_model(UNetConfig(base_channels=8, channel_mults=(1, 2), attention_levels=()))
    state = state or make_state(model, TrainConfig())
    images = torch.rand(64, 1, 28, 28) * 2 - 1
    cfg = TrainConfig(steps=steps, batch_size=8, warmup_steps=2)
    stats = list(train_steps(state, images, None, make_schedule("linear", 100), cfg))
    return state, stats


def test_resume_repeats_exactly_the_uninterrupted_run(tmp_path):
    from diffusion_core.training.loop import load_checkpoint, save_checkpoint

    straight, stats = _tiny_run(6)
    assert len(stats) == 6 and all({"loss", "lr", "grad_norm"} <= set(s) for s in stats)
    half, _ = _tiny_run(3)
    save_checkpoint(half, tmp_path, TrainConfig())
    torch.manual_seed(0)
    fresh = make_state(build_model(UNetConfig(base_channels=8, channel_mults=(1, 2), attention_levels=())),
                       TrainConfig())
    assert load_checkpoint(fresh, tmp_path) and fresh.step == 3
    resumed, _ = _tiny_run(6, fresh)
    for a, b in zip(straight.model.state_dict().values(), resumed.model.state_dict().values()):
        torch.testing.assert_close(a, b)
    assert set(load_file(str(tmp_path / "checkpoint" / "ema.safetensors"))) == set(half.ema.model.state_dict())


def test_init_from_starts_weights_and_ema_from_a_model_folder_of_the_same_network(tmp_path):
    """Fine-tuning (train --init): the run's weights and EMA become the folder's; another architecture is refused."""
    from diffusion_core.pipeline import save_pipeline
    from diffusion_core.training.loop import start_from

    shipped, _ = _tiny_run(2)
    save_pipeline(tmp_path / "model", shipped.ema.model, make_schedule("linear", 100))
    torch.manual_seed(1)
    fresh = make_state(build_model(UNetConfig(base_channels=8, channel_mults=(1, 2), attention_levels=())),
                       TrainConfig())
    start_from(fresh, tmp_path / "model")
    for name, w in shipped.ema.model.state_dict().items():
        torch.testing.assert_close(fresh.model.state_dict()[name], w)
        torch.testing.assert_close(fresh.ema.model.state_dict()[name], w)
    assert fresh.step == 0  # the optimizer and the learning-rate schedule start afresh
    wider = make_state(build_model(UNetConfig(base_channels=16, channel_mults=(1, 2), attention_levels=())),
                       TrainConfig())
    with pytest.raises(ValueError, match="different network"):
        start_from(wider, tmp_path / "model")


def test_ema_and_min_snr_weights():
    lin = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(lin.weight)
    ema = EMA(lin, decay=0.5)
    torch.nn.init.ones_(lin.weight)
    ema.update(lin)  # d = min(0.5, 2/11) = 0.1818 -> 0.8182
    assert ema.model.weight.item() == torch.tensor(1 - 2 / 11).item()
    s, t = make_schedule("linear"), torch.tensor([0, 500, 999])
    w = loss_weights(s, t, "eps", 5.0)
    torch.testing.assert_close(w, s.snr[t].clamp(max=5) / s.snr[t])
    assert w[0] < 1e-3 and w[2] == 1 and torch.equal(loss_weights(s, t, "eps", 0), torch.ones(3))


def _image_folder(folder, n=8):
    """n small RGB PNGs: a dataset for the image-folder path of load_training_data."""
    from PIL import Image

    folder.mkdir()
    for i in range(n):
        Image.new("RGB", (20, 20), (30 * i, 10, 200)).save(folder / f"{i}.png")
    return folder


def test_torchrun_trains_with_two_cpu_processes(tmp_path):
    """The same CLI under torchrun: DistributedDataParallel with the gloo backend, 2 processes."""
    images = _image_folder(tmp_path / "images")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", "29533",
           "-m", "diffusion_core", "train", "--dataset", str(images), "--image-size", "16", "--in-channels", "3",
           "--base-channels", "8", "--channel-mults", "1", "2", "--attention-levels", "--steps", "3",
           "--batch-size", "4", "--threads", "1", "--sample-every", "0", "--run-dir", str(tmp_path / "run"),
           "--out", str(tmp_path / "model")]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert '"world_size": 2' in result.stdout
    assert load_pipeline(tmp_path / "model", device="cpu").config.in_channels == 3


@pytest.mark.parametrize("t_sampling", ["uniform", "logit_normal"])
def test_flow_matching_loss_of_the_true_velocity_is_zero(t_sampling):
    """Data = one image x*: on the path x_t = (1 − t) x* + t ε the true velocity (x_t − x*)/t is ε − x* exactly."""
    x_star = torch.linspace(-1, 1, 3 * 16 * 16).reshape(1, 3, 16, 16)
    seen = {}

    def true_velocity(x, t, cond, drop):
        seen.update(t=t, cond=cond, drop=drop)
        return (x - x_star) / t

    cfg = TrainConfig(objective="flow_matching", flow_t_sampling=t_sampling, cond_drop_prob=0.5)
    x0, cond, g = x_star.expand(64, -1, -1, -1), torch.arange(64) % 10, torch.Generator().manual_seed(0)
    loss = flow_matching_loss(VelocityField(true_velocity), x0, cond, FlowPath(), cfg, g)
    assert loss < 1e-8
    assert 0 < seen["t"].min() and seen["t"].max() < 1 and torch.equal(seen["cond"], cond)  # t back from t·1000
    assert seen["drop"].dtype == torch.bool and 0 < seen["drop"].float().mean() < 1  # the null token, as for DDPM
    zero = VelocityField(lambda x, t, c, d: torch.zeros_like(x))  # a wrong field: L = E‖ε − x*‖² ≈ 1 + mean(x*²)
    assert 1 < flow_matching_loss(zero, x0, cond, FlowPath(), cfg, g) < 2


def test_objective_settings_are_checked():
    with pytest.raises(ValueError, match="unknown objective"):
        TrainConfig(objective="score_matching")
    with pytest.raises(ValueError, match="Min-SNR"):
        TrainConfig(objective="flow_matching", min_snr_gamma=5.0)
    with pytest.raises(ValueError, match="unknown flow_t_sampling"):
        TrainConfig(objective="flow_matching", flow_t_sampling="beta")
    eps_model = build_model(UNetConfig(base_channels=8, channel_mults=(1, 2), attention_levels=()))
    with pytest.raises(ValueError, match="prediction_type 'velocity'"):
        objective_loss(eps_model, FlowPath(), TrainConfig(objective="flow_matching"), "cpu")
    with pytest.raises(ValueError, match="ddpm takes a NoiseSchedule"):
        objective_loss(eps_model, FlowPath(), TrainConfig(), "cpu")


def test_flow_matching_trains_saves_loads_and_samples(tmp_path):
    """3 steps of a tiny class-conditional U-Net with objective flow_matching (sample grid included), exported as a
    flow model folder that samples with every flow sampler, with guidance."""
    from diffusion_core.training.run import fit

    cfg = TrainConfig(dataset=str(_image_folder(tmp_path / "images")), conditioning="class", objective="flow_matching",
                      steps=3, batch_size=4, warmup_steps=1, sample_every=3, checkpoint_every=3, log_every=1)
    model_config = UNetConfig(image_size=16, in_channels=3, base_channels=8, channel_mults=(1, 2), attention_levels=(),
                              num_classes=10)
    summary = fit(model_config, cfg, tmp_path / "run", tmp_path / "model", progress=False)
    assert summary["steps"] == 3 and (tmp_path / "run" / "samples_000003.png").is_file()
    config = json.loads((tmp_path / "model" / "config.json").read_text())
    assert config["flow"] == FlowPath().to_dict() and "schedule" not in config
    assert config["model"]["prediction_type"] == "velocity" and config["training"]["objective"] == "flow_matching"
    pipe = load_pipeline(tmp_path / "model", device="cpu")
    assert isinstance(pipe, FlowPipeline)
    for sampler in ("euler", "heun", "midpoint"):
        images = pipe.generate(4, labels=[0, 1, 2, 3], seed=0, sampler=sampler, num_steps=3, guidance_scale=3.0)
        assert images.shape == (4, 3, 16, 16) and torch.isfinite(images).all()


@pytest.mark.parametrize("size", [32, 64])
def test_an_rgb_image_folder_trains_exports_and_samples_in_colour(tmp_path, size):
    """The course's car-photo workflow in miniature: `train --dataset <folder> --in-channels 3` at 32×32×3 and
    64×64×3 (attention at the lowest level), the exported folder sampling (B, 3, size, size)."""
    from diffusion_core.cli import main

    folder = _image_folder(tmp_path / "images")
    assert main(["train", "--dataset", str(folder), "--image-size", str(size), "--in-channels", "3",
                 "--base-channels", "8", "--channel-mults", "1", "2", "--attention-levels", "1", "--steps", "3",
                 "--batch-size", "4", "--threads", "1", "--sample-every", "0", "--checkpoint-every", "3",
                 "--run-dir", str(tmp_path / "run"), "--out", str(tmp_path / "model")]) == 0
    pipe = load_pipeline(tmp_path / "model", device="cpu")
    assert (pipe.config.in_channels, pipe.config.image_size) == (3, size)
    images = pipe.generate(2, seed=0, sampler="ddim", num_steps=3)
    assert images.shape == (2, 3, size, size) and torch.isfinite(images).all()
