import json
import os
import subprocess
import sys

import torch
from safetensors.torch import load_file

from diffusion_core.data import load_images
from diffusion_core.evaluation.metrics import neighbour_correlation
from diffusion_core.models import UNetConfig, build_model
from diffusion_core.pipeline import load_pipeline
from diffusion_core.schedules import make_schedule
from diffusion_core.training.loop import EMA, TrainConfig, loss_weights, make_state, train_steps
from tests.conftest import ROOT, require_dataset

TINY = UNetConfig(base_channels=16, channel_mults=(1, 2), attention_levels=(), num_classes=10)


def test_train_then_sample_on_fashion_mnist_subset(tmp_path):
    """300 steps on 2,000 Fashion-MNIST images: the loss falls and samples look like the data, not noise.

    Statistics: the correlation of neighbouring pixels (white noise ~0, data ~0.9) and the fraction of
    near-black pixels (< -0.9): Fashion-MNIST is about half black background, clipped N(0, 1) noise ~18 %."""
    require_dataset("fashion_mnist")
    from diffusion_core.training.run import fit

    cfg = TrainConfig(dataset="fashion_mnist", limit=2000, conditioning="class", steps=300, batch_size=32,
                      lr=2e-3, warmup_steps=20, ema_decay=0.99, sample_every=0, checkpoint_every=300, log_every=50)
    summary = fit(TINY, cfg, tmp_path / "run", tmp_path / "model", progress=False)
    log = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    first, last = log[0]["loss_avg"], log[-1]["loss_avg"]
    print(f"\nloss {first:.3f} -> {last:.3f}")
    assert last < 0.6 * first and summary["steps"] == 300

    pipe = load_pipeline(tmp_path / "model", device="cpu")
    samples = pipe.generate(32, labels=torch.arange(32) % 10, seed=0, sampler="ddim", num_steps=20)
    data, _ = load_images("fashion_mnist", "train", limit=2000)
    noise = torch.randn(32, 1, 28, 28).clamp(-1, 1)
    black = {name: (x < -0.9).float().mean().item() for name, x in [("samples", samples), ("data", data), ("noise", noise)]}
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
    fresh = make_state(build_model(UNetConfig(base_channels=8, channel_mults=(1, 2), attention_levels=())), TrainConfig())
    assert load_checkpoint(fresh, tmp_path) and fresh.step == 3
    resumed, _ = _tiny_run(6, fresh)
    for a, b in zip(straight.model.state_dict().values(), resumed.model.state_dict().values()):
        torch.testing.assert_close(a, b)
    assert set(load_file(str(tmp_path / "checkpoint" / "ema.safetensors"))) == set(half.ema.model.state_dict())


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


def test_torchrun_trains_with_two_cpu_processes(tmp_path):
    """The same CLI under torchrun: DistributedDataParallel with the gloo backend, 2 processes."""
    images = tmp_path / "images"
    images.mkdir()
    from PIL import Image

    for i in range(8):
        Image.new("RGB", (20, 20), (30 * i, 10, 200)).save(images / f"{i}.png")
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
