"""Training the domain classifier (models/classifier.py) that evaluation measures with."""
from __future__ import annotations

from dataclasses import asdict

import torch
import torch.nn.functional as F

from ..data import load_images
from ..evaluation.metrics import accuracy
from ..model_folder import save_model_folder
from ..models.classifier import Classifier, ClassifierConfig


def train_classifier(dataset: str, epochs: int = 3, batch_size: int = 128, seed: int = 0, data_root=None,
                     limit: int | None = None, progress: bool = False) -> tuple[Classifier, float]:
    """AdamW + one-cycle LR, light random shifts; returns the model and its test accuracy."""
    torch.manual_seed(seed)
    x, y = load_images(dataset, "train", data_root, limit=limit)
    model = Classifier(ClassifierConfig())
    steps = epochs * (len(x) // batch_size)
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
    xt, yt = load_images(dataset, "test", data_root, limit=limit)
    return model.eval(), accuracy(model, xt, yt)


def save_classifier(model: Classifier, directory, info: dict, card: str | None = None):
    """A model folder: config.json ({"model": its config, **info}), model.safetensors and, if given, the card."""
    return save_model_folder(directory, {"model": asdict(model.config), **info}, model.state_dict(), card)
