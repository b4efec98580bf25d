"""lab/server/queue_analytics.py: Gradio's monitoring summary (a pandas DataFrame of the recorded events) is rebuilt
every `every` events over the last `keep`, not after each event over 10,000; the app's queue is set so, and tells
waiting pages their place on a timer rather than at every start. What it relies on in Gradio (if one of these fails,
Gradio changed under it): the queue reads its (misspelled) ANAYLTICS_CACHE_FREQUENCY before each summary and keeps
at most ANALYTICS_MAX_EVENTS records."""
import inspect

from gradio.queueing import Queue

from lab.server.queue_analytics import RECORDS_KEPT, SUMMARY_EVERY, thin_queue_analytics


def summaries_built(queue, events: int, monkeypatch) -> int:
    built = []
    monkeypatch.setattr(Queue, "_get_df", staticmethod(lambda records: built.append(len(records)) or
                                                       __import__("pandas").DataFrame(records)))
    records = [{"function": "f", "status": "success", "process_time": 0.01}]
    for _ in range(events):
        queue.events_recorded += 1  # as Gradio counts an event before summarising
        queue.compute_analytics_summary(records)
    return len(built)


def bare_queue() -> Queue:
    return Queue(live_updates=False, concurrency_count=4, update_intervals=1, max_size=None, blocks=None,
                 default_concurrency_limit=1)


def test_gradio_rebuilds_the_summary_after_every_event(monkeypatch):
    assert summaries_built(bare_queue(), 20, monkeypatch) == 20


def test_thinned_it_is_rebuilt_every_so_many_events(monkeypatch):
    queue = bare_queue()
    thin_queue_analytics(queue, every=10, keep=50)
    assert queue.ANALYTICS_MAX_EVENTS == 50
    assert summaries_built(queue, 20, monkeypatch) == 2


def test_the_queue_keeps_at_most_analytics_max_events_records():
    assert "len(self.event_analytics) > self.ANALYTICS_MAX_EVENTS" in inspect.getsource(Queue.push)


def test_the_app_queue_is_thinned_and_updates_waiting_pages_on_a_timer(demo):
    queue = demo._queue
    assert queue.ANAYLTICS_CACHE_FREQUENCY == SUMMARY_EVERY and queue.ANALYTICS_MAX_EVENTS == RECORDS_KEPT
    assert not queue.live_updates and queue.update_intervals == 1
