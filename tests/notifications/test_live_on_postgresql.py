"""Live updates with several processes on PostgreSQL, as Tandem runs at scale: two gunicorn web
processes and a `tandem worker`. Ana assigns an item to Ben through the API; Ben's polls (answered
by either web process) soon say that his board changed and that he has an unread notification,
which the worker made from the outbox through the database queue."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from tandem.accounts import services as accounts
from tandem.accounts.models import User
from tandem.notifications.models import Notification, Outbox
from tandem.work import services as work

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="several processes share a PostgreSQL database"
    ),
]

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _environment(tmp_path: Path) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "TANDEM_TESTING": "false",
        "TANDEM_DATA_DIR": str(tmp_path),
        "TANDEM_SECRET_KEY": settings.SECRET_KEY,
        "PYTHONPATH": str(ROOT),
    }


def _session_for(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def _get(url: str, cookie: str) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        return response.status, dict(response.headers), response.read().decode()


def test_a_change_reaches_another_process_poll_through_the_worker(tmp_path: Path, manager: User) -> None:
    ana = manager
    ben = User.objects.create_user("ben@tandem.test", "correct horse battery staple", full_name="Ben")
    token = accounts.create_api_token(ana, name="test")[1]
    board = work.create_board(by=ana, data={"name": "Support"})
    item = work.create_item(by=ana, board=board, data={"title": "Printer on fire"})
    Outbox.objects.all().delete()  # made before the worker: not what this test follows
    port = _free_port()
    environment = _environment(tmp_path)
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tandem.wsgi:application", "-w", "2", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "tandem", "worker", "--no-startup-delay", "--interval", "0.1", "-v", "0"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        cookie = _session_for(ben)
        for _ in range(100):
            try:
                status, _headers, body = _get(f"{base}/live/?topic=board:{board.pk}", cookie)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the web processes did not start")
        assert status == 200
        poll = re.search(r'hx-get="([^"]+)"', body).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
        assert 'data-count="0"' in body

        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{base}/api/v1/items/{item.pk}",
            data=b'{"assignees": [%d], "version": %d}' % (ben.pk, item.version),
            method="PATCH",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            assert response.status == 200

        changed = unread = False
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (changed and unread):
            _status, headers, body = _get(base + poll, cookie)
            changed = changed or headers.get("HX-Trigger") == "tandem:changed"
            unread = unread or 'data-count="1"' in body
            poll = re.search(r'hx-get="([^"]+)"', body).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
            time.sleep(0.3)
        assert changed, "the board's poll never said it changed"
        assert unread, "Ben's unread count never reached 1"
        assert Notification.objects.filter(user=ben, kind="assignment", reason="assignee").count() == 1
        assert not Outbox.objects.exists()
    finally:
        for process in (web, worker):
            process.terminate()
        for process in (web, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        _until_their_sessions_end()


def _until_their_sessions_end() -> None:
    """The processes' database sessions end a moment after the processes: wait, so the test
    database can be dropped at the end of the run."""
    with connection.cursor() as cursor:
        for _ in range(50):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.2)
