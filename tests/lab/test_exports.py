"""lab/exports.py: the download folder stays small (age and size limits, a fresh export always kept), and Gradio
serves it in place, so repeated exports through the served app add nothing to Gradio's cache."""
import os
import time
from pathlib import Path

from lab.exports import Exports, folder_bytes


def export_of(exports: Exports, size: int, age_s: float) -> Path:
    folder = exports.new_folder()
    (folder / "trajectory.gif").write_bytes(bytes(size))
    then = time.time() - age_s
    os.utime(folder, (then, then))
    return folder


def test_exports_older_than_max_age_are_removed(tmp_path):
    exports = Exports(tmp_path / "exports", max_age_s=60)
    sizes = []
    for _ in range(5):
        export_of(exports, 100_000, age_s=120)  # two minutes old: past max_age_s
        sizes.append(exports.size())
    assert sizes == [100_000] * 5  # each new export removed the one before
    fresh = export_of(exports, 1, age_s=0)
    exports.prune()
    assert fresh.exists()  # a recent export stays until it is old


def test_the_folder_keeps_at_most_max_bytes_oldest_removed_first(tmp_path):
    exports = Exports(tmp_path / "exports", max_age_s=3600, max_bytes=250_000, min_age_s=60)
    folders = [export_of(exports, 100_000, age_s=600 - 10 * i) for i in range(6)]  # oldest first, all past min_age
    exports.prune()
    assert [f.exists() for f in folders] == [False, False, False, False, True, True]
    assert exports.size() <= 250_000


def test_an_export_younger_than_min_age_is_kept_even_over_the_limit(tmp_path):
    exports = Exports(tmp_path / "exports", max_bytes=150_000, min_age_s=60)
    young = [export_of(exports, 100_000, age_s=5) for _ in range(3)]  # a class pressing Export together
    exports.prune()
    assert all(f.exists() for f in young)  # each student can still download theirs
    old = export_of(exports, 100_000, age_s=5)
    then = time.time() - 120
    for f in young:
        os.utime(f, (then, then))  # two minutes on: now they are past min_age and over the limit
    exports.prune()
    assert not any(f.exists() for f in young) and old.exists()


def test_repeated_exports_through_the_served_app_do_not_fill_gradios_cache(demo, classroom, tmp_path):
    import httpx
    from gradio_client import Client

    cache = Path(demo.GRADIO_CACHE)
    gifs_in_cache = lambda: sorted(cache.rglob("*.gif")) if cache.is_dir() else []  # noqa: E731
    before = gifs_in_cache()
    demo.launch(prevent_thread_lock=True, quiet=True)
    try:
        client = Client(demo.local_url, verbose=False, download_files=False)
        session_sizes = []
        for seed in range(3):
            client.predict("tiny_cond", "ddim", 3, 0.0, seed, 2, 1, 1.0, False, api_name="/run_sampler")
            files = client.predict(api_name="/export")
            assert [Path(f["path"]).suffix for f in files] == [".gif", ".mp4", ".png"]
            assert all(Path(f["path"]).is_relative_to(classroom.exports.root) for f in files)  # served in place
            assert httpx.get(files[0]["url"]).content[:6] == b"GIF89a"  # and downloadable from there
            session_sizes.append(folder_bytes(classroom.exports.root))
    finally:
        demo.close()
    assert gifs_in_cache() == before  # no second copy in Gradio's cache
    assert session_sizes[-1] <= classroom.exports.max_bytes + 3 * session_sizes[0]
