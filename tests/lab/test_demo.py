"""lab/demo.py: every tab is there, every widget speaks to people (no code names in labels), the buttons are wired
to the tabs' handlers, the served app answers gradio_client, and an app without weights still serves tabs 1-2."""
import gradio as gr
import pytest
from gradio.i18n import I18nData
from PIL import Image

from lab.classroom import Classroom
from lab.demo import TAB_NAMES, build_demo
from lab.i18n import words
from lab.server.queue_wakeup import WakeableDelay


def test_tabs_labels_and_wiring(demo):
    blocks = demo.blocks.values()
    assert [b.label for b in blocks if type(b).__name__ == "Tab"] == list(TAB_NAMES)
    labels = [words(b.label, "en") for b in blocks if isinstance(getattr(b, "label", None), (str, I18nData))]
    assert "scrub the recorded trajectory" in labels
    assert not [label for label in labels if "self." in label or "_" in label.replace("x_t", "").replace("σ_t", "")
                .replace("ᾱ_t", "").replace("β_t", "")]
    handlers = {fn.fn.__name__ for fn in demo.fns.values() if fn.fn is not None}
    assert {"update_forward", "update_schedules", "update_denoise", "run_sampler", "all_samplers", "export",
            "scrub", "text_to_image", "inspect_prompt", "train", "run_flow", "compare"} <= handlers


def test_served_app_answers_gradio_client(demo):
    """The named endpoints answer a script; a value one will not use raises the page's sentence in the script
    (gradio_client's AppError: a toast would reach no one), and the next call is answered as usual."""
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    demo.launch(prevent_thread_lock=True, quiet=True)
    try:
        client = Client(demo.local_url, verbose=False)
        picture, equation = client.predict(t=999, schedule="cosine", api_name="/forward")  # the gallery's first
        assert "t = 999" in equation and Image.open(picture).size == (224, 224)
        table = client.predict(["linear"], 1000, api_name="/schedules")
        assert table["headers"][:2] == ["schedule", "0 dB at t"] and table["data"][0][0] == "linear"
        images, note = client.predict("a thin two", 2.0, 5, "ddim", 1, 2, True, api_name="/text_to_image")
        assert len(images) == 2 and note == ""
        with pytest.raises(AppError, match="The t must be between 0 and 999"):
            client.predict(t=1500, T=1000, api_name="/forward")  # checked by the handler: t < T
        with pytest.raises(AppError, match="T must be between 2 and 5000"):
            client.predict(T=10**9, api_name="/forward")  # checked by the input gate
        with pytest.raises(AppError, match="not a sampler of this model"):
            client.predict("tiny_cond", "euler", 5, api_name="/sample")
        assert len(client.predict("tiny_cond", "ddim", 3, 0, 2, api_name="/sample")[0]) == 2
    finally:
        demo.close()


def test_app_without_weights_serves_tabs_1_and_2(tmp_path):
    bare = build_demo(Classroom.load(tmp_path / "empty"))
    forward = bare.tabs.forward.handlers
    x0 = forward.choose_upload(Image.new("L", (28, 28), 200))[0]
    assert "t = 10" in forward.update_forward(x0, "linear", 1000, 10, 0, False)[1]
    banner = " ".join(str(words(b.value, "en")) for b in bare.blocks.values() if isinstance(b, gr.Markdown))
    assert "could not be loaded" in banner and "tabs 1–2 work" in banner
    assert "no text model installed here" in banner


def test_a_plain_page_open_asks_the_server_nothing(demo):
    """Every page-load event runs in the browser only (tab 1 is drawn at start-up; a link's view is restored by the
    change of a box the browser fills only when the URL names a view), and an idle queue sleeps until there is work."""
    config = demo.get_config_file()
    on_load = [d for d in config["dependencies"] if any(trigger == "load" for _, trigger in d["targets"])]
    assert on_load and not any(d["backend_fn"] for d in on_load)
    assert isinstance(demo._queue.sleep_when_free, WakeableDelay) and demo._queue.sleep_when_free >= 0.1


def test_the_api_page_lists_the_public_endpoints_only(demo):
    """Each public endpoint once under its own name, with a description; the page's helpers are hidden (but still
    checked by the gate, tests/lab/server/test_input_gate.py)."""
    from lab.demo import PUBLIC_API

    listed = demo.get_api_info()["named_endpoints"]
    assert set(listed) == {"/" + name for name in PUBLIC_API} == {
        "/forward", "/schedules", "/denoise", "/sample", "/text_to_image", "/inspect_prompt", "/playground_train",
        "/playground_sample"}
    for name, info in listed.items():
        assert len(info["description"]) > 40 and info["description"].endswith("."), name
        assert all(p["parameter_name"] and not p["parameter_name"].startswith("param_") for p in info["parameters"])
        assert all(p["python_type"]["type"] != "Any" for p in info["parameters"]), name  # no gr.State to send
    hidden = {fn.api_name for fn in demo.fns.values() if fn.fn is not None} - PUBLIC_API
    assert {"update_forward", "update_forward_1", "lambda", "gallery_index", "restore", "start", "run_sampler",
            "train", "run_flow", "diffusion_lab_forward_handout"} <= hidden


def test_the_api_page_names_T_and_t_apart(demo):
    """/forward's T and t: each its own parameter name (a script's T= and t=) and its own label."""
    forward = demo.get_api_info()["named_endpoints"]["/forward"]["parameters"]
    assert [(p["parameter_name"], p["label"]) for p in forward[2:4]] == [("T", "T (number of steps)"),
                                                                          ("t", "t (the step)")]


def test_the_banner_names_a_model_that_could_not_be_loaded_without_the_loaders_text():
    from types import SimpleNamespace

    from lab.demo import problems_banner
    from lab.zoo import Zoo

    zoo = Zoo(problems={"badw": "could not load /srv/app/pretrained/badw/model.safetensors: SafetensorError"})
    banner = " ".join(words(sentence, "en") for sentence in problems_banner(SimpleNamespace(zoo=zoo)))
    assert "badw" in banner and "server's log" in banner and "/srv" not in banner and "Error" not in banner
