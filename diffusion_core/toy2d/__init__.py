"""The 2-D playground's engine: datasets of points, a small MLP, training and sampling with the engine's own
losses and samplers, the learned vector field, and a fit measure (MMD with a narrow Gaussian kernel)."""
from .datasets import BOX, DATASETS, mmd, points_from_density, sample_dataset
from .model import Toy2DConfig, Toy2DNet
from .toy import SAMPLERS, Paths, ToyModel, Training, fit_report, process_for, train_config

__all__ = ["DATASETS", "BOX", "sample_dataset", "points_from_density", "mmd", "Toy2DConfig", "Toy2DNet",
           "SAMPLERS", "Paths", "ToyModel", "Training", "fit_report", "process_for", "train_config"]
