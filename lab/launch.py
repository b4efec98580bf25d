"""`diffusion-lab`, the console script: the same app as `python app.py`, from wherever the package is installed."""
from __future__ import annotations

import argparse

import torch

from lab.classroom import Classroom
from lab.demo import build_demo

LAUNCH_OPTIONS = dict(max_file_size="20mb", show_error=False)
# Thread budget of a 2-vCPU Space, set explicitly (two busy thread pools on 2 cores run several times slower):
# the shared sampling worker's ONNX Runtime pool gets both cores and sleeps when idle; the interactive lane (torch:
# the t slider, schedules, one-step denoise) gets one thread.
SAMPLING_THREADS, INTERACTIVE_THREADS = 2, 1


def load_classroom(models_root=None) -> Classroom:
    torch.set_num_threads(INTERACTIVE_THREADS)
    return Classroom.load(models_root, sampling_threads=SAMPLING_THREADS)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="diffusion-lab", description="Start the Diffusion Lab classroom app.")
    parser.add_argument("--models", help="folder of model folders (default: $DIFFUSION_LAB_MODELS, else pretrained/)")
    parser.add_argument("--port", type=int, help="server port (default: $GRADIO_SERVER_PORT, else 7860)")
    a = parser.parse_args(argv)
    build_demo(load_classroom(a.models)).launch(server_port=a.port, **LAUNCH_OPTIONS)


if __name__ == "__main__":
    main()
