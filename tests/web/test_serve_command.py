"""`tandem serve` starts a multi-process web server, the task worker and the mail listener, and
stops them all."""

import os
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_and_stops_cleanly(tmp_path):
    port, smtp_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_") and k != "DATABASE_URL"}
    env.update(TANDEM_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tandem",
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--mail-listen",
            f"127.0.0.1:{smtp_port}",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = ""
        deadline = time.monotonic() + 240  # a patience limit for a busy machine, not a speed check
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.3)
        assert body == '{"status": "ok"}'
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as response:
            assert response.status == 200
            assert "password" in response.read().decode().lower()
        for _ in range(100):  # the mail listener answers SMTP
            try:
                with smtplib.SMTP("127.0.0.1", smtp_port, timeout=5) as client:
                    assert client.noop()[0] == 250
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the mail listener did not answer")
        children = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False
        )
        assert len(children.stdout.split()) == 3  # gunicorn's master, the task worker, the mail listener
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "Tandem is running at" in output


def test_a_mail_port_in_use_leaves_the_web_and_the_worker_running(tmp_path):
    port = free_port()
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_") and k != "DATABASE_URL"}
    env.update(TANDEM_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    process = subprocess.Popen(
        [sys.executable, "-m", "tandem", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--mail-listen", f"127.0.0.1:{taken.getsockname()[1]}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    gave_up = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "Tandem runs on without receiving mail" in line:
                gave_up.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        # the listener's own start-up may be slow on a busy machine: wait for serve to say it gave up
        assert gave_up.wait(timeout=90), "".join(lines)
        deadline = time.monotonic() + 240  # a patience limit for a busy machine, not a speed check
        body = ""
        while time.monotonic() < deadline and not body:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    body = response.read().decode()
            except OSError:
                time.sleep(0.3)
        assert body == '{"status": "ok"}'
        assert process.poll() is None
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        reader.join(timeout=10)
        taken.close()
    assert process.returncode == 0, "".join(lines)
