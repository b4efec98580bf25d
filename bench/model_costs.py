"""Parameters, GFLOP per image, inference ms per image per step and training throughput of each model
config, at 1 and 2 threads, measured side by side in one run on this CPU.

    python bench/model_costs.py
"""
import repo_path  # noqa: F401,I001 (first: the repository on sys.path)
import torch
from timing import median_time
from torch.utils.flop_counter import FlopCounterMode

from diffusion_core import NoTimeDenoiserConfig, UNetConfig, build_model, count_parameters, make_schedule
from diffusion_core.models.classifier import Classifier, ClassifierConfig
from diffusion_core.training.loop import TrainConfig, diffusion_loss

CONFIGS = {
    "default U-Net (class-cond, shipped)": UNetConfig(num_classes=10),
    "U-Net 16ch (4x fewer FLOPs)": UNetConfig(base_channels=16, num_classes=10),
    "ConvNeXt U-Net": UNetConfig(block_type="convnext", num_classes=10),
    "U-Net 48ch, 2 blocks/level": UNetConfig(base_channels=48, num_res_blocks=2, num_classes=10),
    "no-time denoiser (DLI)": NoTimeDenoiserConfig(),
}


def gflop_per_image(model) -> float:
    x = torch.zeros(1, 1, 28, 28)
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        model(x, torch.zeros(1, dtype=torch.long),
              torch.zeros(1, dtype=torch.long) if getattr(model.config, "num_classes", 0) else None)
    return counter.get_total_flops() / 1e9




def main():
    print(f"{'model':<38}{'params':>10}{'GFLOP/img':>11}  {'threads':>7}{'infer ms/img/step (b16)':>25}"
          f"{'train s/step (b64)':>20}")
    for name, cfg in CONFIGS.items():
        model = build_model(cfg).to(memory_format=torch.channels_last)
        params, gflop = count_parameters(model), gflop_per_image(model)
        for threads in (1, 2):
            torch.set_num_threads(threads)
            x, t = torch.randn(16, 1, 28, 28), torch.randint(0, 1000, (16,))
            y = torch.randint(0, 10, (16,)) if getattr(cfg, "num_classes", 0) else None
            model.eval()
            with torch.no_grad():
                infer = median_time(lambda: model(x, t, y)) / 16 * 1000
            model.train()
            opt, sched, tcfg = torch.optim.AdamW(model.parameters()), make_schedule("cosine"), TrainConfig()
            x64, y64 = torch.randn(64, 1, 28, 28), (torch.randint(0, 10, (64,)) if y is not None else None)
            g = torch.Generator().manual_seed(0)

            def step():
                loss = diffusion_loss(model, x64, y64, sched, tcfg, g, cfg.prediction_type)
                opt.zero_grad()
                loss.backward()
                opt.step()
            train = median_time(step, repeats=3)
            print(f"{name:<38}{params:>10,}{gflop:>11.3f}  {threads:>7}{infer:>25.2f}{train:>20.3f}")
    clf = Classifier(ClassifierConfig())
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        clf.eval()(torch.zeros(1, 1, 28, 28))
    print(f"{'domain classifier':<38}{count_parameters(clf):>10,}{counter.get_total_flops() / 1e9:>11.3f}")


if __name__ == "__main__":
    main()
