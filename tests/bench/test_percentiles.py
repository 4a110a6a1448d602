"""Nearest-rank percentiles and the run summary, on inputs whose answers are known."""

from __future__ import annotations

import math
import random

import pytest

from bench.stats import percentile, summarize


def expand(histogram: list[tuple[int, int]]) -> list[int]:
    return sorted(value for value, count in histogram for _ in range(count))


def test_one_sample_is_every_percentile() -> None:
    for p in (0, 1, 50, 95, 99, 99.9, 100):
        assert percentile([(7, 1)], p) == 7


def test_all_equal_samples() -> None:
    for p in (0, 50, 99, 100):
        assert percentile([(5, 1000)], p) == 5


def test_one_to_a_hundred() -> None:
    histogram = [(v, 1) for v in range(1, 101)]
    assert percentile(histogram, 0) == 1
    assert percentile(histogram, 1) == 1
    assert percentile(histogram, 50) == 50
    # 0.95 * 100 is 95.00000000000001 in floating point: a naive ceil() would answer 96
    assert percentile(histogram, 95) == 95
    assert percentile(histogram, 99) == 99
    assert percentile(histogram, 99.5) == 100
    assert percentile(histogram, 100) == 100


def test_nearest_rank_rounds_up_to_a_measured_value() -> None:
    histogram = [(v, 1) for v in range(1, 11)]
    assert percentile(histogram, 50) == 5
    assert percentile(histogram, 90) == 9
    assert percentile(histogram, 90.1) == 10
    assert percentile(histogram, 10) == 1
    assert percentile(histogram, 10.1) == 2


def test_unsorted_input_with_zero_counts() -> None:
    histogram = [(30, 1), (10, 1), (20, 0), (20, 2), (40, 0)]
    assert percentile(histogram, 25) == 10
    assert percentile(histogram, 50) == 20
    assert percentile(histogram, 75) == 20
    assert percentile(histogram, 100) == 30


def test_empty_histogram_has_no_percentile() -> None:
    assert percentile([], 50) is None
    assert percentile([(10, 0), (20, 0)], 99) is None


@pytest.mark.parametrize("p", [-1, 100.01, math.nan])
def test_percentile_out_of_range_is_refused(p: float) -> None:
    with pytest.raises(ValueError):
        percentile([(1, 1)], p)


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError):
        percentile([(1, -1)], 50)


def test_matches_nearest_rank_on_the_expanded_samples() -> None:
    rng = random.Random(4711)
    for _ in range(300):
        histogram = [(rng.randint(1, 500), rng.randint(0, 5)) for _ in range(rng.randint(1, 30))]
        samples = expand(histogram)
        for p in (0, 1, 25, 50, 90, 95, 99, 99.9, 100):
            expected = samples[max(1, math.ceil(p * len(samples) / 100)) - 1] if samples else None
            assert percentile(histogram, p) == expected, (histogram, p)


def test_summary_of_a_known_run() -> None:
    summary = summarize([(4000, 1), (1000, 1), (2000, 2)], requests=4, seconds=2.0)
    assert summary.requests == 4
    assert summary.rps == 2.0
    assert summary.mean_ms == 2.25
    assert summary.p50_ms == 2.0
    assert summary.p95_ms == 4.0
    assert summary.p99_ms == 4.0
    assert summary.max_ms == 4.0


def test_summary_counts_completed_requests_not_histogram_samples() -> None:
    # wrk adds samples for stalls (its coordinated-omission correction): 3 samples, 2 requests
    summary = summarize([(1000, 1), (50_000, 1), (100_000, 1)], requests=2, seconds=1.0)
    assert summary.requests == 2
    assert summary.rps == 2.0
    assert summary.p50_ms == 50.0


def test_summary_of_nothing() -> None:
    summary = summarize([], requests=0, seconds=1.0)
    assert summary.rps == 0.0
    assert summary.p50_ms is None
    assert summary.mean_ms is None
    assert summary.max_ms is None
