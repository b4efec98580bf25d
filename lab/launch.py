"""`diffusion-lab`, the console script: the same app as `python app.py`, from wherever the package is installed."""
from __future__ import annotations

import argparse

from lab.classroom import Classroom
from lab.demo import build_demo

LAUNCH_OPTIONS = dict(max_file_size="20mb", show_error=False)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="diffusion-lab", description="Start the Diffusion Lab classroom app.")
    parser.add_argument("--models", help="folder of model folders (default: $DIFFUSION_LAB_MODELS, else pretrained/)")
    parser.add_argument("--port", type=int, help="server port (default: $GRADIO_SERVER_PORT, else 7860)")
    a = parser.parse_args(argv)
    build_demo(Classroom.load(a.models)).launch(server_port=a.port, **LAUNCH_OPTIONS)


if __name__ == "__main__":
    main()
