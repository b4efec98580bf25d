"""Trajectory exports (GIF, MP4, PNG strip) in one temp folder that does not grow: each export gets a fresh
sub-folder, removed max_age_s later (and any older ones at the next export). By then Gradio has copied the files
into its own cache, which Blocks(delete_cache=...) empties on a timer (lab/demo.py)."""
from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path


class Exports:
    def __init__(self, root: Path | None = None, max_age_s: float = 60):
        self.root = root or Path(tempfile.gettempdir()) / "diffusion_lab_exports"
        self.max_age_s, self.lock = max_age_s, threading.Lock()

    def new_folder(self) -> Path:
        self.prune()
        self.root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=self.root))
        timer = threading.Timer(self.max_age_s, shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True})
        timer.daemon = True
        timer.start()
        return folder

    def prune(self, now: float | None = None):
        now = time.time() if now is None else now
        with self.lock:
            for folder in self.root.glob("*/") if self.root.is_dir() else []:
                if now - folder.stat().st_mtime > self.max_age_s:
                    shutil.rmtree(folder, ignore_errors=True)
