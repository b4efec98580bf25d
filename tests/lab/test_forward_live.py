import base64

import numpy as np
import torch

from diffusion_core.images import tensor_to_uint8
from diffusion_core.schedules import make_schedule
from lab.forward_live import EPS_SCALE, live_payload
from lab.lessons.forward import EQUATION, fixed_noise


def decoded(payload, key, dtype):
    return np.frombuffer(base64.b64decode(payload[key]), dtype=dtype)


def test_the_payload_carries_x0_eps_and_the_schedule_tables_the_browser_needs():
    x0 = torch.from_numpy(np.arange(2 * 3 * 4 * 3, dtype=np.float32).reshape(3, 2 * 3 * 4 // 8, 8) % 256 / 127.5 - 1)
    eps = fixed_noise(x0.shape, 0)
    payload = live_payload(x0, eps, "cosine", 50, markov=False)
    assert payload["shape"] == [3, 3, 8] and payload["T"] == 50 and payload["equation"] == EQUATION
    pixels = decoded(payload, "x0", np.uint8).reshape(3, 8, 3)  # (H, W, C), as a canvas wants it
    np.testing.assert_array_equal(pixels, tensor_to_uint8(x0))
    eps_back = decoded(payload, "eps", "<i2").reshape(3, 8, 3) * EPS_SCALE
    np.testing.assert_allclose(eps_back, eps.permute(1, 2, 0).numpy(), atol=EPS_SCALE / 2 + 1e-7)
    sched = make_schedule("cosine", 50)
    np.testing.assert_array_equal(decoded(payload, "abar", "<f4"), sched.alphas_cumprod.numpy())
    np.testing.assert_array_equal(decoded(payload, "snr_db", "<f4"), sched.snr_db.numpy())
    assert live_payload(x0, eps, "linear", 50, markov=True)["markov"]


def test_the_browser_formula_on_the_payload_gives_the_servers_pixels_within_one_level():
    """What forward_live.mjs computes (x_t = √ᾱ·x0 + √(1−ᾱ)·ε from the payload, float64) against q_sample."""
    from lab.lessons.forward import forward_view

    x0 = torch.rand(3, 80, 120) * 2 - 1  # wider than 112 px: shown at its size
    x0 = torch.from_numpy(tensor_to_uint8(x0)).permute(2, 0, 1).float() / 127.5 - 1  # 8-bit, as any picture
    eps = fixed_noise(x0.shape, 3)
    payload = live_payload(x0, eps, "linear", 1000, markov=False)
    abar = decoded(payload, "abar", "<f4").astype(np.float64)
    x0_b = decoded(payload, "x0", np.uint8) / 127.5 - 1
    eps_b = decoded(payload, "eps", "<i2") * EPS_SCALE
    for t in (0, 300, 999):
        xt = np.sqrt(abar[t]) * x0_b + np.sqrt(1 - abar[t]) * eps_b
        browser = np.round((np.clip(xt, -1, 1) + 1) * 127.5).reshape(80, 120, 3)
        server = forward_view(x0, "linear", 1000, t, eps, strip_len=0).xt
        assert np.abs(browser - server.astype(int)).max() <= 1
