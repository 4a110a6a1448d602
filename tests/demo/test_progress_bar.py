"""The progress bar: rows done of the total, rate and time left; redrawn a few times a second on a
terminal, a line every few seconds in a log, nothing at all when quiet."""

from __future__ import annotations

from io import StringIO

from tandem.core.progress import Progress, format_duration


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_line_shows_count_rate_and_time_left():
    clock = Clock()
    bar = Progress("people", 1_000, stream=None, clock=clock)
    clock.now += 2
    bar.advance(250)
    line = bar.line()
    assert "250/1,000" in line and "25%" in line and "125/s" in line
    assert "ETA 0:00:06" in line
    assert format_duration(3_725) == "1:02:05"


def test_terminal_redraws_in_place_at_most_a_few_times_a_second():
    clock, stream = Clock(), Terminal()
    with Progress("history", 100, stream=stream, clock=clock) as bar:
        for _ in range(10):
            bar.advance(1)  # no time passes: no redraw
        clock.now += 1
        bar.advance(10)
    text = stream.getvalue()
    assert text.count("\r") == 2  # the empty bar and one update; the last state stays on screen
    assert text.endswith("20/100  20%        20/s ETA 0:00:04\n")


def test_a_log_gets_a_line_every_few_seconds():
    clock, stream = Clock(), StringIO()
    with Progress("people", 100, stream=stream, clock=clock) as bar:
        bar.advance(10)
        clock.now += 1
        bar.advance(10)
        clock.now += 5
        bar.advance(10)  # five seconds since the start: a line
        clock.now += 1
        bar.advance(70)
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue()
    assert len(lines) == 2
    assert "30/100" in lines[0] and "ETA" in lines[0]
    assert "100/100 100%" in lines[1] and "in 0:00:07" in lines[1]


def test_no_stream_means_quiet():
    bar = Progress("people", 10, stream=None)
    bar.advance(10)
    bar.finish()  # nothing to write to, nothing fails
    assert bar.done == 10
