"""Jobs the worker tests enqueue: each notes its runs in a file, so a test can tell how often it
ran, whichever process ran it."""

from __future__ import annotations

import time
from pathlib import Path

from django.tasks import task
from django.tasks.base import TaskContext


def _note(path: str, line: str) -> None:
    with Path(path).open("a", encoding="utf-8") as log:  # appends of one short line are atomic
        log.write(f"{line}\n")


@task()
def note_run(path: str, number: int) -> int:
    _note(path, str(number))
    return number


@task(takes_context=True)
def fail_first(context: TaskContext, path: str, failures: int) -> int:
    """Fails on its first `failures` attempts, then succeeds."""
    _note(path, f"attempt {context.attempt}")
    if context.attempt <= failures:
        raise RuntimeError(f"attempt {context.attempt} failed on purpose")
    return context.attempt


@task(takes_context=True)
def slow_first(context: TaskContext, path: str, seconds: float) -> int:
    """Takes `seconds` on its first attempt (long enough to be killed), none after."""
    _note(path, f"start {context.attempt}")
    if context.attempt == 1:
        time.sleep(seconds)
    _note(path, f"done {context.attempt}")
    return context.attempt
