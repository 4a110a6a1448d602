"""The mail spool: a maildir-style folder where every inbound message is written, and synced to
disk, before Tandem says it has it (the SMTP/LMTP 250, `tandem ingest-mail`'s exit 0). Processing
into items happens from here, later, so a database outage or a crash loses nothing.

Layout under `root` (`TANDEM_MAIL_SPOOL`, default `<data dir>/spool/mail`):

- `tmp/`: being written; never read. A file left here by a crash was never acknowledged.
- `new/`: acknowledged, waiting: `<name>.eml` (the message exactly as received) and `<name>.json`
  (the envelope: sender, recipients, where it came from). The envelope is moved in first, so a
  message in `new/` always has it.
- `work/`: taken by a worker (moved atomically, so two workers never take one message). Once its
  record is committed (the raw message is then in Tandem's file storage, with the item) the worker
  removes it; if the database fails it goes back to `new/`; one whose worker died is put back by
  `recover` after a while. One that no record can be written for at all goes to `failed/`, kept
  for an operator, so that it does not hold up the rest. Processing is idempotent by the message's identity, so a message
  processed twice (a crash between the commit and the removal) still makes one item."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import socket
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_counter = itertools.count()


@dataclass(frozen=True)
class Spooled:
    """One message in the spool: its raw file and its envelope."""

    name: str
    raw: Path
    envelope: dict[str, Any]

    def read(self) -> bytes:
        return self.raw.read_bytes()


class Spool:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        for folder in ("tmp", "new", "work", "failed"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)

    def deliver(self, raw: bytes, envelope: Mapping[str, Any] | None = None) -> Spooled:
        """Write one message durably; when this returns, the message survives a crash or power cut."""
        name = f"{time.time_ns()}.{os.getpid()}_{next(_counter)}.{socket.gethostname().replace('/', '_')}"
        meta = json.dumps(dict(envelope or {}), ensure_ascii=False, sort_keys=True).encode()
        for suffix, data in ((".json", meta), (".eml", raw)):
            temporary = self.root / "tmp" / (name + suffix)
            _write_synced(temporary, data)
            os.replace(temporary, self.root / "new" / (name + suffix))
        _sync_folder(self.root / "new")
        return Spooled(name, self.root / "new" / f"{name}.eml", dict(envelope or {}))

    def waiting(self) -> Iterator[str]:
        """The names of the messages waiting in `new/`, oldest first."""
        names = sorted(path.stem for path in (self.root / "new").glob("*.eml"))
        yield from names

    def take(self, name: str) -> Spooled | None:
        """Move one waiting message to `work/` for processing; None when another worker took it."""
        new, work = self.root / "new", self.root / "work"
        try:
            os.rename(new / f"{name}.eml", work / f"{name}.eml")
        except FileNotFoundError:
            return None
        with contextlib.suppress(FileNotFoundError):  # no envelope: the message's own headers route it
            os.rename(new / f"{name}.json", work / f"{name}.json")
        with contextlib.suppress(OSError):
            os.utime(work / f"{name}.eml")  # when it was taken, for `recover`
        _sync_folder(work)
        return self.get(name)

    def get(self, name: str) -> Spooled | None:
        """A taken message by name."""
        if "/" in name or name.startswith("."):
            return None
        raw = self.root / "work" / f"{name}.eml"
        if not raw.exists():
            return None
        meta = self.root / "work" / f"{name}.json"
        try:
            envelope = json.loads(meta.read_text()) if meta.exists() else {}
        except ValueError:
            envelope = {}
        return Spooled(name, raw, envelope if isinstance(envelope, dict) else {})

    def has_work(self, *, older_than: float) -> bool:
        """Whether a message waits, or one taken long ago waits to be put back."""
        if any(True for _path in (self.root / "new").glob("*.eml")):
            return True
        cutoff = time.time() - older_than
        for path in (self.root / "work").glob("*.eml"):
            with contextlib.suppress(FileNotFoundError):
                if path.stat().st_mtime < cutoff:
                    return True
        return False

    def done(self, name: str) -> None:
        """The message is recorded (committed): it leaves the spool."""
        for suffix in (".eml", ".json"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.root / "work" / f"{name}{suffix}")

    def fail(self, name: str) -> None:
        """Set a message aside in `failed/` that no record can be written for, so that it does not
        hold up the others; kept as it is for an operator (docs/operations.md)."""
        work, failed = self.root / "work", self.root / "failed"
        for suffix in (".json", ".eml"):
            with contextlib.suppress(FileNotFoundError):
                os.rename(work / f"{name}{suffix}", failed / f"{name}{suffix}")
        _sync_folder(failed)

    def release(self, name: str) -> None:
        """Put a taken message back to wait (the database was unavailable)."""
        work, new = self.root / "work", self.root / "new"
        with contextlib.suppress(FileNotFoundError):
            os.rename(work / f"{name}.json", new / f"{name}.json")
        with contextlib.suppress(FileNotFoundError):
            os.rename(work / f"{name}.eml", new / f"{name}.eml")
        _sync_folder(new)

    def recover(self, older_than: float) -> list[str]:
        """Put back messages taken more than `older_than` seconds ago (their worker died)."""
        cutoff = time.time() - older_than
        stale = []
        for path in (self.root / "work").glob("*.eml"):
            try:
                if path.stat().st_mtime < cutoff:
                    stale.append(path.stem)
            except FileNotFoundError:
                continue
        for name in stale:
            self.release(name)
        return stale


def _write_synced(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(path: Path) -> None:
    """The rename itself reaches the disk (a new directory entry is not durable until then)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
