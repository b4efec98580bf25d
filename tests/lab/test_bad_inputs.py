"""Every kind of bad input, through the handlers and through a launched app (gradio_client): each is refused with its
sentence (a toast), every output keeps its value, and a good call right after works."""
import io
import re

import numpy as np
import pytest
from PIL import Image

from tests.lab.messages import RAW, call, refusal

X0 = np.zeros((1, 28, 28), dtype=np.float32)


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


SIXTEEN_BIT = png(Image.fromarray((np.linspace(0, 65535, 40 * 40).reshape(40, 40)).astype(np.uint16)))
# (tab, handler, arguments, the fragment of the sentence shown)
BAD = [
    ("forward", "update_forward", (X0, "linear", None, 5, 0, False), "T box is empty"),
    ("forward", "update_forward", (X0, "linear", 1e30, 5, 0, False), "T must be between 2 and 5000"),
    ("forward", "update_forward", (X0, "linear", -4, 5, 0, False), "T must be between 2 and 5000"),
    ("forward", "update_forward", (X0, "linear", 2.5, 5, 0, False), "T must be a whole number"),
    ("forward", "update_forward", (X0, "linear", float("nan"), 5, 0, False), "not a number"),
    ("forward", "update_forward", (X0, "nope", 1000, 5, 0, False), "Unknown schedule 'nope'"),
    ("forward", "choose_upload", (b"",), "not a picture"),
    ("forward", "choose_upload", (b"just some text, named photo.png",), "not a picture"),
    ("forward", "choose_upload", (png(Image.new("L", (9000, 9000))),), "9000×9000 pixels"),
    ("schedules", None, ([], 1000, 5, X0, 0), "No schedule is ticked"),
    ("schedules", None, (["linear", "zigzag"], 1000, 5, X0, 0), "no 'zigzag' among the choices"),
    ("denoise", "update_denoise", ("tiny_cond", X0, X0, "sideways", 5, 0, 0), "no 'sideways' among the choices"),
    ("denoise", "update_denoise", ("tiny_cond", X0, X0, "t", float("nan"), 0, 0), "The t must be between 0 and 999"),
    ("sampling", "start", ("auto", "tiny_cond", "ddim", 5, 0, None, 1, -1, 1), "seed box is empty"),
    ("sampling", "start", ("auto", "tiny_cond", "ddim", 5, 0, 2**70, 1, -1, 1), "seed must be between 0 and"),
    ("sampling", "start", ("auto", "tiny_cond", "ddim", 5, 0, -3, 1, -1, 1), "seed must be between 0 and"),
    ("sampling", "start", ("auto", "tiny_cond", "ddim", 5, 0, 2.5, 1, -1, 1), "seed must be a whole number"),
    ("sampling", "start", ("auto", "tiny_cond", "ddim", 5, 0, 0, 1, 77, 1), "no 77 among the choices for class"),
    ("sampling", "start", ("moon", "tiny_cond", "ddim", 5, 0, 0, 1, -1, 1), "where the sampling runs"),
    ("sampling", "start", ("auto", "tiny_cond", "ddim", 5, 0, 0, 1, -1, float("nan")), "The guidance scale w must be between 1 and 5"),
    ("sampling", "start", ("auto", "tiny_cond", "warp", 5, 0, 0, 1, -1, 1), "not a sampler of this model"),
    ("text", "start", ("auto", "a bold seven", 3, 5, "ddim", "", 1), "seed box is empty"),
    ("playground", "compare", ("two_moons", 5, 20, 1e30, True, None), "seed must be between"),
    ("playground", "show_data", ("lava lamp", None), "no 'lava lamp' among the choices for data"),
]


def handler(demo, tab, name):
    from lab.tabs.schedules import update_schedules

    return update_schedules if tab == "schedules" else getattr(getattr(demo.tabs, tab).handlers, name)


