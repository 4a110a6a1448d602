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
    assert spool.get(spooled.name) == taken  # in work/ until its record is committed


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


def test_a_released_message_waits_again_and_a_done_one_leaves(tmp_path):
    spool = Spool(tmp_path)
    first, second = (spool.deliver(f"Subject: {n}\r\n\r\nx".encode(), {"to": [f"{n}@t"]}).name for n in "ab")
    spool.take(first)
    spool.release(first)  # e.g. the database was down
    assert sorted(spool.waiting()) == sorted([first, second])
    again = spool.take(first)
    assert again is not None and again.envelope == {"to": ["a@t"]}  # the envelope went back with it
    spool.done(first)
    assert spool.get(first) is None and list(spool.waiting()) == [second]
    assert not list((tmp_path / "work").iterdir())


def test_recover_puts_back_only_messages_whose_worker_stopped_long_ago(tmp_path):
    spool = Spool(tmp_path)
    old, fresh = (spool.deliver(f"Subject: {n}\r\n\r\nx".encode()).name for n in "ab")
    spool.take(old)
    spool.take(fresh)
    long_ago = os.stat(tmp_path / "work" / f"{old}.eml").st_mtime - 3600
    os.utime(tmp_path / "work" / f"{old}.eml", (long_ago, long_ago))
    assert spool.recover(older_than=600) == [old]
    assert list(spool.waiting()) == [old] and spool.get(fresh) is not None
