"""A change that rolls back leaves no file behind in the storage (tandem.core.files.atomic_with_files):
files put on items, received mail and what the mail gateway made of it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files import File

from tandem.core.errors import InvalidInput
from tandem.core.files import atomic_with_files
from tandem.mailgate import services as mailgate
from tandem.mailgate.models import InboundMessage, MessageStatus
from tandem.mailgate.services import inbound
from tandem.work import services as work
from tandem.work.models import ItemFile
from tests.mailgate.conftest import mail

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 the invoice\n" * 50


def stored(folder: str) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / folder
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


class BrokenStream(io.RawIOBase):
    """An upload whose connection breaks while it is read."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise OSError(104, "Connection reset by peer")


def broken_upload(name: str) -> File:
    upload = File(BrokenStream(), name=name)
    upload.size = 4096
    return upload


@pytest.fixture
def item(member, finance):
    return work.create_item(by=member, board=finance, data={"title": "Contract"})


def test_files_already_stored_are_deleted_when_a_later_one_fails(member, item):
    with pytest.raises(InvalidInput, match="could not be stored"):
        work.attach_files(
            item,
            by=member,
            files=[
                work.NewFile(name="first.pdf", content=PDF, content_type="application/pdf"),
                work.NewFile(name="second.pdf", content=broken_upload("second.pdf")),
            ],
        )
    assert not ItemFile.objects.exists()
    # the first file is gone; the broken one left at most the empty file the storage began to write
    assert [p.stat().st_size for p in stored("items")] in ([], [0])


def test_files_stay_when_the_change_commits(member, item):
    (kept,) = work.attach_files(item, by=member, files=[work.NewFile(name="kept.pdf", content=PDF)])
    assert Path(kept.file.path).read_bytes() == PDF


def test_an_outer_change_that_rolls_back_takes_the_inner_ones_files_with_it(member, item):
    with pytest.raises(RuntimeError), atomic_with_files():
        (made,) = work.attach_files(item, by=member, files=[work.NewFile(name="a.pdf", content=PDF)])
        path = Path(made.file.path)
        assert path.exists()  # stored while the change runs
        raise RuntimeError("a later step of the same change fails")
    assert not path.exists() and not ItemFile.objects.exists()


def test_an_inner_change_caught_inside_a_committed_one_loses_only_its_own_files(member, item):
    with atomic_with_files():
        (kept,) = work.attach_files(item, by=member, files=[work.NewFile(name="kept.pdf", content=PDF)])
        try:
            with atomic_with_files():
                (lost,) = work.attach_files(
                    item, by=member, files=[work.NewFile(name="lost.pdf", content=PDF)]
                )
                lost_path = Path(lost.file.path)
                raise RuntimeError("refused")
        except RuntimeError:
            pass
    assert Path(kept.file.path).exists() and not lost_path.exists()
    assert list(ItemFile.objects.values_list("name", flat=True)) == ["kept.pdf"]


def test_mail_that_fails_after_its_attachments_were_stored_leaves_only_its_original(invoices, monkeypatch):
    real = inbound._new_item

    def fails_after_attaching(*args: Any, **kwargs: Any) -> Any:
        made = real(*args, **kwargs)
        assert made.files.count() == 1  # the attachment is in the storage by now
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(inbound, "_new_item", fails_after_attaching)
    raw = mail(attachments=(("invoice.pdf", PDF, "application/pdf"),))
    mailgate.deliver(raw, sender="vera@vendor.example", recipients=["invoices@tandem.test"], via="smtp")
    assert mailgate.process_waiting() == 1
    message = InboundMessage.objects.get()
    assert message.status == MessageStatus.QUARANTINED and "disk on fire" in message.reason
    assert stored("items") == []
    # one original: the quarantine's, not also the one the failed attempt had stored
    assert stored("mail") == [Path(message.raw.path)]
    assert Path(message.raw.path).read_bytes() == raw
