"""Statistics of the benchmarks (pure functions; no timing)."""

import pytest

from bench.stats import fmt_duration, fmt_mb, fmt_ms, fmt_pct, fmt_ratio, percentile, rate, ratio, summary


def test_percentile_interpolates_between_closest_ranks_like_numpy():
    values = [4, 1, 3, 2]
    assert percentile(values, 0) == 1
    assert percentile(values, 50) == 2.5
    assert percentile(values, 100) == 4
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)
    assert percentile(list(range(1, 101)), 99) == pytest.approx(99.01)


def test_percentile_of_one_or_no_value():
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) is None


def test_percentile_outside_0_100_is_an_error():
    with pytest.raises(ValueError):
        percentile([1, 2], 101)


def test_summary():
    s = summary([0.1, 0.2, 0.3, 0.4])
    assert s["n"] == 4 and s["max"] == 0.4
    assert s["mean"] == pytest.approx(0.25)
    assert s["p50"] == pytest.approx(0.25)
    assert summary([]) == {"n": 0, "mean": None, "p50": None, "p95": None, "p99": None, "max": None}


def test_ratio_and_rate():
    assert ratio(3.0, 2.0) == 1.5
    assert ratio(None, 2.0) is None and ratio(1.0, 0) is None and ratio(1.0, None) is None
    assert rate(10, 4.0) == 2.5 and rate(5, 0) == 0.0


def test_formats():
    assert fmt_ms(0.0123) == "12" and fmt_ms(0.0123, 1) == "12.3" and fmt_ms(None) == "-"
    assert fmt_duration(6.71) == "6.7 s"
    assert fmt_duration(232) == "3 min 52 s"
    assert fmt_duration(3723) == "1 h 2 min 3 s"
    assert fmt_mb(2048) == "2" and fmt_mb(None) == "-"
    assert fmt_pct(0.9153) == "91.5 %" and fmt_pct(None) == "-"
    assert fmt_ratio(1.234) == "1.23x" and fmt_ratio(None) == "-"
