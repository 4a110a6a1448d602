"""The spool keeps every acknowledged message, with its envelope, and gives each to one taker."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from tandem.mailgate.spool import Spool


def test_a_delivered_message_waits_in_new_with_its_envelope(tmp_path):
    spool = Spool(tmp_path)
    raw = b"From: ana@example.com\r\nSubject: hi\r\n\r\nbody\r\n"
    spooled = spool.deliver(raw, {"to": ["invoices@tandem.test"], "from": "ana@example.com"})
    assert list(spool.waiting()) == [spooled.name]
    assert (tmp_path / "new" / f"{spooled.name}.eml").read_bytes() == raw  # exactly as received
    assert not list((tmp_path / "tmp").iterdir())
    taken = spool.take(spooled.name)
    assert taken is not None and taken.read() == raw
    assert taken.envelope == {"from": "ana@example.com", "to": ["invoices@tandem.test"]}
    assert list(spool.waiting()) == []
    assert spool.get(spooled.name) == taken  # kept in cur/, to process again or download


def test_each_message_is_taken_once_however_many_workers_try(tmp_path):
    spool = Spool(tmp_path)
    names = [spool.deliver(f"Subject: {n}\r\n\r\nx".encode()).name for n in range(50)]
    assert len(set(names)) == 50 and list(spool.waiting()) == sorted(names)

    def take_all(_worker: int) -> list[str]:
        return [name for name in names if Spool(tmp_path).take(name) is not None]

    with ThreadPoolExecutor(4) as pool:
        taken = [name for got in pool.map(take_all, range(4)) for name in got]
    assert sorted(taken) == sorted(names)  # every one, none twice


def test_names_that_leave_the_spool_are_refused(tmp_path):
    spool = Spool(tmp_path)
    (tmp_path / "secret.eml").write_bytes(b"x")
    assert spool.get("../secret") is None and spool.get(".hidden") is None
    assert spool.take("does-not-exist") is None


def test_files_are_synced_to_disk(tmp_path, monkeypatch):
    synced: list[int] = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    Spool(tmp_path).deliver(b"Subject: x\r\n\r\ny")
    assert len(synced) == 3  # the envelope, the message, and the folder that now names them
