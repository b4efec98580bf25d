import torch
import torch.nn.functional as F

from diffusion_core.text.captions import measure, thresholds
from diffusion_core.text.clip import (
    TINY_CLIP,
    attribute_retrieval_accuracy,
    captioned_data,
    create_clip,
    load_clip,
    load_clip_of,
    save_clip,
    train_clip_steps,
    zero_shot_accuracy,
)


def _tiny_data():
    g = torch.Generator().manual_seed(0)
    images = torch.full((40, 1, 28, 28), -1.0)
    labels = torch.arange(40) % 2
    images[labels == 0, :, 4:24, 12:16] = 1  # class 0: a vertical bar
    images[labels == 1, :, 12:16, 4:24] = 1  # class 1: a horizontal bar
    images += 0.1 * torch.randn(images.shape, generator=g)
    return captioned_data({"mnist": (images, labels)})


def test_embeddings_have_the_configured_size_and_unit_norm():
    clip = create_clip(TINY_CLIP)
    img = clip.encode_images(torch.zeros(3, 1, 28, 28))
    txt = clip.encode_text(["a bold seven", "", "x " * 500])  # empty and over-long prompts are fine
    assert img.shape == (3, 64) and txt.shape == (3, 64) and clip.embed_dim == 64
    torch.testing.assert_close(txt.norm(dim=-1), torch.ones(3))


def test_small_clip_loss_falls_and_round_trips(tmp_path):
    torch.manual_seed(0)
    clip = create_clip(TINY_CLIP)
    losses = [s["loss"] for s in train_clip_steps(clip, _tiny_data(), steps=60, batch_size=16, lr=3e-4, warmup_steps=5)]
    # chance is log(16) = 2.77; two classes of 8 identical-looking images each bound it below by log(8) = 2.08
    print(f"\nCLIP loss {losses[0]:.2f} -> {sum(losses[-5:]) / 5:.2f}")
    assert sum(losses[-5:]) / 5 < 2.5
    save_clip(clip, tmp_path / "clip", card="# tiny\n")
    again = load_clip(str(tmp_path / "clip"))
    x = torch.rand(2, 1, 28, 28)
    torch.testing.assert_close(again.encode_images(x), clip.encode_images(x), atol=2e-2, rtol=0)  # stored as fp16
    acc = zero_shot_accuracy(again, "mnist", x, torch.tensor([0, 1]))
    assert 0 <= acc <= 1


def test_clip_conditioned_unet_trains_and_samples_from_text(tmp_path):
    """The U-Net learns on CLIP image embeddings and generates from CLIP text embeddings with guidance."""
    from diffusion_core.models import UNetConfig
    from diffusion_core.pipeline import load_pipeline
    from diffusion_core.training.loop import TrainConfig
    from diffusion_core.training.run import fit
    from tests.conftest import require_dataset

    require_dataset("mnist")
    torch.manual_seed(0)
    save_clip(create_clip(TINY_CLIP), tmp_path / "clip")
    cfg = TrainConfig(dataset="mnist+fashion_mnist", limit=64, conditioning="clip", clip=str(tmp_path / "clip"),
                      steps=3, batch_size=8, sample_every=0, checkpoint_every=3)
    model_cfg = UNetConfig(base_channels=8, channel_mults=(1, 2), attention_levels=(), cond_dim=64)
    fit(model_cfg, cfg, tmp_path / "run", tmp_path / "model", progress=False)
    pipe = load_pipeline(tmp_path / "model", device="cpu")
    assert pipe.info["clip"] == str(tmp_path / "clip") and pipe.info["class_names"][10] == "T-shirt/top"
    text = load_clip_of(pipe.info).encode_text(["a bold seven"]).expand(2, -1)
    images = pipe.generate(2, cond=text, guidance_scale=3.0, sampler="ddim", num_steps=3)
    assert images.shape == (2, 1, 28, 28) and torch.isfinite(images).all()


class _ThicknessClip:
    """A stand-in CLIP that sees only stroke thickness and reads only the words 'bold' and 'thin'."""
    def encode_images(self, images):
        t = torch.tensor(measure(images)["thickness"], dtype=torch.float32)
        return F.normalize(torch.stack([t - 3.5, torch.ones_like(t)], 1), dim=-1)  # leans to +x when bold

    def encode_text(self, texts):
        return F.normalize(torch.tensor([[1.0 if "bold" in s else -1.0 if "thin" in s else 0.0, 1.0] for s in texts]),
                           dim=-1)


def test_attribute_retrieval_scores_a_clip_that_sees_thickness_perfectly_on_thickness():
    images = torch.full((30, 1, 28, 28), -1.0)
    for i in range(30):
        width = 1 + i % 6  # strokes 1..6 px wide
        images[i, :, 4:24, 10:10 + width] = 1
    labels = torch.arange(30) % 10
    cuts = thresholds(measure(images))
    acc = attribute_retrieval_accuracy(_ThicknessClip(), "mnist", images, labels, cuts)
    assert set(acc) == {"size", "thickness", "slant"}
    assert acc["thickness"] == 1.0  # the words follow the measured widths, and so does the stand-in


def test_open_clip_name_with_a_local_weights_file_is_the_online_path(tmp_path):
    """`--clip ViT-B-32 --clip-pretrained <tag or file>` goes through open_clip's factory; offline, the same call
    with the small config and a local safetensors file must give the same embeddings as the saved model."""
    from safetensors.torch import save_file

    torch.manual_seed(1)
    clip = create_clip(TINY_CLIP)
    clip.model.eval()
    weights = tmp_path / "tiny_clip_weights.safetensors"
    save_file({k: v.contiguous() for k, v in clip.model.state_dict().items()}, str(weights))
    loaded = load_clip(TINY_CLIP, pretrained=str(weights))
    x = torch.rand(3, 1, 28, 28) * 2 - 1
    with torch.no_grad():
        torch.testing.assert_close(loaded.encode_images(x), clip.encode_images(x))
        torch.testing.assert_close(loaded.encode_text(["a bold seven"]), clip.encode_text(["a bold seven"]))
    assert not loaded.model.training and loaded.name == TINY_CLIP


def test_a_clip_saved_with_only_the_tokens_its_captions_use_reads_those_words_the_same(tmp_path):
    """save_clip(keep_tokens=...) stores those rows of the 49,408-row token table; they load in place, others as 0."""
    clip = create_clip(TINY_CLIP)
    clip.model.eval()
    prompts = ["a bold seven", "a thin slanted two"]
    keep = sorted({t for p in prompts for t in clip.tokenizer(p)[0].tolist()})
    save_clip(clip, tmp_path / "full")
    save_clip(clip, tmp_path / "kept", keep_tokens=keep)
    full, kept = (tmp_path / d / "model.safetensors" for d in ("full", "kept"))
    assert kept.stat().st_size < full.stat().st_size - 6_000_000  # 49,408 × 64 float16 rows are 6.3 MB
    again = load_clip(str(tmp_path / "kept"))
    torch.testing.assert_close(again.encode_text(prompts), load_clip(str(tmp_path / "full")).encode_text(prompts))
    table = again.model.token_embedding.weight
    assert table[keep].abs().sum() > 0 and table.abs().sum(1).count_nonzero() == len(keep)
