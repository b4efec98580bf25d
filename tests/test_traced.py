"""TracedModel: the same outputs as the eager network for every call signature the samplers make."""
import torch

from diffusion_core.models import UNetConfig, build_model
from diffusion_core.samplers import generate
from diffusion_core.schedules import make_schedule
from diffusion_core.serving.traced import TracedModel


def _pair(**cfg):
    torch.manual_seed(0)
    eager = build_model(UNetConfig(base_channels=8, channel_mults=(1, 2), attention_levels=(1,), **cfg)).eval()
    return eager, TracedModel(build_model(eager.config).eval().requires_grad_(False)).eval()


def test_traced_matches_eager_for_each_signature():
    eager, traced = _pair(num_classes=10)
    traced.model.load_state_dict(eager.state_dict())
    x, t = torch.randn(3, 1, 28, 28), torch.tensor([999, 500, 0])
    labels, drop = torch.tensor([1, 2, 3]), torch.tensor([False, True, False])
    with torch.no_grad():
        for args in [(x, t), (x, t, labels), (x, t, labels, drop), (x[:1], 10, labels[:1])]:
            torch.testing.assert_close(traced(*args), eager(*args), atol=1e-5, rtol=1e-4)
    assert len(traced._traces) == 4  # one trace per signature (shapes and None pattern)
    with torch.no_grad():
        traced(x, torch.tensor([5, 6, 7]), labels)  # new values, same signature: no new trace
    assert len(traced._traces) == 4


def test_samplers_give_the_same_images_through_the_trace():
    eager, traced = _pair(cond_dim=16)
    traced.model.load_state_dict(eager.state_dict())
    schedule, cond = make_schedule("cosine", 1000), torch.randn(2, 16)
    kwargs = dict(sampler="dpm_solver_pp", num_steps=4, cond=cond, guidance_scale=3.0)
    a = generate(eager, schedule, (2, 1, 28, 28), generator=torch.Generator().manual_seed(0), **kwargs)
    b = generate(traced, schedule, (2, 1, 28, 28), generator=torch.Generator().manual_seed(0), **kwargs)
    torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4)
    assert traced.config is traced.model.config


def test_gradients_take_the_eager_path():
    _, traced = _pair()
    traced.model.requires_grad_(True)
    x = torch.randn(2, 1, 28, 28, requires_grad=True)
    traced(x, torch.tensor([1, 2])).sum().backward()
    assert x.grad is not None and not traced._traces
