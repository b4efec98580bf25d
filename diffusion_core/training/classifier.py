"""Training the domain classifiers (models/classifier.py) that evaluation measures with: one per grey dataset
(28×28×1, 10 classes) and the colour judge of emoji (32×32×3, 9 categories, trained on the google style and
checked on the twitter one; emoji.judge_images). Mirroring emoji left-right did not help the judge (1,500 steps
of batch 64: 63 % across styles with it, 65 % without)."""
from __future__ import annotations

from dataclasses import asdict

import torch
import torch.nn.functional as F

from ..evaluation.metrics import accuracy, judged_class_names, judged_images
from ..model_folder import save_model_folder
from ..models.classifier import Classifier, ClassifierConfig


def train_classifier(dataset: str, epochs: int = 3, batch_size: int = 128, seed: int = 0, data_root=None,
                     limit: int | None = None, progress: bool = False) -> tuple[Classifier, float]:
    """AdamW + one-cycle LR, light random shifts; returns the model and its test accuracy. Its size
    follows the data: in_channels and image_size from the pictures, num_classes from the dataset's class names."""
    torch.manual_seed(seed)
    x, y = judged_images(dataset, "train", data_root, limit=limit)  # (N, C, H, W), (N,)
    model = Classifier(ClassifierConfig(in_channels=x.shape[1], image_size=x.shape[-1],
                                        num_classes=len(judged_class_names(dataset))))
    steps = epochs * max(1, len(x) // batch_size)
    opt = torch.optim.AdamW(model.parameters(), 2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=steps)
    g = torch.Generator().manual_seed(seed)
    model.train()
    for step in range(steps):
        idx = torch.randint(0, len(x), (batch_size,), generator=g)
        xb = x[idx]
        shift = torch.randint(-2, 3, (2,), generator=g).tolist()
        xb = torch.roll(xb, shifts=shift, dims=(2, 3))
        loss = F.cross_entropy(model(xb), y[idx], label_smoothing=0.05)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if progress and step % 200 == 0:
            print(f"classifier step {step}/{steps} loss {loss.item():.3f}", flush=True)
    xt, yt = judged_images(dataset, "test", data_root, limit=limit)
    return model.eval(), accuracy(model, xt, yt)


def save_classifier(model: Classifier, directory, info: dict, card: str | None = None):
    """A model folder: config.json ({"model": its config, **info}), model.safetensors and, if given, the card."""
    return save_model_folder(directory, {"model": asdict(model.config), **info}, model.state_dict(), card)
