from dataclasses import FrozenInstanceError

import pytest
import torch
from diffusers import DDPMScheduler

from diffusion_core.schedules import SNR_TABLE_TIMESTEPS, make_schedule, snr_table

DIFFUSERS_NAMES = {"linear": "linear", "cosine": "squaredcos_cap_v2", "quadratic": "scaled_linear",
                   "sigmoid": "sigmoid"}


@pytest.mark.parametrize("name", list(DIFFUSERS_NAMES))
@pytest.mark.parametrize("T", [1000, 50])
def test_schedule_matches_diffusers(name, T):
    ours = make_schedule(name, T)
    ref = DDPMScheduler(num_train_timesteps=T, beta_schedule=DIFFUSERS_NAMES[name], beta_start=1e-4, beta_end=0.02)
    torch.testing.assert_close(ours.betas, ref.betas, atol=1e-6, rtol=0)
    torch.testing.assert_close(ours.alphas_cumprod, ref.alphas_cumprod, atol=1e-6, rtol=0)


def test_closed_forms_of_linear_schedule():
    s = make_schedule("linear", 1000)
    assert s.betas[0].item() == pytest.approx(1e-4) and s.betas[-1].item() == pytest.approx(0.02)
    abar = torch.cumprod(1 - torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64), 0)
    torch.testing.assert_close(s.alphas_cumprod.double(), abar, atol=1e-6, rtol=0)
    assert s.alphas_cumprod_prev[0] == 1 and torch.equal(s.alphas_cumprod_prev[1:], s.alphas_cumprod[:-1])
    # β̃_t = (1-ᾱ_{t-1})/(1-ᾱ_t) β_t: zero at t=0, below β_t elsewhere
    assert s.posterior_variance[0] == 0 and torch.all(s.posterior_variance[1:] < s.betas[1:])
    torch.testing.assert_close(s.snr_db, 10 * torch.log10(s.alphas_cumprod / (1 - s.alphas_cumprod)))


def test_cosine_clips_beta_and_crosses_0db_later_than_linear():
    cos, lin = make_schedule("cosine"), make_schedule("linear")
    assert cos.betas.max().item() == pytest.approx(0.999)
    assert cos.zero_db_crossing() > lin.zero_db_crossing()
    assert cos.snr[cos.zero_db_crossing()] < 1 <= cos.snr[cos.zero_db_crossing() - 1]
    assert 250 < lin.zero_db_crossing() < 270 and 490 < cos.zero_db_crossing() < 500


def test_schedule_is_immutable_and_moves():
    s = make_schedule("linear", 10)
    with pytest.raises(FrozenInstanceError):
        s.name = "other"
    assert s.to("cpu").betas.device.type == "cpu"
    with pytest.raises(ValueError, match="unknown schedule"):
        make_schedule("nope")


def test_snr_table_lists_every_schedule_and_timestep():
    table = snr_table()
    print("\n" + table)
    for name in DIFFUSERS_NAMES:
        assert name in table
    for t in SNR_TABLE_TIMESTEPS:
        assert f"t={t}" in table
    lin = make_schedule("linear")
    assert f"{lin.snr_db[500]:.1f}" in table.splitlines()[2]
