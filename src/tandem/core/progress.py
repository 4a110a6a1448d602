"""A small progress bar for long-running commands: rows done of the total, rate and time left.

On a terminal the bar redraws in place a few times a second; into a log file or a pipe it writes a
plain line every few seconds instead, so logs stay readable."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Protocol

BAR_WIDTH = 24


class Stream(Protocol):
    """What the bar writes to: a text file such as sys.stderr, or a command's stderr wrapper."""

    def write(self, text: str, /) -> Any: ...
    def flush(self) -> None: ...
    def isatty(self) -> bool: ...


def format_duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"


class Progress:
    """Usage: `with Progress("people", total=10_000) as bar: ... bar.advance(500)`.
    `stream=None` keeps it quiet."""

    def __init__(
        self,
        label: str,
        total: int,
        *,
        stream: Stream | None = sys.stderr,
        interval: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = max(0, total)
        self.done = 0
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self._last_shown = -1.0
        self._shown_done = -1
        self._live = bool(stream is not None and stream.isatty())
        self.interval = interval if interval is not None else (0.25 if self._live else 5.0)

    def __enter__(self) -> Progress:
        # An empty bar on a terminal shows that work started; a log only gets lines with news.
        if self._live:
            self._show(force=True)
        else:
            self._last_shown = self.started
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.finish()

    def advance(self, rows: int = 1) -> None:
        self.done += rows
        self._show()

    def finish(self) -> None:
        if self.stream is None or self._last_shown == float("inf"):
            return
        self._show(force=self._shown_done != self.done)
        if self._live:
            self.stream.write("\n")
            self.stream.flush()
        self._last_shown = float("inf")

    @property
    def elapsed(self) -> float:
        return self.clock() - self.started

    def line(self) -> str:
        elapsed = self.elapsed
        rate = self.done / elapsed if elapsed > 0 else 0.0
        fraction = min(1.0, self.done / self.total) if self.total else 1.0
        filled = int(fraction * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        if self.done >= self.total:
            eta = f"in {format_duration(elapsed)}"
        elif rate > 0:
            eta = f"ETA {format_duration((self.total - self.done) / rate)}"
        else:
            eta = "ETA -:--:--"
        return (
            f"{self.label:<14} [{bar}] {self.done:>11,}/{self.total:,} {fraction:4.0%} {rate:>9,.0f}/s {eta}"
        )

    def _show(self, *, force: bool = False) -> None:
        if self.stream is None or self._last_shown == float("inf"):
            return
        now = self.clock()
        if not force and now - self._last_shown < self.interval:
            return
        self._last_shown, self._shown_done = now, self.done
        if self._live:
            self.stream.write("\r\x1b[K" + self.line())
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()
