"""Tab 6, the 2-D playground: its handlers called directly (training streams losses and stops, the flow, scrubbing,
arrows, the comparison, the GIF, a drawing, messages for bad input) and the tab served through gradio_client.
Presets come from a temporary folder of briefly trained networks, so the shipped ones are not needed here."""
import re
from types import SimpleNamespace

import gradio as gr
import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

import lab.lessons.playground as lessons
from diffusion_core.toy2d import ToyModel, Training, sample_dataset, train_config
from diffusion_core.toy2d.draw import RADIUS
from diffusion_core.toy2d.presets import save_presets
from lab.exports import Exports
from lab.lessons.playground import Presets, Workbench, drawing_points, loss_table, starting_points
from lab.tabs import playground
from lab.tabs.playground import PlaygroundTab
from tests.lab.messages import call, refusal


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def presets(tmp_path_factory):
    models, reports = {}, {}
    for objective in ("ddpm", "flow_matching"):
        run = Training(ToyModel.new(objective), sample_dataset("two_moons", 5000), train_config(objective, 300))
        for _ in run.steps():
            pass
        models["two_moons", objective] = run.model()
        reports[f"two_moons.{objective}"] = dict(steps=300, seconds=1.0, threads=1, mmd=0.0, floor=1.0, n=1,
                                                 num_steps=1)
    return Presets(save_presets(tmp_path_factory.mktemp("presets"), models, reports))


@pytest.fixture(scope="module")
def tab(presets, tmp_path_factory):
    return PlaygroundTab(SimpleNamespace(exports=Exports(tmp_path_factory.mktemp("exports"))), presets)


def sketch(strokes=True) -> dict:
    """A Sketchpad value: a transparent canvas with (or without) a thick diagonal stroke."""
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    if strokes:
        ImageDraw.Draw(image).line([(20, 180), (180, 20)], fill=(0, 0, 0, 255), width=14)
    return {"background": None, "layers": [image], "composite": image}


def test_training_streams_losses_then_stops_with_the_model(tab, monkeypatch):
    monkeypatch.setattr(playground, "UPDATE_EVERY_S", 0.0)  # an update after every step
    outputs = list(tab.train("rings", None, "ddpm", 120, Workbench()))
    assert len(outputs) == 120
    table, status, bench = outputs[-1]
    assert list(table.columns) == ["step", "loss", "series"] and table["step"].max() == 120
    assert "**Trained** 120 steps" in status and ("rings", "ddpm") in bench.models
    assert "step 1/120 · loss" in outputs[0][1]


def test_training_stops_at_its_time_limit_and_when_the_page_closes_it(tab, monkeypatch):
    monkeypatch.setattr(playground, "TRAIN_SECONDS", 0.3)
    *_, (_, status, bench) = tab.train("two_moons", None, "flow_matching", 20_000, Workbench())
    assert "stopped at the 0.3 s limit" in status and ("two_moons", "flow_matching") in bench.models
    monkeypatch.setattr(playground, "UPDATE_EVERY_S", 0.0)
    run = tab.train("two_moons", None, "flow_matching", 20_000, Workbench())
    first = next(run)
    run.close()  # what Gradio does when the student leaves or presses Stop
    assert "step 1/20000" in first[1]
    with pytest.raises(StopIteration):
        next(run)


def test_a_scripts_training_stops_when_gradio_closes_it(tab, monkeypatch):
    """/playground_train is a generator like the page's Train: Gradio closes it at its next update once the
    script's result stream is gone, so a client that left does not hold the one-slot lane for 30 s."""
    monkeypatch.setattr(playground, "UPDATE_EVERY_S", 0.0)
    run = tab.playground_train("two_moons", "flow_matching", 20_000, Workbench())
    first = next(run)
    run.close()
    assert "step 1/20000" in first[1]
    with pytest.raises(StopIteration):
        next(run)
    *_, (losses, status, bench) = tab.playground_train("rings", "ddpm", 100, Workbench())
    assert "Trained** 100 steps" in status and ("rings", "ddpm") in bench.models


def test_the_flow_animates_then_scrubs_draws_arrows_and_exports_a_gif(tab):
    outputs = list(tab.run_flow("two_moons", "flow_matching", "euler", 20, 50, 0, True, Workbench()))
    assert len(outputs) > 5 and all(o[0].shape == (420, 420, 3) for o in outputs)
    frame, scene, slider = outputs[-1]
    assert scene.num_steps == 20 and slider.value == 0
    start, middle = tab.scrub(scene, 1.0, True), tab.scrub(scene, 0.5, True)
    assert not np.array_equal(start, middle) and not np.array_equal(middle, tab.scrub(scene, 0.5, False))
    assert np.array_equal(tab.scrub(scene, 0.0, True), frame)
    gif, = tab.export(scene, True)
    assert gif.endswith(".gif") and Image.open(gif).n_frames == 21


def test_samplers_side_by_side_from_the_same_start(tab):
    picture, scene, _ = tab.compare("two_moons", 10, 30, 3, False, Workbench())
    assert [p.title for p in scene.panels] == ["DDPM ancestral", "DDIM, deterministic", "flow matching, Euler"]
    assert all(torch.equal(p.paths.positions[0], scene.panels[0].paths.positions[0]) for p in scene.panels)
    assert picture.shape == (420, 3 * 420 + 2 * 6, 3)
    assert [c[1] for c in tab.sampler_choices("ddpm").choices] == ["ddpm", "ddim"]


