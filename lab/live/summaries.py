"""A question's answers for the projector: a histogram of numbers, counts of choices, and the median.

    histogram([10, 12, 260, 999], 0, 999, bins=4)  ->  [{"low": 0, "high": 249.75, "count": 2}, …, {…, "count": 1}]

Bins are equal in width, or in ratio for predictions that spread over decades (1 … 1000 steps); the last bin holds
its upper edge. Values come checked (asked.py), so every one falls in a bin."""
from __future__ import annotations

import math
import statistics

BINS = 20  # t in 0 … 999: bins of 50, readable from the back of a room
LOG_BINS = 12  # 1 … 1000: four bins per decade


def edges(low: float, high: float, bins: int, log: bool = False) -> list[float]:
    if log:
        low = max(low, 1)
        return [low * (high / low) ** (i / bins) for i in range(bins + 1)]
    return [low + (high - low) * i / bins for i in range(bins + 1)]


def histogram(values, low: float, high: float, bins: int = BINS, log: bool = False) -> list[dict]:
    cuts = edges(low, high, bins, log)
    counts = [0] * bins
    for value in values:
        position = (math.log(max(value, cuts[0]) / cuts[0]) / math.log(high / cuts[0]) if log
                    else (value - low) / (high - low))
        counts[min(bins - 1, max(0, int(position * bins)))] += 1
    return [{"low": round(cuts[i], 6), "high": round(cuts[i + 1], 6), "count": counts[i]} for i in range(bins)]


def choice_counts(values, choices) -> list[dict]:
    counts = dict.fromkeys(choices, 0)
    for value in values:
        counts[value] += 1
    return [{"choice": choice, "count": n} for choice, n in counts.items()]


def summary(question, values: list) -> dict:
    """What the projector draws for one question: how many answered, and their spread."""
    if question.kind == "choice":
        return {"answers": len(values), "counts": choice_counts(values, question.choices)}
    return {"answers": len(values), "median": statistics.median(values) if values else None,
            "histogram": histogram(values, question.low, question.high, LOG_BINS if question.log_bins else BINS,
                                   question.log_bins)}
