"""Files the app makes for a student to download (trajectory GIF/MP4/PNG, PDF handouts): one temp folder that stays
small. Each export gets a fresh sub-folder. Gradio serves the folder in place (`serve_in_place`, called by
lab/demo.py), so nothing is copied into its cache. At each new export the folder is pruned:
  - no export older than max_age_s;
  - at most max_bytes in all, oldest first, but never one younger than min_age_s (an export is never removed
    while it is being written or fetched).
So the folder holds at most max_bytes plus what a class exports within min_age_s, and a student's export stays at
least until max_bytes of newer ones have come (32 MB: a whole class exporting once, ~1 MB each)."""
from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path

import gradio as gr

MB = 2**20
SERVED: set[Path] = set()  # folders already handed to gr.set_static_paths (a process-wide list that only grows)


class Exports:
    def __init__(self, root: Path | None = None, max_age_s: float = 900, max_bytes: int = 32 * MB,
                 min_age_s: float = 10):
        self.root = root or Path(tempfile.gettempdir()) / "diffusion_lab_exports"
        self.max_age_s, self.max_bytes, self.min_age_s = max_age_s, max_bytes, min_age_s
        self.lock = threading.Lock()

    def serve_in_place(self):
        """Let Gradio serve files from this folder where they are (no copy into its cache, which would double the
        bytes and outlive this folder's pruning)."""
        root = self.root.resolve()
        if root not in SERVED:
            root.mkdir(parents=True, exist_ok=True)
            gr.set_static_paths([root])
            SERVED.add(root)

    def new_folder(self) -> Path:
        self.prune()
        self.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.root))

    def prune(self, now: float | None = None):
        now = time.time() if now is None else now
        with self.lock:
            folders = sorted((f.stat().st_mtime, f) for f in self.root.glob("*/")) if self.root.is_dir() else []
            sizes = {folder: folder_bytes(folder) for _, folder in folders}
            total = sum(sizes.values())
            for mtime, folder in folders:  # oldest first
                age = now - mtime
                if age > self.max_age_s or (total > self.max_bytes and age > self.min_age_s):
                    shutil.rmtree(folder, ignore_errors=True)
                    total -= sizes[folder]

    def size(self) -> int:
        return folder_bytes(self.root) if self.root.is_dir() else 0


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
