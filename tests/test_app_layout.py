"""app_layout.build_demo: every tab is there, every widget speaks to people (no code names in labels), and the
buttons are wired to app.py's handlers."""
from tests.test_app import app  # noqa: F401 - the module fixture: app.py over tiny models


def test_tabs_labels_and_wiring(app):  # noqa: F811
    blocks = app.demo.blocks.values()
    tabs = [b.label for b in blocks if type(b).__name__ == "Tab"]
    assert tabs == ["1 · Forward noise", "2 · Schedules", "3 · Denoise", "4 · Reverse sampling", "5 · Text to image (CLIP)"]
    labels = [b.label for b in blocks if isinstance(getattr(b, "label", None), str)]
    assert "scrub the recorded trajectory" in labels
    assert not [label for label in labels if "app." in label or "_" in label.replace("x_t", "").replace("σ_t", "")
                .replace("ᾱ_t", "").replace("β_t", "")]
    handlers = {fn.fn.__name__ for fn in app.demo.fns.values() if fn.fn is not None}
    assert {"update_forward", "update_schedules", "update_denoise", "run_sampler", "all_samplers", "export",
            "scrub", "text_to_image", "inspect_prompt"} <= handlers
