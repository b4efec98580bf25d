"""The text model's class-conditional baseline rows: measured on the sibling models, or kept from the stored report."""
import json

from diffusion_core.evaluation.text_model import GUIDANCE, baseline_rows
from tests.test_evaluation_text import BarClassifier, StandInClip, draw


class DrawsItsLabel:
    """A class-conditional 'pipeline' that draws class c as the toy world's bar c (tests/test_evaluation_text.py)."""

    def generate(self, n, labels, seed, guidance_scale, **sampling):
        assert sampling == {"sampler": "dpm_solver_pp", "num_steps": 20}
        return draw(int(labels[0]), n)


def test_baseline_rows_are_measured_or_kept_when_asked_at_the_same_per_class(tmp_path):
    baselines = {ds: DrawsItsLabel() for ds in ("mnist", "fashion_mnist")}
    classifiers = {ds: BarClassifier() for ds in baselines}
    measured = baseline_rows(tmp_path, baselines, StandInClip(), classifiers, per_class=2, keep=True)
    assert list(measured) == list(GUIDANCE) and measured[5.0]["fashion_mnist"]["agreement"] == 1.0
    (tmp_path / "evaluation.json").write_text(json.dumps({"per_class": 2, "class_conditional": {"1.0": "stored"}}))
    assert baseline_rows(tmp_path, baselines, StandInClip(), classifiers, per_class=2, keep=True) == {"1.0": "stored"}
    assert baseline_rows(tmp_path, baselines, StandInClip(), classifiers, per_class=3, keep=True) != {"1.0": "stored"}
    assert baseline_rows(tmp_path, baselines, StandInClip(), classifiers, per_class=2, keep=False) != {"1.0": "stored"}
