"""End to end in a real browser: start `python app.py`, open each tab in headless Chromium, move the
t slider, denoise, generate, and check that pictures appear. Screenshots go to $SCREENSHOT_DIR
(default: screenshots/), which CI keeps."""
import os
from pathlib import Path

from tests.browser import walk_through
from tests.conftest import ROOT


def test_every_tab_in_chromium(served_app):
    out = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "screenshots"))
    seen = walk_through(served_app, out)
    print("\nscreenshots:", sorted(str(p) for p in out.glob("*.png")))
    assert seen["equation_changed"] and "x_t = √ᾱ_t" in seen["equation"]
    assert seen["tab1_images"] >= 10 and seen["tab3_images"] >= 15
    assert "model evaluations" in seen["tab4_status"] and seen["tab4_export"] == b"GIF89a"
    assert seen["errors"] == 0
    if seen["tab5_live"]:  # with a CLIP-conditioned model: generated images and nearest neighbours appear
        assert seen["tab5_images"] >= 8
    for name in ("tab1_forward", "tab2_schedules", "tab3_denoise", "tab4_sampling", "tab4_compare", "tab5_text"):
        assert (out / f"{name}.png").stat().st_size > 10_000
