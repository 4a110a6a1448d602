"""A `tandem` console command run as a terminal runs it: in a session of its own, its output read
line by line, stopped with Ctrl+C (SIGINT to its whole process group), with HOME and the data
folder in a temporary folder of their own so that files written outside the data folder show."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


class Console:
    def __init__(self, tmp_path: Path, *args: str, **env: str) -> None:
        self.home, self.data = tmp_path / "home", tmp_path / "data"
        self.home.mkdir()
        self.data.mkdir()
        # without PYTHONUNBUFFERED, as most have it: output into a pipe is buffered then
        unset = ("DATABASE_URL", "XDG_RUNTIME_DIR", "PYTHONUNBUFFERED")
        clean = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_") and k not in unset}
        clean.update(HOME=str(self.home), TANDEM_DATA_DIR=str(self.data), **env)
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tandem", *args],
            env=clean,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # as a shell starts a job: Ctrl+C goes to the whole group
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not any(text in line for line in self.lines):
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise AssertionError(f"{text!r} never came; the console said:\n{self.output}")
                self._changed.wait(timeout=min(left, 0.5))

    def settle(self, seconds: float = 1.5) -> None:
        """Wait until nothing more is printed for `seconds`."""
        count = -1
        while count != len(self.lines):
            count = len(self.lines)
            time.sleep(seconds)

    def children(self) -> list[int]:
        found = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True, check=False
        )
        return [int(pid) for pid in found.stdout.split()]

    def ctrl_c(self, timeout: float = 60) -> int:
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            code = self.process.wait(timeout=timeout)
        finally:
            self.stop()
        self._reader.join(timeout=10)
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