def test_a_drawing_becomes_data_a_model_and_a_flow(tab):
    points = drawing_points(sketch())
    assert points.shape == (5000, 2) and (points[:, 0] - points[:, 1]).abs().max() < 0.6  # along y = x
    *_, (_, status, bench) = tab.train("drawing", sketch(), "flow_matching", 100, Workbench())
    assert torch.equal(bench.drawing, points) and "Trained" in status
    assert tab.show_data("drawing", bench)[0].shape == (420, 420, 3)
    *_, (frame, scene, _) = tab.run_flow("drawing", "flow_matching", "euler", 5, 20, 0, True, bench)
    assert len(scene.panels) == 1
    assert re.search("No model has learned your drawing yet with DDPM",
                     refusal(lambda: tab.compare("drawing", 5, 20, 0, True, bench)))


@pytest.mark.parametrize("call,expected", [
    (lambda tab: list(tab.train("drawing", sketch(strokes=False), "ddpm", 100, Workbench())), "drawing is empty"),
    (lambda tab: list(tab.train("drawing", None, "ddpm", 100, Workbench())), "drawing is empty"),
    (lambda tab: list(tab.train("rings", None, "ddpm", None, Workbench())), "training steps box is empty"),
    (lambda tab: list(tab.run_flow("two_moons", "ddpm", "ddim", 10, 20, None, True, Workbench())), "seed box is empty"),
    (lambda tab: list(tab.run_flow("two_moons", "ddpm", "ddim", 0, 20, 0, True, Workbench())), "sampler steps must be"),
    (lambda tab: list(tab.run_flow("drawing", "ddpm", "ddim", 10, 20, 0, True, Workbench())), "Press Train first"),
    (lambda tab: tab.export(None, True), "Run the flow first"),
])
def test_bad_input_gives_a_sentence(tab, call, expected):
    assert re.search(expected, refusal(lambda: call(tab)))


def test_missing_presets_are_trained_once_and_shared(tmp_path, monkeypatch):
    monkeypatch.setattr(lessons, "FALLBACK_STEPS", 20)
    presets = Presets(tmp_path / "missing")
    assert "no config.json" in presets.problem and not presets.bank
    toy = presets.get("rings", "flow_matching")
    assert presets.get("rings", "flow_matching") is toy and toy.objective == "flow_matching"


def test_starting_points_are_seeded_noise_inside_the_picture():
    x = starting_points(20_000, seed=5)
    assert torch.equal(x, starting_points(20_000, seed=5)) and x.norm(dim=1).max() <= RADIUS
    assert abs(float(x.std()) - 1) < 0.05  # N(0, I) but for the 0.6 % beyond the picture's edge, drawn again


def test_loss_table_keeps_few_points_and_a_running_average():
    table = loss_table([1.0] * 1000 + [0.0] * 1000, points=100)
    assert len(table) == 200 and table[table.series == "average of 50 steps"]["loss"].iloc[-1] == 0.0


def test_the_tab_answers_gradio_client(presets, tmp_path):
    from gradio_client import Client

    with gr.Blocks() as demo:
        playground.render(SimpleNamespace(exports=Exports(tmp_path)), presets)
    demo.queue().launch(prevent_thread_lock=True, quiet=True)
    try:
        client = Client(demo.local_url, verbose=False)
        _, status = client.predict("two_moons", None, "ddpm", 100, api_name="/train")
        assert "Trained** 100 steps" in status
        client.predict("ddpm", api_name="/sampler_choices")  # the page offers DDPM's samplers once DDPM is chosen
        frame, _ = client.predict("two_moons", "ddpm", "ddpm", 10, 30, 0, True, api_name="/run_flow")
        assert Image.open(frame).size == (420, 420)
        assert Image.open(client.predict(0.5, True, api_name="/scrub")).size == (420, 420)
        gif = client.predict(True, api_name="/export")
        assert Image.open(gif[0]).n_frames == 11
        _, messages = call(client, "/run_flow", "two_moons", "ddpm", "ddpm", 10, 30, None, True)
        assert any("seed box is empty" in m for m in messages)
        losses, status = client.predict("rings", "ddpm", 100, api_name="/playground_train")  # a script's endpoints
        assert "Trained** 100 steps" in status and losses["headers"] == ["step", "loss", "series"]
        flow = client.predict("rings", "ddpm", "ddim", 10, 30, 0, False, api_name="/playground_sample")
        assert Image.open(flow).size == (420, 420)  # drawn by the model this session trained (no rings preset here)
    finally:
        demo.close()


def test_the_browser_buttons_send_the_server_nothing_and_the_component_hands_train_back(presets, tmp_path):
    """Train, Stop, Run the flow, Compare (the in-browser set), the data and the arrows reach the page's component
    (lab/playground_browser.py) by JavaScript alone; the component's "submit" runs the server's training."""
    with gr.Blocks() as demo:
        w = playground.render(SimpleNamespace(exports=Exports(tmp_path)), presets)
    by_target = {}
    for dep in demo.config["dependencies"]:
        for target_id, event in dep["targets"]:
            by_target.setdefault((target_id, event), []).append(dep)
    for button in (w.train_here, w.stop_here, w.run_here, w.compare_here):
        (dep,) = by_target[button._id, "click"]
        assert dep["backend_fn"] is False and dep["js"] and dep["outputs"] == [w.browser._id]
    for widget in (w.source, w.arrows):
        changes = by_target[widget._id, "change"]
        assert any(d["backend_fn"] is False and d["outputs"] == [w.browser._id] for d in changes)
    (handed,) = by_target[w.browser._id, "submit"]
    assert handed["backend_fn"] and handed["outputs"] == [w.loss._id, w.status._id, w.bench._id]
