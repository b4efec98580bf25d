from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
torch.set_num_threads(2)

from diffusion_core.data import dataset_available


@pytest.fixture(autouse=True)
def seeded_torch():
    """Every test starts from the same global RNG state, so a tolerance that passes once passes always."""
    torch.manual_seed(0)


def require_dataset(name: str):
    if not dataset_available(name, "train"):
        pytest.skip(f"{name} not found in $DIFFUSION_LAB_DATA or ../shared/data (see README: Data)")
