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
    tiny = {"base_channels": 8, "channel_mults": (1, 2), "attention_levels": ()}
    specs = {"tiny_cond": (UNetConfig(num_classes=10, **tiny), "mnist"),
             "tiny_notime": (NoTimeDenoiserConfig(channels=(4, 8), bottleneck=16), "fashion_mnist")}
    for name, (cfg, dataset) in specs.items():
        info = {"dataset": dataset, "class_names": [f"class {i}" for i in range(10)]}
        save_pipeline(root / name, build_model(cfg), make_schedule("cosine", 1000), info, f"# {name}\n")
    if with_clip:
        from diffusion_core.text.clip import TINY_CLIP, create_clip, save_clip
        from diffusion_core.text.prior import BANK_NAME, ImageBank

        clip = create_clip(TINY_CLIP)
        clip.model.eval()
        save_clip(clip, root / "tiny_clip", card="# tiny clip\n")
        info = {"dataset": "mnist+fashion_mnist", "class_names": [], "clip": str(root / "tiny_clip")}
        save_pipeline(root / "tiny_text", build_model(UNetConfig(cond_dim=64, **tiny)), make_schedule("cosine", 1000),
                      info, "# t\n")
        parts = {ds: (torch.rand(40, 1, 28, 28) * 2 - 1, torch.arange(40) % 10) for ds in ("mnist", "fashion_mnist")}
        ImageBank.build(clip, parts).save(root / "tiny_text" / BANK_NAME)
    return root


def make_tiny_rgb_model(root: Path, name: str = "tiny_rgb") -> Path:
    """A CLIP-conditioned U-Net on 32×32 colour pictures with its emoji CLIP and prompt domain (as
    pretrained/emoji_text), random weights."""
    from diffusion_core.text.clip import create_clip, save_clip
    from diffusion_core.text.emoji_clip import EMOJI_CLIP
    from diffusion_core.text.prompt_domain import (
        EMOJI_EXAMPLES,
        EMOJI_KNOWS,
        PromptDomain,
        save_domain,
    )

    torch.manual_seed(3)
    clip = create_clip(EMOJI_CLIP)
    clip.model.eval()
    save_clip(clip, root / "tiny_emoji_clip", card="# tiny emoji clip\n")
    cfg = UNetConfig(in_channels=3, image_size=32, cond_dim=clip.embed_dim, base_channels=8, channel_mults=(1, 2),
                     attention_levels=())
    info = {"dataset": "emoji", "class_names": [], "clip": str(root / "tiny_emoji_clip")}
    save_pipeline(root / name, build_model(cfg), make_schedule("cosine", 1000), info, f"# {name}\n")
    words = {w for e in EMOJI_EXAMPLES for w in e.split()} | {"emoji", "of", "face", "cat"}
    save_domain(PromptDomain("emoji", EMOJI_KNOWS, frozenset(words), frozenset(words - {"a", "the", "of", "red"}),
                             EMOJI_EXAMPLES), root / name)
    return root


def add_near_copies(model_dir: Path, emoji_root: Path, share: float = 0.03) -> Path:
    """A prior bank of the fake emoji (make_fake_emoji) and a near_copies.json measured on them (its threshold
    from the bank, its share given) for a tiny emoji model folder (make_tiny_rgb_model). Returns model_dir."""
    from diffusion_core.emoji import load_emoji
    from diffusion_core.near_copies import (
        FEATURE_SPACE,
        NearCopyReport,
        near_copy_threshold,
        save_report,
    )
    from diffusion_core.text.prior import build_bank_for_model, load_bank

    build_bank_for_model(model_dir, data_root=emoji_root)
    tau = near_copy_threshold(load_bank(model_dir).embeddings, load_emoji(emoji_root).keys)
    save_report(NearCopyReport(FEATURE_SPACE, tau, 95.0, 504, share, 0.8, training_pictures=12), model_dir)
    return model_dir


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


FAKE_EMOJI = [  # name, short names, category, subcategory, file, RGB of its shape, shape, skin tones
    ("HEAVY BLACK HEART", ["heart"], "Smileys & Emotion", "heart", "2764.png", (220, 30, 40), "disc", False),
    ("SMILING FACE WITH SUNGLASSES", ["sunglasses"], "Smileys & Emotion", "face-glasses", "1f60e.png",
     (255, 204, 77), "disc", False),
    ("Japan Flag", ["jp", "flag-jp"], "Flags", "country-flag", "1f1ef-1f1f5.png", (255, 255, 255), "flag", False),
    ("ORANGE HEART", ["orange_heart"], "Smileys & Emotion", "heart", "1f9e1.png", (244, 144, 12), "disc", False),
    ("WAVING HAND SIGN", ["wave"], "People & Body", "hand-fingers-open", "1f44b.png", (60, 90, 220), "disc", True),
    ("GREEN APPLE", ["green_apple"], "Food & Drink", "food-fruit", "1f34f.png", (60, 180, 60), "disc", False),
]


def make_fake_emoji(root: Path, styles=("google", "twitter"), repeat: int = 1) -> Path:
    """root/<style>/img64/*.png (64×64 RGBA: a coloured disc or flag on a transparent ground) and emoji.json in
    the layout of emoji-datasource; the waving hand has one skin-tone variant. repeat > 1 adds copies named
    "<name> <r>" (so that emoji.held_out, every 20th, keeps one out). Returns root."""
    import json

    import numpy as np
    from PIL import Image

    yy, xx = np.mgrid[0:64, 0:64]
    disc = (yy - 31.5) ** 2 + (xx - 31.5) ** 2 < 26 ** 2
    for s, style in enumerate(styles):
        (root / style / "img64").mkdir(parents=True)
        entries = []
        for order, (name, shorts, cat, sub, file, rgb, shape, tones) in enumerate(FAKE_EMOJI * repeat):
            r = order // len(FAKE_EMOJI)
            name, file = (f"{name} {r}", file.replace(".png", f"-{r}.png")) if r else (name, file)
            rgba = np.zeros((64, 64, 4), np.uint8)
            body = disc if shape == "disc" else (yy >= 12) & (yy < 52)
            rgba[body] = (*(min(255, c + 10 * s) if c < 250 else c for c in rgb), 255)
            if shape == "flag":
                rgba[((yy - 31.5) ** 2 + (xx - 31.5) ** 2 < 12 ** 2)] = (200, 20, 40, 255)  # the red sun
            Image.fromarray(rgba, "RGBA").save(root / style / "img64" / file)
            entry = {"name": name, "short_names": shorts, "category": cat, "subcategory": sub, "image": file,
                     "sort_order": order, "skin_variations": None}
            if tones:
                tone_file = file.replace(".png", "-1f3fd.png")
                Image.fromarray(rgba, "RGBA").save(root / style / "img64" / tone_file)
                entry["skin_variations"] = {"1F3FD": {"image": tone_file}}
            entries.append(entry)
        (root / style / "emoji.json").write_text(json.dumps(entries))
    return root
