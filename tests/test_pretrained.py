"""The shipped weights: each model directory loads, is safetensors + config + card under 10 MB, and generates."""
import json

import pytest
import torch

from diffusion_core.data import load_images
from diffusion_core.emoji import CATEGORIES, dataset_style
from diffusion_core.evaluation.metrics import accuracy, load_classifier
from diffusion_core.pipeline import load_pipeline
from diffusion_core.text.clip import load_clip, load_clip_of, zero_shot_accuracy
from tests.conftest import ROOT, require_dataset

PRETRAINED = ROOT / "pretrained"
DIRS = sorted(p for p in PRETRAINED.glob("*/") if (p / "config.json").exists())
DIFFUSION = [p for p in DIRS if "schedule" in json.loads((p / "config.json").read_text())]
CLASSIFIER_TARGETS = {"mnist": 0.985, "fashion_mnist": 0.90}


def test_shipped_models_are_present():
    names = {p.name for p in DIRS}
    assert {"mnist_cond", "fashion_mnist_cond", "fashion_mnist_notime", "classifier_mnist", "classifier_fashion_mnist",
            "tiny_clip"} <= names


@pytest.mark.parametrize("directory", DIRS, ids=lambda p: p.name)
def test_directory_is_safetensors_config_and_card(directory):
    files = {f.name for f in directory.iterdir()}
    assert {"config.json", "model.safetensors", "README.md"} <= files
    assert not any(f.endswith((".pt", ".pth", ".pkl", ".bin", ".ckpt")) for f in files)
    assert (directory / "model.safetensors").stat().st_size < 10 * 2**20


@pytest.mark.parametrize("directory", DIFFUSION, ids=lambda p: p.name)
def test_diffusion_model_generates_reproducibly(directory):
    pipe = load_pipeline(directory, device="cpu")
    cfg = pipe.config
    emoji = dataset_style(pipe.info["dataset"]) is not None  # colour pictures on white, 32×32×3
    assert (cfg.image_size, cfg.in_channels) == ((32, 3) if emoji else (28, 1)) and pipe.schedule.num_timesteps == 1000
    parts = pipe.info["dataset"].split("+")
    if emoji:
        assert pipe.info["class_names"] == list(CATEGORIES)
    else:
        assert set(parts) <= {"mnist", "fashion_mnist"} and len(pipe.info["class_names"]) == 10 * len(parts)
    labels = [3, 7] if cfg.num_classes else None
    cond = None
    if pipe.info.get("clip"):  # a text-conditioned model: condition on its CLIP's text embedding
        clip = load_clip_of(pipe.info)
        assert cfg.cond_dim == clip.embed_dim
        # (emoji_text draws "a red heart" as a red square so far: its card says so)
        cond = clip.encode_text(["a smiling face with sunglasses", "a green apple"] if emoji
                                else ["a bold seven", "dark ankle boots"]).detach()
    a = pipe.generate(2, labels=labels, cond=cond, seed=0, sampler="ddim", num_steps=5, guidance_scale=2.0)
    b = pipe.generate(2, labels=labels, cond=cond, seed=0, sampler="ddim", num_steps=5, guidance_scale=2.0)
    assert torch.equal(a, b) and a.shape == (2, cfg.in_channels, cfg.image_size, cfg.image_size) and a.abs().max() <= 1
    if emoji:  # the colours follow the prompt (its card: shapes are not recognisable yet, backgrounds not white)
        (r1, g1, b1), (r2, g2, b2) = a.mean((2, 3)).tolist()
        assert min(r1, g1) > b1 + 0.5 and g2 > max(r2, b2) + 0.3  # a yellow face, a green apple
    else:  # much plain background, like the data: black digits and clothes (clipped noise: ~18 %)
        assert (a < -0.9).float().mean() > 0.25


@pytest.mark.parametrize("dataset", list(CLASSIFIER_TARGETS))
def test_classifier_meets_its_stated_accuracy(dataset):
    directory = PRETRAINED / f"classifier_{dataset}"
    stated = json.loads((directory / "config.json").read_text())["test_accuracy"]
    assert stated >= CLASSIFIER_TARGETS[dataset]
    require_dataset(dataset)
    x, y = load_images(dataset, "test", limit=2000)
    assert accuracy(load_classifier(directory), x, y) >= CLASSIFIER_TARGETS[dataset] - 0.02


@pytest.mark.parametrize("dataset", ["mnist", "fashion_mnist"])
def test_small_clip_reads_prompts_as_its_card_says(dataset):
    clip = load_clip(str(PRETRAINED / "tiny_clip"))
    assert clip.embed_dim == 64 and clip.info["caption_thresholds"].keys() == {"mnist", "fashion_mnist"}
    stated = clip.info["zero_shot_accuracy"][dataset]
    require_dataset(dataset)
    x, y = load_images(dataset, "test", limit=1000)
    assert abs(zero_shot_accuracy(clip, dataset, x, y) - stated) < 0.05  # the first 1000 test images vs all 10,000


def test_text_model_prior_bank_retrieves_the_named_class():
    """The shipped retrieval prior: embeddings of the first training images under the model's CLIP, and for every
    class prompt most of the 32 retrieved images are of the named class."""
    from diffusion_core.evaluation.text import class_prompt
    from diffusion_core.text.prior import load_bank

    pipe = load_pipeline(PRETRAINED / "text_cond", device="cpu")
    bank, clip = load_bank(PRETRAINED / "text_cond"), load_clip_of(pipe.info)
    assert bank is not None and bank.datasets == ("mnist", "fashion_mnist")
    assert bank.embeddings.shape[1] == clip.embed_dim
    require_dataset("mnist")
    x, _ = load_images("mnist", "train", limit=8)
    assert torch.allclose(bank.embeddings[:8], clip.encode_images(x).detach(), atol=2e-3)  # float16 storage
    hits = 0
    for dataset in bank.datasets:
        names = bank.class_names[bank.datasets.index(dataset)]
        for c in range(10):
            top_class, count = bank.composition(clip.encode_text([class_prompt(dataset, c)]))[0]
            hits += top_class == f"{dataset}: {names[c]}" and count >= 16
    assert hits >= 18, f"only {hits}/20 class prompts retrieve mostly their class"
