"""The README's table of shipped models (kept for the README's instructions):

    python scripts/models_table.py            # = python -m diffusion_core models-table pretrained
    python scripts/models_table.py --write    # = python -m diffusion_core models-table pretrained --write README.md
"""
import sys
from pathlib import Path

from diffusion_core.cli import main

ROOT = Path(__file__).resolve().parents[1]
write = ["--write", str(ROOT / "README.md")] if "--write" in sys.argv[1:] else []
sys.exit(main(["models-table", str(ROOT / "pretrained"), *write]))
