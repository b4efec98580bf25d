"""Train the project's small CLIP into pretrained/tiny_clip (kept for the README's instructions):

    python scripts/train_clip.py --steps 1500   # = python -m diffusion_core train-clip --steps 1500 --out pretrained/tiny_clip
"""
import sys
from pathlib import Path

from diffusion_core.cli import main

OUT = Path(__file__).resolve().parents[1] / "pretrained" / "tiny_clip"
sys.exit(main(["train-clip", "--out", str(OUT), *sys.argv[1:]]))
