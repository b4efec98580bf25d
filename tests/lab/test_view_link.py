"""lab/view_link.py: a view written as a link reads back as the same view; a garbled link never fails, it only
loses what it garbled."""
from urllib.parse import parse_qsl, urlsplit

import pytest

from lab.view_link import OWN_IMAGE, Known, image_name, link_of, view_of

KNOWN = Known(schedules=("linear", "cosine"), models=("mnist_cond", "mnist_flow"), samplers=("ddim", "dpm_solver_pp"),
              images=("", "", "", "seven"), max_seed=2**32 - 1)
FULL_VIEW = {"tab": "sampling", "image": 3, "schedule": "cosine", "T": 500, "t": 499, "model": "mnist_cond",
             "sampler": "ddim", "steps": 30, "seed": 4_000_000_000, "class": 7, "guidance": 2.5,
             "prompt": "a bold seven & a thin two?"}


def read(link: str) -> dict:
    """What Starlette hands the page-load handler: the query string as a dict."""
    return dict(parse_qsl(urlsplit(link).query))


def test_every_value_survives_the_round_trip():
    assert view_of(read(link_of(FULL_VIEW)), KNOWN) == FULL_VIEW


def test_links_are_short_and_plain():
    assert link_of({"tab": "forward", "schedule": "cosine", "t": 700, "model": None, "guidance": 2.0}) \
        == "?tab=forward&schedule=cosine&t=700&guidance=2"
    assert link_of({"prompt": "a cat & a dog"}) == "?prompt=a+cat+%26+a+dog"


def test_pictures_are_named_by_example_or_by_gallery_position():
    assert [image_name(i, KNOWN.images) for i in (0, 2, 3, None, 9)] == ["0", "2", "seven", OWN_IMAGE, OWN_IMAGE]
    assert view_of({"image": "seven"}, KNOWN) == {"image": 3}
    assert view_of({"image": "2"}, KNOWN) == {"image": 2}


@pytest.mark.parametrize("query", [
    {"tab": "nowhere"}, {"tab": ""}, {"image": "9"}, {"image": "-1"}, {"image": "cat"}, {"image": OWN_IMAGE},
    {"schedule": "quadratic"}, {"T": "1"}, {"T": "1e9"}, {"T": "abc"}, {"t": "-5"}, {"t": "1000"}, {"t": "7.5"},
    {"t": "nan"}, {"model": "gpt"}, {"sampler": "magic"}, {"steps": "0"}, {"steps": "inf"}, {"seed": "-1"},
    {"seed": "99999999999999999999"}, {"class": "dog"}, {"guidance": "9"}, {"guidance": "NaN"}, {"prompt": "   "},
])
def test_a_garbled_value_is_left_out(query):
    assert view_of(query, KNOWN) == {}


def test_good_values_survive_next_to_garbled_ones_and_foreign_parameters():
    view = view_of({"tab": "forward", "t": "700", "schedule": "cosine", "T": "zz", "present": "1", "utm": "x"}, KNOWN)
    assert view == {"tab": "forward", "t": 700, "schedule": "cosine"}


def test_t_is_checked_against_the_link_own_T():
    assert view_of({"T": "100", "t": "99"}, KNOWN) == {"T": 100, "t": 99}
    assert view_of({"T": "100", "t": "100"}, KNOWN) == {"T": 100}
    assert view_of({"t": "999"}, KNOWN) == {"t": 999}  # the page's T is 1000


def test_repeated_parameters_count_once_and_prompts_are_tidied():
    assert view_of({"tab": ["text", "forward"], "prompt": "  dark \n ankle   boots "}, KNOWN) \
        == {"tab": "forward", "prompt": "dark ankle boots"}
    assert len(view_of({"prompt": "x" * 5000}, KNOWN)["prompt"]) == 200


def test_a_link_names_the_pages_language_when_one_is_ours():
    assert view_of({"tab": "forward", "lang": "zh-CN"}, Known()) == {"tab": "forward", "lang": "zh-CN"}
    assert view_of({"lang": "xx"}, Known()) == {} and view_of({"lang": "DE"}, Known()) == {}
    assert link_of({"tab": "schedules", "lang": "de"}) == "?tab=schedules&lang=de"