@pytest.mark.parametrize("tab, name, args, expected", BAD, ids=[f"{t}.{n}-{e[:24]}" for t, n, _, e in BAD])
def test_each_bad_input_is_refused_with_its_sentence(demo, tab, name, args, expected):
    fn = handler(demo, tab, name)
    if tab == "playground" and args[-1] is None:
        from lab.lessons.playground import Workbench
        args = (*args[:-1], Workbench())
    message = refusal(lambda: (lambda r: list(r) if hasattr(r, "__next__") else r)(fn(*args)))
    assert expected in message and message[0].isupper() and message.endswith((".", ")"))


def test_uploads_in_any_format_become_the_picture(demo):
    tab = demo.tabs.forward.handlers
    x0, model_x0, shown = tab.choose_upload(SIXTEEN_BIT)
    assert model_x0.shape == (1, 28, 28) and -0.8 < model_x0.mean() < 0.8  # a 0..65535 ramp, not almost white
    palette = Image.new("P", (30, 30))
    palette.putpalette([0, 200, 0] * 256)
    frames = [Image.new("RGB", (30, 30), c) for c in ((250, 250, 250), (0, 0, 0))]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:])
    assert tab.choose_upload(png(palette))[1].shape == (1, 28, 28)
    assert tab.choose_upload(gif.getvalue())[1].mean() > 0.9  # the first frame (white)


# --- the same through a launched app ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client(demo):
    from gradio_client import Client

    demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        yield Client(demo.local_url, verbose=False)
    finally:
        demo.close()


def endpoint(client, prefix: str, n_params: int) -> str:
    """The API name of a handler: Gradio names endpoints after the function, numbering repeats."""
    named = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    return next(name for name, info in named.items()
                if re.fullmatch(rf"/{prefix}(_\d+)?", name) and len(info["parameters"]) == n_params)


THROUGH_CLIENT = [  # (endpoint, number of parameters, bad arguments, fragment, good arguments)
    ("run_sampler", 9, ("tiny_cond", "ddim", 5, 0, None, 1, -1, 1, True), "seed box is empty",
     ("tiny_cond", "ddim", 5, 0, 3, 1, -1, 1, True)),
    ("run_sampler", 9, ("tiny_cond", "ddim", 5, 0, 1e30, 1, -1, 1, True), "seed must be between",
     ("tiny_cond", "ddim", 5, 0, 4, 1, -1, 1, True)),
    ("run_sampler", 9, ("tiny_cond", "nonsense", 5, 0, 1, 1, -1, 1, True), "no 'nonsense' among the choices for sampler",
     ("tiny_cond", "ddpm", 5, 0, 1, 1, -1, 1, True)),
    ("run_sampler", 9, ("tiny_cond", "ddim", 5, 0, 1, 1, "cat", 1, True), "no 'cat' among the choices for class",
     ("tiny_cond", "ddim", 5, 0, 1, 1, 3, 1, True)),
    ("update_forward", 4, ("linear", 1e9, 5, False), "T must be between 2 and 5000", ("linear", 1000, 5, False)),
    ("update_forward", 4, ("zigzag", 1000, 5, False), "no 'zigzag' among the choices for noise schedule",
     ("cosine", 1000, 5, False)),
    ("update_schedules", 3, ([], 1000, 5), "No schedule is ticked", (["linear"], 1000, 5)),
    ("update_schedules", 3, (["linear", "zigzag"], 1000, 5), "no 'zigzag' among the choices", (["cosine"], 1000, 5)),
]


@pytest.mark.parametrize("api, n_params, bad, expected, good", THROUGH_CLIENT,
                         ids=[f"{a}-{e[:20]}" for a, _, _, e, _ in THROUGH_CLIENT])
def test_bad_inputs_through_the_api(client, api, n_params, bad, expected, good):
    name = endpoint(client, api, n_params)
    outputs, messages = call(client, name, *bad)
    assert any(expected in m for m in messages), messages
    assert not any(RAW.search(m) for m in messages), messages
    outputs, messages = call(client, name, *good)
    assert messages == [] and outputs is not None
