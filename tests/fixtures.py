"""Tiny randomly initialised models saved as model directories, for tests that need a 'pretrained/'."""
from pathlib import Path

import torch

from diffusion_core.models import NoTimeDenoiserConfig, UNetConfig, build_model
from diffusion_core.pipeline import save_pipeline
from diffusion_core.schedules import make_schedule


def make_tiny_flow_model(root: Path, name: str = "tiny_flow") -> Path:
    """A class-conditional U-Net saved as a flow-matching model folder (config.json "flow")."""
    from diffusion_core.flow import FlowPath

    torch.manual_seed(1)
    model = build_model(UNetConfig(num_classes=10, base_channels=8, channel_mults=(1, 2), attention_levels=(),
                                   prediction_type="velocity"))
    save_pipeline(root / name, model, FlowPath(), {"dataset": "mnist", "class_names": [str(i) for i in range(10)]},
                  f"# {name}\n")
    return root


def make_tiny_models(root: Path, with_clip: bool = False) -> Path:
    torch.manual_seed(0)
    tiny = dict(base_channels=8, channel_mults=(1, 2), attention_levels=())
    specs = {"tiny_cond": (UNetConfig(num_classes=10, **tiny), "mnist"),
             "tiny_notime": (NoTimeDenoiserConfig(channels=(4, 8), bottleneck=16), "fashion_mnist")}
    for name, (cfg, dataset) in specs.items():
        info = {"dataset": dataset, "class_names": [f"class {i}" for i in range(10)]}
        save_pipeline(root / name, build_model(cfg), make_schedule("cosine", 1000), info, f"# {name}\n")
    if with_clip:
        from diffusion_core.text.prior import BANK_NAME, ImageBank
        from diffusion_core.text.clip import TINY_CLIP, create_clip, save_clip

        clip = create_clip(TINY_CLIP)
        clip.model.eval()
        save_clip(clip, root / "tiny_clip", card="# tiny clip\n")
        info = {"dataset": "mnist+fashion_mnist", "class_names": [], "clip": str(root / "tiny_clip")}
        save_pipeline(root / "tiny_text", build_model(UNetConfig(cond_dim=64, **tiny)), make_schedule("cosine", 1000), info, "# t\n")
        parts = {ds: (torch.rand(40, 1, 28, 28) * 2 - 1, torch.arange(40) % 10) for ds in ("mnist", "fashion_mnist")}
        ImageBank.build(clip, parts).save(root / "tiny_text" / BANK_NAME)
    return root


class VelocityField(torch.nn.Module):
    """A stand-in flow-matching network from a closed form v(x, t, cond, drop), t continuous (B, 1, 1, 1):
    it divides the t·time_scale a sampler feeds it back to t, and counts its calls."""

    def __init__(self, v, time_scale: float = 1000.0):
        super().__init__()
        self.v, self.time_scale, self.calls = v, time_scale, 0
        self.anchor = torch.nn.Parameter(torch.zeros(()))  # samplers read the device from the parameters

    def forward(self, xt, t, cond=None, drop_cond=None):
        self.calls += 1
        t = torch.as_tensor(t, dtype=xt.dtype).reshape(-1, 1, 1, 1).expand(xt.shape[0], 1, 1, 1) / self.time_scale
        return self.v(xt, t, cond, drop_cond)


def tiny_reference(n: int = 64):
    """A Reference without the dataset: an untrained classifier's features of n random images, floor 1.0."""
    from diffusion_core.evaluation.metrics import Reference, features
    from diffusion_core.models.classifier import Classifier, ClassifierConfig

    torch.manual_seed(2)
    classifier = Classifier(ClassifierConfig()).eval()
    return Reference(classifier, features(classifier, torch.rand(n, 1, 28, 28) * 2 - 1), 1.0)
