"""`python bench/<script>.py` from a fresh clone, without installing the project: the repository root on sys.path, so
that diffusion_core and lab import. Each bench script imports this first."""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
