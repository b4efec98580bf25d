"""Sampler plans: a sampling run compiled to plain JSON that a small executor (NumPy here, JavaScript in a browser)
follows with the network alone, knowing no sampler. Every sampler here is linear in the network's outputs, x_t, x̂0,
the previous x̂0 and fresh noise, with per-step scalars, apart from the clamp of x̂0; so one loop runs them all.

A plan (plan_to_json / plan_from_json) is {"format": "diffusion-lab-plan", "version": 1, "sampler", "num_steps",
"shape": [C, H, W] of one image, "prediction_type", "clip_x0", "guidance_scale": w, "time_scale" (the network is fed
t·time_scale: 1 for DDPM, 1000 for flow), "t_end" (the t yielded with the finished sample), "steps": columns}.
A column holds one value per step, one value for every step, or is absent (0; t2 absent or null: no 2nd evaluation).
"t" is the time of x_t (integer timestep or flow time), "guided" says whether a step's evaluations are guided, "t2"
is the time of a second evaluation, and "<target>.<source>" are the coefficients. Step i, from x = x_t:

    out  = model(x, t·time_scale)    guided, with a cond: one batch of 2B, rows [x; x], drop_cond [False; True],
                                     out = out_u + w (out_c − out_u)
    x̂0   = x0.x·x + x0.out·out,      then clamped to [−1, 1] if clip_x0
    ε̂    = eps.x·x + eps.out·out + eps.x0·x̂0                                   (columns absent when ε̂ is unused)
    yield (i, t, x, x̂0)
    out2 = model(in2.x·x + in2.out·out, t2·time_scale)                          (Heun and midpoint only)
    x    = next.x·x + next.out·out + next.out2·out2 + next.x0·x̂0 + next.eps·ε̂ + next.x0_prev·x̂0_prev + next.z·z
           (x̂0_prev: the previous step's x̂0; z ~ N(0, I), drawn only where next.z ≠ 0, in step order)
and finally yield (num_steps, t_end, x, x). As in samplers.sample, the network takes and gives float32 (t·time_scale
is rounded to float32) and guidance is combined in float32. Sum the combinations in float64 (JavaScript's numbers)
even where x is kept in float32: x0.x = 1/sqrt(ᾱ_t) reaches 2e4 (cosine, t = 999) and x0.out nearly cancels it, so
sums in float32 lose ~5e-4 in x_t. The coefficients are read off the samplers' own steps (the registries
samplers.REVERSE_STEPS and flow_samplers.STEPS, and forward.to_eps_and_x0) by evaluating them on a basis.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import numpy as np
import torch

from . import flow_samplers, samplers
from .flow import FlowPath, time_grid, velocity_eps_x0
from .forward import to_eps_and_x0
from .samplers import SamplerStep, standard_normal
from .schedules import NoiseSchedule

FORMAT, VERSION = "diffusion-lab-plan", 1
SOURCES = {"x0": ("x", "out"), "eps": ("x", "out", "x0"), "in2": ("x", "out"),
           "next": ("x", "out", "out2", "x0", "eps", "x0_prev", "z")}
COEFFICIENTS = tuple(f"{target}.{source}" for target, sources in SOURCES.items() for source in sources)
BASIS = ("x", "out", "out2", "x0", "eps", "x0_prev", "z")


def _basis() -> dict[str, torch.Tensor]:
    """One float64 probe per quantity: e_j of shape (k, 1, 1, 1), so a map linear in them returns its k coefficients."""
    eye = torch.eye(len(BASIS), dtype=torch.float64)
    return {name: eye[j].reshape(-1, 1, 1, 1) for j, name in enumerate(BASIS)}


def _read(target: str, value: torch.Tensor) -> dict[str, float]:
    """{"target.source": c} for the nonzero coefficients of value = Σ c_j e_j."""
    coefficients = value.reshape(-1).tolist()
    return {f"{target}.{name}": c for name, c in zip(BASIS, coefficients) if c != 0}


def compile_ddpm_plan(schedule: NoiseSchedule, prediction_type: str, shape, sampler: str = "ddim",
                      num_steps: int = 50, eta: float = 0.0, ddpm_variance: str = "posterior",
                      guidance_scale: float = 1.0, guidance_interval: tuple[float, float] | None = None,
                      spacing: str = "trailing", clip_x0: bool = True, t_start: int | None = None) -> dict:
    """The plan of samplers.sample with these arguments (same names and defaults)."""
    reverse_step = samplers.lookup(samplers.REVERSE_STEPS, sampler)
    abar = schedule.alphas_cumprod.double().tolist()
    ts = samplers.timesteps(num_steps, schedule.num_timesteps if t_start is None else t_start + 1, spacing)
    rows = []
    for i, t in enumerate(ts):
        t_prev = ts[i + 1] if i + 1 < len(ts) else -1
        abar_t, abar_prev = abar[t], abar[t_prev] if t_prev >= 0 else 1.0
        e = _basis()
        eps, x0 = to_eps_and_x0(e["out"], e["x"], t, schedule, prediction_type)
        if clip_x0:  # ε̂ = (x_t − sqrt(ᾱ_t) x̂0)/sqrt(1 − ᾱ_t) from the clamped x̂0, as sample() does
            eps = to_eps_and_x0(e["x0"], e["x"], t, schedule, "x0")[0]
        # sample()'s step on the probes, with z where sample() draws noise (so the draws keep their order)
        inputs = samplers.StepInputs(e["x"], e["x0"], e["eps"], abar_t, abar_prev, e["x0_prev"] if i else None,
                                     abar[ts[i - 1]] if i else None)
        z = e["z"] if t_prev >= 0 and reverse_step.draws_noise(eta) else None
        x_prev = reverse_step.update(inputs, z, eta, ddpm_variance)
        guided = guidance_scale != 1.0 and samplers.in_guidance_interval(abar_t, guidance_interval)
        rows.append({"t": t, "guided": guided, **_read("x0", x0), **_read("eps", eps), **_read("next", x_prev)})
    return _plan(sampler, shape, prediction_type, clip_x0, guidance_scale, 1.0, -1, rows)


def compile_flow_plan(path: FlowPath, shape, sampler: str = "euler", num_steps: int = 50,
                      guidance_scale: float = 1.0, shift: float | None = None, t_start: float = 1.0) -> dict:
    """The plan of flow_samplers.sample with these arguments (same names and defaults)."""
    flow_step = samplers.lookup(flow_samplers.STEPS, sampler, "flow sampler")
    ts = [t_start * t for t in time_grid(num_steps, path.shift if shift is None else shift)]
    rows = []
    for t, t_next in zip(ts[:-1], ts[1:]):
        e, calls = _basis(), []

        def velocity(x_in, t2):  # the second evaluation: remember its input and time, answer with the probe out2
            calls.append((x_in, t2))
            return e["out2"]

        x0 = velocity_eps_x0(e["out"], e["x"], t)[2]  # x̂0 = x_t − t v̂
        x_next = flow_step(velocity, e["x"], e["out"], t, t_next)
        row = {"t": t, "guided": guidance_scale != 1.0, **_read("x0", x0), **_read("next", x_next)}
        for x_in, t2 in calls:
            row.update(t2=t2, **_read("in2", x_in))
        rows.append(row)
    return _plan(sampler, shape, "velocity", False, guidance_scale, path.time_scale, ts[-1], rows)


def _pack(values: list, zero=0):
    """One value per step; a single value when every step has the same; None (left out) when that is `zero`."""
    if all(v == values[0] and type(v) is type(values[0]) for v in values):
        return None if values[0] == zero else values[0]
    return values


def _plan(sampler, shape, prediction_type, clip_x0, guidance_scale, time_scale, t_end, rows) -> dict:
    steps = {"t": [row["t"] for row in rows], "guided": _pack([row["guided"] for row in rows], None)}
    unused = set() if any("next.eps" in row for row in rows) else {"eps"}  # ε̂ is only worth computing for DDIM
    for key in ("t2",) + COEFFICIENTS:
        column = _pack([row.get(key, None if key == "t2" else 0.0) for row in rows], None if key == "t2" else 0.0)
        if column is not None and key.split(".")[0] not in unused:
            steps[key] = column
    return {"format": FORMAT, "version": VERSION, "sampler": sampler, "num_steps": len(rows),
            "shape": [int(s) for s in shape], "prediction_type": prediction_type, "clip_x0": bool(clip_x0),
            "guidance_scale": float(guidance_scale), "time_scale": float(time_scale), "t_end": t_end, "steps": steps}


def _config_value(config, name: str):
    return config[name] if isinstance(config, dict) else getattr(config, name)


def compile_plan(process, config=None, **options) -> dict:
    """The plan of a sampling run. process: a Pipeline or FlowPipeline (config: its model's), or a NoiseSchedule or
    FlowPath with the model's config (an object or dict with prediction_type, in_channels, image_size) beside it.
    options: those of samplers.sample (sampler, num_steps, eta, ddpm_variance, guidance_scale, guidance_interval,
    spacing, clip_x0, t_start) or, for flow, of flow_samplers.sample (sampler, num_steps, guidance_scale, shift,
    t_start)."""
    if hasattr(process, "model"):
        config = config if config is not None else process.config
        process = process.flow if isinstance(getattr(process, "flow", None), FlowPath) else process.schedule
    if config is None:
        raise ValueError("compile_plan needs the model's config beside a schedule or flow path")
    size = _config_value(config, "image_size")
    shape = (_config_value(config, "in_channels"), size, size)
    if isinstance(process, FlowPath):
        return compile_flow_plan(process, shape, **options)
    return compile_ddpm_plan(process, _config_value(config, "prediction_type"), shape, **options)


def plan_to_json(plan: dict) -> str:
    """Compact JSON; floats as Python's shortest round-trip repr, so plan_from_json gives back the same numbers."""
    return json.dumps(plan, separators=(",", ":"), allow_nan=False)


def plan_from_json(text: str) -> dict:
    plan = json.loads(text)
    if not isinstance(plan, dict) or plan.get("format") != FORMAT:
        raise ValueError(f"not a sampler plan (format {FORMAT!r} expected)")
    if plan.get("version") != VERSION:
        raise ValueError(f"plan version {plan.get('version')!r}; this version of diffusion_core reads {VERSION}")
    steps = plan.get("steps")
    if not isinstance(steps, dict) or "t" not in steps:
        raise ValueError("malformed plan: no steps")
    unknown = set(steps) - {"t", "guided", "t2", *COEFFICIENTS}
    lengths = {len(c) for c in steps.values() if isinstance(c, list)}
    if unknown or lengths - {plan.get("num_steps")}:
        raise ValueError(f"malformed plan steps (unknown columns {sorted(unknown)}, column lengths {sorted(lengths)})")
    return plan


def _unpack(plan: dict) -> dict[str, list]:
    """Every column as a list of num_steps values (absent: 0, or None for t2)."""
    n, steps = plan["num_steps"], plan["steps"]
    defaults = {"t": None, "guided": False, "t2": None, **dict.fromkeys(COEFFICIENTS, 0.0)}
    columns = {key: steps.get(key, default) for key, default in defaults.items()}
    return {key: column if isinstance(column, list) else [column] * n for key, column in columns.items()}


def _evaluator(model_fn, cond, guidance_scale: float):
    """(x, network time, guided) -> out, float32 as samplers.sample has it: the network on float32 inputs, t (B,),
    and with guidance out_u + w (out_c − out_u) in float32 (as guided_output computes it), from one batch of 2B."""

    def evaluate(x, t_net: float, guided: bool):
        b = x.shape[0]
        x32 = x.astype(np.float32)
        if not guided or cond is None:
            return np.asarray(model_fn(x32, np.full(b, t_net, np.float32), cond, np.zeros(b, bool)), np.float32)
        drop = np.concatenate([np.zeros(b, bool), np.ones(b, bool)])
        out = np.asarray(model_fn(np.concatenate([x32, x32]), np.full(2 * b, t_net, np.float32),
                                  np.concatenate([cond, cond]), drop), np.float32)
        out_cond, out_uncond = out[:b], out[b:]
        return out_uncond + np.float32(guidance_scale) * (out_cond - out_uncond)

    return evaluate


def _combine(columns, target: str, i: int, values: dict, dtype):
    """Σ_source target.source[i] · values[source] over the nonzero coefficients, summed in float64, kept in dtype."""
    terms = [np.float64(columns[f"{target}.{s}"][i]) * values[s] for s in SOURCES[target]
             if columns[f"{target}.{s}"][i] != 0]
    return sum(terms[1:], terms[0]).astype(dtype, copy=False) if terms else np.zeros_like(values["x"])


def run_plan(plan: dict, model_fn: Callable, xT, cond=None, noise: Callable[[int], np.ndarray] | None = None,
             dtype=np.float64) -> Iterator[SamplerStep]:
    """Follow a plan, yielding SamplerStep(i, t, x_t, x̂0) with NumPy arrays as samplers.sample does.
    model_fn(xt (B, C, H, W) float32, t (B,) float32, cond, drop_cond (B,) bool) -> (B, C, H, W), e.g. an
    onnxruntime session's call; noise(i) -> z for step i (stochastic plans). dtype holds x_t, x̂0, ε̂ between
    combinations, which are summed in float64 (float32: a browser's Float32Array under JavaScript's doubles)."""
    columns, time_scale = _unpack(plan), plan["time_scale"]
    evaluate = _evaluator(model_fn, None if cond is None else np.asarray(cond), plan["guidance_scale"])
    x = np.asarray(xT, dtype)
    x0_prev = np.zeros_like(x)
    for i, t in enumerate(columns["t"]):
        values = {"x": x, "x0_prev": x0_prev, "out": evaluate(x, t * time_scale, columns["guided"][i])}
        values["x0"] = _combine(columns, "x0", i, values, dtype)
        if plan["clip_x0"]:
            values["x0"] = np.clip(values["x0"], -1, 1)
        values["eps"] = _combine(columns, "eps", i, values, dtype)
        yield SamplerStep(i, t, x, values["x0"])
        if columns["t2"][i] is not None:
            x_in = _combine(columns, "in2", i, values, dtype)
            values["out2"] = evaluate(x_in, columns["t2"][i] * time_scale, columns["guided"][i])
        if columns["next.z"][i] != 0:
            if noise is None:
                raise ValueError(f"this {plan['sampler']} plan adds fresh noise at step {i}: pass noise(i)")
            values["z"] = np.asarray(noise(i), dtype)
        x, x0_prev = _combine(columns, "next", i, values, dtype), values["x0"]
    yield SamplerStep(plan["num_steps"], plan["t_end"], x, x)


def initial_noise(shape, seed: int) -> np.ndarray:
    """x_T ~ N(0, I) as Pipeline.sample(seed=seed) draws it first (float32, shape (B, C, H, W))."""
    return standard_normal(tuple(shape), torch.Generator().manual_seed(seed), "cpu").numpy()


def seeded_noise(plan: dict, batch: int, seed: int) -> tuple[np.ndarray, Callable[[int], np.ndarray]]:
    """(x_T, noise) with every draw Pipeline.sample(seed=seed) makes for this plan, in its order: x_T, then one z
    per step whose next.z ≠ 0 (the server can ship these so a browser's run equals the server's)."""
    shape, generator = (batch, *plan["shape"]), torch.Generator().manual_seed(seed)
    xT = standard_normal(shape, generator, "cpu").numpy()
    z = {i: standard_normal(shape, generator, "cpu").numpy()
         for i, c in enumerate(_unpack(plan)["next.z"]) if c != 0}
    return xT, z.__getitem__
