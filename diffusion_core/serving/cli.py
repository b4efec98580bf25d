"""`python -m diffusion_core export-onnx | quantize`: the serving files beside a model's weights."""
from __future__ import annotations

import time


def add_export_onnx(sub):
    p = sub.add_parser("export-onnx",
                       help="export U-Nets to model.onnx beside their weights (for ONNX Runtime serving)")
    p.add_argument("model_dirs", nargs="+", help="model directories (pretrained/<name>)")
    p.set_defaults(handler=cmd_export_onnx)


def add_quantize(sub):
    p = sub.add_parser("quantize",
                       help="int8 copy of an exported U-Net (model.int8.onnx), calibrated on its training data")
    p.add_argument("model_dirs", nargs="+", help="model directories with a model.onnx")
    p.add_argument("--images", type=int, default=2000, help="training images per dataset for calibration")
    p.add_argument("--data-root", help="folder with the dataset files")
    p.set_defaults(handler=cmd_quantize)


def _unets(model_dirs):
    from ..pipeline import load_pipeline

    for directory in model_dirs:
        pipe = load_pipeline(directory, "cpu")
        if pipe.config.architecture != "unet":
            print(f"skipped {directory}: only U-Nets are served by ONNX Runtime ({pipe.config.architecture})")
            continue
        yield directory, pipe


def cmd_export_onnx(a):
    from .onnx import export_onnx

    for directory, pipe in _unets(a.model_dirs):
        start = time.perf_counter()
        path = export_onnx(pipe.model, directory)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.0f} s")


def cmd_quantize(a):
    import torch

    from ..data import load_images
    from .quantize import output_error, quantize_int8

    for directory, pipe in _unets(a.model_dirs):
        start, datasets = time.perf_counter(), pipe.info["dataset"].split("+")
        images = torch.cat([load_images(d, "train", a.data_root, limit=a.images)[0] for d in datasets])
        path = quantize_int8(pipe, directory, images)
        error = output_error(pipe, directory,
                             torch.cat([load_images(d, "test", a.data_root, limit=500)[0] for d in datasets]))
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - start:.0f} s; "
              f"output RMS error {error * 100:.1f} % of float32's")
