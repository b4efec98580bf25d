import pytest
import torch

from diffusion_core.models import (
    NoTimeDenoiserConfig,
    UNetConfig,
    build_model,
    config_from_dict,
    config_to_dict,
    count_parameters,
)
from diffusion_core.models.embeddings import sinusoidal_embedding

TINY = dict(base_channels=8, channel_mults=(1, 2), attention_levels=(1,))


@pytest.mark.parametrize("size,channels,mults", [(28, 1, (1, 2, 2)), (32, 3, (1, 2, 2)), (64, 3, (1, 1, 2, 2))])
def test_unet_shapes_for_supported_sizes(size, channels, mults):
    model = build_model(UNetConfig(image_size=size, in_channels=channels, base_channels=8, channel_mults=mults))
    x = torch.randn(2, channels, size, size)
    assert model(x, torch.tensor([0, 999])).shape == x.shape


def test_class_conditioning_and_null_token():
    torch.manual_seed(0)
    model = build_model(UNetConfig(num_classes=10, **TINY)).eval()
    x, t = torch.randn(3, 1, 28, 28), torch.tensor([5, 5, 5])
    labels = torch.tensor([1, 2, 3])
    with torch.no_grad():
        torch.nn.init.normal_(model.cond_embed.table.weight)
        a, b = model(x, t, labels), model(x, t, torch.tensor([4, 2, 3]))
        uncond, dropped = model(x, t, None), model(x, t, labels, torch.ones(3, dtype=torch.bool))
    assert not torch.allclose(a[0], b[0]) and torch.allclose(a[1:], b[1:])
    torch.testing.assert_close(uncond, dropped)


def test_vector_conditioning_for_clip_embeddings():
    model = build_model(UNetConfig(cond_dim=16, **TINY)).eval()
    x, t, cond = torch.randn(2, 1, 28, 28), torch.tensor([1, 2]), torch.randn(2, 16)
    with torch.no_grad():
        torch.nn.init.normal_(model.cond_embed.null)
        out = model(x, t, cond, torch.tensor([False, True]))
        torch.testing.assert_close(out[1:], model(x[1:], t[1:], None))
    assert out.shape == x.shape


def test_time_changes_the_unet_output_but_not_the_no_time_denoiser():
    unet, dli = build_model(UNetConfig(**TINY)).eval(), build_model(NoTimeDenoiserConfig()).eval()
    x = torch.randn(2, 1, 28, 28)
    with torch.no_grad():
        assert not torch.allclose(unet(x, torch.tensor([1, 1])), unet(x, torch.tensor([900, 900])))
        torch.testing.assert_close(dli(x, torch.tensor([1, 1])), dli(x, torch.tensor([900, 900])))


def test_convnext_variant_and_config_round_trip():
    cfg = UNetConfig(block_type="convnext", num_classes=10, **TINY)
    assert config_from_dict(config_to_dict(cfg)) == cfg
    model = build_model(config_to_dict(cfg))
    assert model(torch.randn(1, 1, 28, 28), torch.tensor([3]), torch.tensor([2])).shape == (1, 1, 28, 28)
    assert config_from_dict(config_to_dict(NoTimeDenoiserConfig())) == NoTimeDenoiserConfig()
    with pytest.raises(ValueError, match="unknown keys"):
        config_from_dict({"architecture": "unet", "bogus": 1})


def test_scale_shift_block_is_groupnorm_scaled_and_shifted_by_the_embedding():
    """ADM's block: with Linear(emb) = (s, b), the second half computes conv(SiLU(GN(h)·(1 + s) + b))."""
    import torch.nn.functional as F

    from diffusion_core.models.unet import ScaleShiftResBlock

    torch.manual_seed(0)
    block = ScaleShiftResBlock(8, 16, emb_dim=4, dropout=0.0).eval()
    x, emb = torch.randn(2, 8, 6, 6), torch.randn(2, 4)
    s, b = block.emb(F.silu(emb)).split(16, dim=1)  # (2, 16) each
    h = block.conv1(F.silu(block.norm1(x)))
    want = block.skip(x) + block.conv2(F.silu(block.norm2(h) * (1 + s[:, :, None, None]) + b[:, :, None, None]))
    torch.testing.assert_close(block(x, emb), want)
    model = build_model(UNetConfig(block_type="resnet_scale_shift", cond_dim=16, **TINY))
    assert model(torch.randn(2, 1, 28, 28), torch.tensor([1, 2]), torch.randn(2, 16)).shape == (2, 1, 28, 28)


def test_sinusoidal_embedding_closed_form():
    emb = sinusoidal_embedding(torch.tensor([0, 10]), 8)
    assert emb.shape == (2, 8)
    torch.testing.assert_close(emb[0], torch.tensor([1.0] * 4 + [0.0] * 4))
    assert emb[1, 0].item() == pytest.approx(torch.cos(torch.tensor(10.0)).item(), abs=1e-6)


def test_default_unet_size_is_stated():
    # the size the README and the model cards quote
    assert count_parameters(build_model(UNetConfig(num_classes=10))) == 1_114_209
