"""`tandem ingest-mail`, as an MTA's pipe runs it: exit 0 once the message is in the spool, synced;
exit 75 (EX_TEMPFAIL) when it could not be stored, so the MTA keeps it and retries; exit 65
(EX_DATAERR) for a message over the size limit, which the MTA bounces."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MESSAGE = "From: Ana <ana@example.com>\r\nTo: invoices@tandem.test\r\nSubject: Rechnung für März\r\n\r\nPlease pay.\r\n".encode()


def ingest(
    spool: Path, data: Path, raw: bytes, *args: str, **settings: str
) -> subprocess.CompletedProcess[bytes]:
    environment = {
        **os.environ,
        **settings,
        "TANDEM_MAIL_SPOOL": str(spool),
        "TANDEM_DATA_DIR": str(data),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, "-m", "tandem", "ingest-mail", *args],
        input=raw, capture_output=True, env=environment, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip


def test_a_piped_message_is_stored_as_received_with_its_envelope(tmp_path):
    spool = tmp_path / "spool"
    done = ingest(
        spool, tmp_path, MESSAGE, "--recipient", "invoices@tandem.test", "--sender", "ana@example.com"
    )
    assert done.returncode == 0, done.stderr
    stored = list((spool / "new").glob("*.eml"))
    assert len(stored) == 1 and stored[0].read_bytes() == MESSAGE
    envelope = json.loads(stored[0].with_suffix(".json").read_text())
    assert envelope == {"from": "ana@example.com", "to": ["invoices@tandem.test"], "via": "ingest-mail"}


def test_a_spool_that_cannot_store_makes_the_mta_retry(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    done = ingest(blocked / "spool", tmp_path, MESSAGE)
    assert done.returncode == 75
    assert b"try again later" in done.stderr


def test_a_message_over_the_size_limit_is_bounced_at_once(tmp_path):
    done = ingest(tmp_path / "spool", tmp_path, MESSAGE + b"x" * 4096, TANDEM_MAIL_MAX_MESSAGE="2048")
    assert done.returncode == 65  # EX_DATAERR: the MTA bounces it, retrying cannot help
    assert b"over the limit of 2,048 bytes" in done.stderr
    assert not list((tmp_path / "spool" / "new").glob("*.eml"))
