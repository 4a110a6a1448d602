"""Latency statistics from a histogram of (value, count) pairs, as wrk reports it.

Percentiles are nearest-rank: the p-th percentile is the smallest recorded value with at least
p % of the samples at or below it, so it is always a latency that was actually measured. The rank
is computed with exact fractions: 0.95 * 100 is 95.00000000000001 in floating point, which would
push p95 of 100 samples one rank too high.

wrk's histogram is the one its own report uses: after the run wrk adds samples for the requests a
steady client would have sent while a slow one was outstanding (its correction for coordinated
omission), so the histogram may hold a few more samples than requests completed. Request counts
and rates therefore come from wrk's completed-request count, latencies from the histogram."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

type Histogram = Iterable[tuple[int, int]]


def _clean(histogram: Histogram) -> list[tuple[int, int]]:
    pairs = []
    for value, count in histogram:
        if count < 0:
            raise ValueError(f"a histogram count cannot be negative: {value} x {count}")
        if count:
            pairs.append((value, count))
    return sorted(pairs)


def percentile(histogram: Histogram, p: float) -> int | None:
    """Nearest-rank percentile; None for an empty histogram. p=0 is the minimum, p=100 the maximum."""
    if not 0 <= p <= 100:
        raise ValueError(f"a percentile lies between 0 and 100, not {p}")
    pairs = _clean(histogram)
    total = sum(count for _, count in pairs)
    if total == 0:
        return None
    rank = max(1, math.ceil(Fraction(str(p)) * total / 100))
    seen = 0
    for value, count in pairs:
        seen += count
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the last value has rank == total")


@dataclass(frozen=True)
class LatencySummary:
    """One measured run. Latencies in milliseconds; None when nothing completed."""

    requests: int
    seconds: float
    rps: float
    mean_ms: float | None
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None


def _ms(micros: float | None) -> float | None:
    return None if micros is None else round(micros / 1000, 3)


def summarize(histogram_us: Histogram, *, requests: int, seconds: float) -> LatencySummary:
    """Requests per second (`requests` completed in `seconds`) and the latency figures of a
    histogram in microseconds."""
    pairs = _clean(histogram_us)
    total = sum(count for _, count in pairs)
    mean = sum(value * count for value, count in pairs) / total if total else None
    return LatencySummary(
        requests=requests,
        seconds=seconds,
        rps=round(requests / seconds, 2) if seconds > 0 else 0.0,
        mean_ms=_ms(mean),
        p50_ms=_ms(percentile(pairs, 50)),
        p95_ms=_ms(percentile(pairs, 95)),
        p99_ms=_ms(percentile(pairs, 99)),
        max_ms=_ms(pairs[-1][0] if pairs else None),
    )
