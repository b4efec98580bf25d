"""Diffusion Lab's engine: schedules, the forward process, flow matching, U-Nets, samplers, training, checkpoints."""
from .flow import FlowPath, path_sample, time_grid, velocity_eps_x0, velocity_target
from .flow_samplers import SAMPLERS as FLOW_SAMPLERS
from .forward import prediction_target, q_chain, q_sample, q_step, to_eps_and_x0
from .models import NoTimeDenoiserConfig, UNetConfig, build_model, count_parameters
from .samplers import SAMPLERS, SamplerStep, generate, sample, timesteps
from .schedules import SCHEDULE_NAMES, NoiseSchedule, make_schedule, snr_table

__all__ = [
    "NoiseSchedule", "make_schedule", "snr_table", "SCHEDULE_NAMES",
    "q_sample", "q_step", "q_chain", "prediction_target", "to_eps_and_x0",
    "UNetConfig", "NoTimeDenoiserConfig", "build_model", "count_parameters",
    "sample", "generate", "timesteps", "SamplerStep", "SAMPLERS",
    "FlowPath", "path_sample", "velocity_target", "velocity_eps_x0", "time_grid", "FLOW_SAMPLERS",
]
