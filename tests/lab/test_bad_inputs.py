"""Every kind of bad input, through the handlers and through a launched app (gradio_client): each is refused with its
sentence (a toast; through a script's endpoint, an error raised in the script), every output keeps its value, and a good
call right after works."""
import io

import numpy as np
import pytest
from PIL import Image

from tests.lab.messages import RAW, refusal

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
    ("sampling", "start", ("auto", "tiny_cond", "ddim", 5, 0, 0, 1, 77, 1), "This model has no class 77: choose -1"),
    ("sampling", "start", ("moon", "tiny_cond", "ddim", 5, 0, 0, 1, -1, 1), "where the sampling runs"),
    ("sampling", "start", ("auto", "tiny_cond", "ddim", 5, 0, 0, 1, -1, float("nan")),
     "The guidance scale w must be between 1 and 5"),
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


SAMPLE = dict(model="tiny_cond", sampler="ddim", steps=3, n=1)
THROUGH_CLIENT = [  # (endpoint, bad arguments, fragment of the sentence, good arguments)
    ("/sample", SAMPLE | {"seed": None}, "seed box is empty", SAMPLE | {"seed": 3}),
    ("/sample", SAMPLE | {"seed": 1e30}, "seed must be between", SAMPLE | {"seed": 4}),
    ("/sample", SAMPLE | {"sampler": "nonsense"}, "no 'nonsense' among the choices for sampler",
     SAMPLE | {"sampler": "ddpm"}),
    ("/sample", SAMPLE | {"label": "cat"}, "The class must be a whole number", SAMPLE | {"label": 3}),
    ("/sample", SAMPLE | {"label": 77}, "This model has no class 77: choose -1", SAMPLE | {"label": -2}),
    ("/forward", {"T": 1e9}, "T must be between 2 and 5000", {"T": 1000}),
    ("/forward", {"schedule": "zigzag"}, "no 'zigzag' among the choices for noise schedule", {"schedule": "cosine"}),
    ("/forward", {"image": "/etc/passwd"}, "only opens pictures that were uploaded", {"image": None}),
    ("/denoise", {"model": "tiny_nothing"}, "no 'tiny_nothing' among the choices for model", {"model": "tiny_cond"}),
    ("/schedules", {"names": []}, "No schedule is named", {"names": ["linear"]}),
    ("/schedules", {"names": ["linear", "zigzag"]}, "no 'zigzag' among the choices", {"names": ["cosine"]}),
    ("/text_to_image", {"prompt": "a bold seven", "steps": 3, "n": 1, "seed": -1}, "seed must be between",
     {"prompt": "a bold seven", "steps": 3, "n": 1}),
    ("/playground_sample", {"sampler": "ddpm"}, "no 'ddpm' among the choices for sampler", {"num_steps": 5}),
    ("/sample", SAMPLE | {"n": 17}, "The number of images must be between 1 and 16", SAMPLE),
    ("/sample", SAMPLE | {"model": "tiny_text", "label": 3}, "This model has no classes: leave the class at -1",
     SAMPLE),
    ("/playground_sample", {"objective": "x0"}, "There is no 'x0' among the choices for objective: pick one of",
     {"num_steps": 5}),
]


@pytest.mark.parametrize("api, bad, expected, good", THROUGH_CLIENT,
                         ids=[f"{a}-{e[:20]}" for a, _, e, _ in THROUGH_CLIENT])
def test_bad_inputs_through_the_api(client, api, bad, expected, good):
    """A script's endpoint raises the sentence in the script (gradio_client's AppError), then answers as usual."""
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as refused:
        client.predict(**bad, api_name=api)
    assert expected in str(refused.value) and not RAW.search(str(refused.value)), str(refused.value)
    assert client.predict(**good, api_name=api) is not None
