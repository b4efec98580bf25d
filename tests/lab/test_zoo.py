import pytest

from diffusion_core.model_folder import ModelLoadError
from lab.zoo import Zoo
from tests.fixtures import make_tiny_models


def test_zoo_loads_models_and_reports_broken_ones(tmp_path):
    root = make_tiny_models(tmp_path)
    (root / "broken").mkdir()
    (root / "broken" / "config.json").write_text('{"model": {}, "schedule": {"name": "linear", "num_timesteps": 10}}')
    zoo = Zoo.load(root)
    assert zoo.names() == ["tiny_cond", "tiny_notime"] and "broken" in zoo.problems
    with pytest.raises(ModelLoadError, match="git checkout -- pretrained"):
        zoo.get("broken")
    assert Zoo.load(tmp_path / "nothing").names() == []
