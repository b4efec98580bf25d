import re

from lab.tabs.schedules import update_schedules
from tests.lab.messages import refusal


def test_schedule_handler(x0):
    beta, abar, snr, table, row = update_schedules(["linear", "cosine"], 1000, 400, x0, 0)
    assert set(beta["value"]["schedule"]) == {"linear", "cosine", "t = 400"} and len(table) == 2 and len(row) == 2
    assert table.set_index("schedule").loc["cosine", "0 dB at t"] == 496
    assert update_schedules(["cosine"], 1000, 10, None, 0)[4] == []  # no image yet: the curves alone


def test_bad_T_gives_a_message(x0):
    assert re.search("T must be between", refusal(lambda: update_schedules(["linear"], 1, 10, x0, 0)))


def test_a_script_s_schedules_table():
    import gradio as gr
    import pytest

    from lab.tabs.schedules import schedules

    table = schedules(["linear", "cosine"], 500)
    assert list(table["schedule"]) == ["linear", "cosine"] and "ᾱ(250)" in table and "ᾱ(750)" not in table
    with pytest.raises(gr.Error, match="No schedule is named"):
        schedules([], 1000)
