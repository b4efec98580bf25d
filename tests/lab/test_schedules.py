import pytest
import torch

from lab.lessons.schedules import noised_by_each_schedule, schedule_curves, schedule_table


def test_schedule_tables_and_marker():
    curves = schedule_curves(["linear", "cosine"], 1000, marker_t=123)
    assert set(curves) == {"beta", "alpha_bar", "snr_db"}
    marker = curves["alpha_bar"][curves["alpha_bar"].schedule == "t = 123"]
    assert list(marker.t) == [123, 123.5]  # two x: the plot sums the y of rows that share one x (an invisible dot)
    assert marker.value.min() == curves["alpha_bar"].value.min()
    assert marker.value.max() == curves["alpha_bar"].value.max()
    table = schedule_table(["linear"])
    assert table.loc[0, "0 dB at t"] == 259 and table.loc[0, "ᾱ(500)"] == pytest.approx(0.0778, abs=1e-4)
    assert len(noised_by_each_schedule(torch.zeros(1, 28, 28), 10, torch.zeros(1, 28, 28), ["linear", "sigmoid"])) == 2
