"""Small statistics used by every benchmark (pure functions, tested in tests/bench)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence


def percentile(values: Iterable[float], p: float) -> float | None:
    """The p-th percentile (0-100) with linear interpolation between closest ranks.

    Same definition as numpy's default ("linear"); None for no values.
    """
    ordered = sorted(values)
    if not ordered:
        return None
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be within 0..100, not {p}")
    if len(ordered) == 1:
        return float(ordered[0])
    rank = p / 100 * (len(ordered) - 1)
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


def summary(values: Sequence[float]) -> dict[str, float | int | None]:
    """n, mean, p50, p95, p99 and max of a list of numbers (the same units as the input)."""
    values = list(values)
    if not values:
        return {"n": 0, "mean": None, "p50": None, "p95": None, "p99": None, "max": None}
    return {
        "n": len(values),
        "mean": sum(values) / len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": max(values),
    }


def ratio(ours: float | None, baseline: float | None) -> float | None:
    """ours / baseline, or None when either is missing or the baseline is zero."""
    if ours is None or baseline is None or baseline == 0:
        return None
    return ours / baseline


def rate(count: int, seconds: float) -> float:
    """Events per second (0 for an empty interval)."""
    return count / seconds if seconds > 0 else 0.0


def fmt_ms(seconds: float | None, digits: int = 0) -> str:
    """Seconds as milliseconds for a table ("-" when missing)."""
    if seconds is None:
        return "-"
    return f"{1000 * seconds:.{digits}f}"


def fmt_duration(seconds: float | None) -> str:
    """1 h 2 min 3 s / 4 min 5 s / 6.7 s."""
    if seconds is None:
        return "-"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min {secs} s" if hours else f"{minutes} min {secs} s"


def fmt_mb(kib: float | None) -> str:
    """A /proc kB figure as MB (1 MB = 1024 kB here, like `free -m`)."""
    if kib is None:
        return "-"
    return f"{kib / 1024:.0f}"


def fmt_pct(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{100 * value:.{digits}f} %"


def fmt_ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"
