"""Quality at a fixed cost: domain-FID and class agreement at a budget of network evaluations (NFE) per sample,
for diffusion models of either objective, measured side by side on the same seeds and classes.

    sampler                     steps   NFE        (guidance w = 1, so one evaluation is one network call)
    ddpm, ddim, dpm_solver_pp   k       k          (DPM-Solver++(2M) is multistep: it reuses the previous x̂0)
    euler                       k       k
    heun                        k       2k − 1     (its last step, to t = 0, is Euler's: flow_samplers.py)
    midpoint                    k       2k

At a budget B each sampler runs the largest k whose NFE is at most B (heun: k = (B + 1) // 2; midpoint: B // 2,
so none at B = 1); a model's best sampler at B is the one with the lowest domain-FID. A model is measured with
its own family's samplers, chosen by pipe.objective.

    result = compare({"mnist_fast": ddpm_pipe, "mnist_flow": flow_pipe}, ref, n=500)
    print("\\n".join(table_lines(result)))"""
from __future__ import annotations

import torch

from .metrics import Reference, predict_labels, timed_generate

BUDGETS = (1, 2, 4, 8, 20)
FAMILIES = {"ddpm": ("ddim", "dpm_solver_pp", "ddpm"), "flow_matching": ("euler", "heun", "midpoint")}
COST = {"heun": (2, -1), "midpoint": (2, 0)}  # NFE = a·k + b for k steps; every other sampler (1, 0)
GUIDANCE, SEED = 1.0, 0
OBJECTIVE_WORDS = {"ddpm": "DDPM", "flow_matching": "flow matching"}


def nfe(sampler: str, steps: int) -> int:
    """Network evaluations per sample of `steps` steps of `sampler` (at w = 1)."""
    a, b = COST.get(sampler, (1, 0))
    return a * steps + b


def steps_within(sampler: str, budget: int) -> int | None:
    """The most steps of `sampler` whose NFE is at most `budget`; None when not even one step fits."""
    a, b = COST.get(sampler, (1, 0))
    k = (budget - b) // a
    return k if k >= 1 else None


def plan(objective: str, budgets=BUDGETS) -> list[tuple[str, int]]:
    """The (sampler, steps) rows that `budgets` need for a model of this objective, each once, in family order."""
    rows = []
    for sampler in FAMILIES[objective]:
        for k in sorted({steps_within(sampler, b) for b in budgets} - {None}):
            rows.append((sampler, k))
    return rows


def measure(pipe, ref: Reference, n: int, budgets=BUDGETS) -> list[dict]:
    """One row per (sampler, steps) of plan(): n samples, classes cycling 0..K-1, w = 1, seeds SEED, SEED + 250 ...
    (timed_generate's batches), after one untimed warm-up call."""
    k = pipe.config.num_classes
    labels = torch.arange(n) % k if k else None
    rows, grid = [], plan(pipe.objective, budgets)
    pipe.generate(2, labels=None if labels is None else labels[:2], sampler=grid[0][0], num_steps=1)
    for sampler, steps in grid:
        images, spi = timed_generate(pipe, n, labels=labels, seed=SEED, sampler=sampler, num_steps=steps,
                                     guidance_scale=GUIDANCE)
        agreement = None if labels is None else (predict_labels(ref.classifier, images) == labels).float().mean().item()
        rows.append({"sampler": sampler, "steps": steps, "nfe": nfe(sampler, steps), "fid": ref.fid(images),
                     "agreement": agreement, "sec_per_image": spi})
    return rows


def best_at(rows: list[dict], budget: int) -> dict | None:
    """The lowest-FID row among each sampler's largest step count within the budget."""
    fits = [r for r in rows if r["steps"] == steps_within(r["sampler"], budget)]
    return min(fits, key=lambda r: r["fid"], default=None)


def describe(pipe) -> dict:
    """What makes two models comparable: objective, process, size and training budget (from config.json)."""
    from ..models import count_parameters

    process = (f"{pipe.schedule.name} schedule, T = {pipe.schedule.num_timesteps}" if pipe.objective == "ddpm"
               else f"{pipe.flow.path} path")
    summary = pipe.info.get("training", {}).get("summary", {})
    training = pipe.info.get("training", {})
    return {"objective": pipe.objective, "process": process, "prediction_type": pipe.config.prediction_type,
            "parameters": count_parameters(pipe.model), "train_steps": summary.get("steps"),
            "batch_size": training.get("batch_size"), "train_seconds": summary.get("train_seconds")}


def compare(pipes: dict, ref: Reference, n: int, budgets=BUDGETS) -> dict:
    """Every model's rows and, per budget, each model's best row: what evaluation.json stores."""
    rows = {name: measure(pipe, ref, n, budgets) for name, pipe in pipes.items()}
    return {"n": n, "floor_at_n": ref.floor, "guidance": GUIDANCE, "seed": SEED, "budgets": list(budgets),
            "models": {name: describe(pipe) for name, pipe in pipes.items()}, "rows": rows,
            "best": [{"budget": b, **{name: best_at(rows[name], b) for name in pipes}} for b in budgets]}


def words_list(items) -> str:
    """"a", "a and b", "a, b and c"."""
    items = [str(i) for i in items]
    return " and ".join(filter(None, [", ".join(items[:-1]), items[-1]])) if items else ""


def _percent(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.1f} %"


def _cells(row: dict | None, floor: float) -> str:
    if row is None:
        return "— | — | — | —"
    return (f"{row['sampler']} {row['steps']} ({row['nfe']} NFE) | {row['fid']:.2f} ({row['fid'] / floor:.1f}×) | "
            f"{_percent(row['agreement'])} | {row['sec_per_image'] * 1000:.1f}")


def table_lines(result: dict) -> list[str]:
    """The side-by-side markdown table: per budget, each model's best sampler, domain-FID (÷ floor), agreement, ms."""
    names = list(result["models"])
    head = "| NFE | " + " | ".join(f"{name} ({OBJECTIVE_WORDS[result['models'][name]['objective']]}) | "
                                    "domain-FID (÷ floor) | agreement | ms/image" for name in names) + " |"
    lines = [head, "|---|" + "---|---|---|---|" * len(names)]
    for best in result["best"]:
        lines.append(f"| {best['budget']} | " + " | ".join(_cells(best[name], result["floor_at_n"]) for name in names)
                     + " |")
    return lines


def all_rows_lines(result: dict) -> list[str]:
    """Every measured row of every model, as a markdown table."""
    lines = ["| model | sampler | steps | NFE | domain-FID | agreement | ms per image |", "|---" * 7 + "|"]
    for name, rows in result["rows"].items():
        lines += [f"| {name} | {r['sampler']} | {r['steps']} | {r['nfe']} | {r['fid']:.2f} | "
                  f"{_percent(r['agreement'])} | {r['sec_per_image'] * 1000:.1f} |" for r in rows]
    return lines


def verdict(result: dict) -> str:
    """Which model has the lower domain-FID at which budgets, read off the table (two models)."""
    names = list(result["models"])
    wins = {name: [] for name in names}
    for best in result["best"]:
        rows = {name: best[name] for name in names if best[name] is not None}
        if len(rows) == len(names):
            wins[min(rows, key=lambda name: rows[name]["fid"])].append(str(best["budget"]))
    parts = [f"`{name}` at {words_list(b)} NFE" for name, b in wins.items() if b]
    return "Lower domain-FID: " + "; ".join(parts) + "." if parts else ""
