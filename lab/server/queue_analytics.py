"""Gradio's queue records every event (function, status, seconds) for its monitoring page and, after each event,
recomputes the summary from scratch: a pandas DataFrame of the last GRADIO_ANALYTICS_MAX_EVENTS (10,000) records,
grouped by function, with percentiles (Queue.compute_analytics_summary in gradio/queueing.py). Measured here that
is 6 ms of CPU per event with 600 records and 12.5 ms with 10,000: more than a slider event itself, and growing
with the server's uptime until a class's events queue behind it.

`thin_queue_analytics(queue)` keeps the monitoring page: the summary is recomputed every `every` events, over the
last `keep` records. lab/server/gradio_tuning.py applies it once it has checked that the queue still reads both."""
from __future__ import annotations

SUMMARY_EVERY, RECORDS_KEPT = 500, 2000


def thin_queue_analytics(queue, every: int = SUMMARY_EVERY, keep: int = RECORDS_KEPT) -> None:
    queue.ANAYLTICS_CACHE_FREQUENCY = every  # sic: Gradio's spelling
    queue.ANALYTICS_MAX_EVENTS = keep
