"""lab/live/summaries.py: histograms and counts that the projector draws."""
from lab.live.questions import bank
from lab.live.summaries import choice_counts, histogram, summary


def test_histogram_bins_cover_the_range_and_hold_the_edges():
    bins = histogram([0, 10, 260, 999, 999], 0, 999, bins=4)
    assert [b["count"] for b in bins] == [2, 1, 0, 2]
    assert bins[0]["low"] == 0 and bins[-1]["high"] == 999
    assert all(a["high"] == b["low"] for a, b in zip(bins, bins[1:]))


def test_log_bins_split_decades_evenly():
    bins = histogram([1, 9, 10, 99, 100, 1000], 1, 1000, bins=3, log=True)
    assert [round(b["high"]) for b in bins] == [10, 100, 1000]
    assert [b["count"] for b in bins] == [2, 2, 2]


def test_choice_counts_keep_the_question_order_and_zeros():
    assert choice_counts(["b", "b", "a"], ("a", "b", "c")) == [{"choice": "a", "count": 1},
                                                               {"choice": "b", "count": 2},
                                                               {"choice": "c", "count": 0}]


def test_summary_of_each_kind():
    number, picked = bank()["forward-lose-picture"], bank()["schedules-faster-250"]
    assert summary(number, [100, 300, 500])["median"] == 300
    assert summary(number, [])["answers"] == 0 and summary(number, [])["median"] is None
    assert sum(c["count"] for c in summary(picked, ["cosine", "linear"])["counts"]) == 2
