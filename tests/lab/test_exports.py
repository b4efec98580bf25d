import os
import time

from lab.exports import Exports


def test_old_export_folders_are_removed_so_the_folder_does_not_grow(tmp_path):
    exports = Exports(tmp_path / "exports", max_age_s=60)
    sizes = []
    for _ in range(5):
        folder = exports.new_folder()
        (folder / "trajectory.gif").write_bytes(bytes(100_000))
        old = time.time() - 120
        os.utime(folder, (old, old))  # pretend it was made two minutes ago: Gradio has copied it by now
        sizes.append(sum(f.stat().st_size for f in (tmp_path / "exports").rglob("*") if f.is_file()))
    assert sizes == [100_000] * 5  # each new export removed the one before
    fresh = exports.new_folder()
    (fresh / "a.png").write_bytes(b"x")
    exports.prune()
    assert fresh.exists()  # a recent export stays until it is old
