from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage

import pytest

from tandem.accounts.models import User
from tandem.accounts.roles import Role
from tandem.mailgate import services
from tandem.mailgate.models import InboundMessage, MailAddress, MessageStatus
from tandem.work import services as work
from tandem.work.models import Board, Item
from tests.conftest import make_user


@pytest.fixture
def fay(db: None) -> User:
    """Fay works in finance: invoices@ assigns its items to her."""
    return make_user("fay@tandem.test", Role.MEMBER, full_name="Fay Finance")


@pytest.fixture
def finance(admin_user: User) -> Board:
    return work.create_board(by=admin_user, data={"name": "Finance", "default_type": "finance"})


@pytest.fixture
def invoices(admin_user: User, finance: Board, fay: User) -> MailAddress:
    label = work.create_label(by=admin_user, board=finance, data={"name": "finance::received"})
    return services.create_address(
        by=admin_user,
        board=finance,
        data={"address": "Invoices@Tandem.test", "assignee": fay, "labels": [label]},
    )


def mail(
    *,
    subject: str = "Invoice 4711",
    sender: str = "Vera Vendor <vera@vendor.example>",
    to: str = "invoices@tandem.test",
    body: str = "Please find the invoice attached.",
    message_id: str | None = "<4711@vendor.example>",
    attachments: tuple[tuple[str, bytes, str], ...] = (),
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    for filename, data, content_type in attachments:
        maintype, _slash, subtype = content_type.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


@pytest.fixture
def receive() -> Callable[..., InboundMessage]:
    """Put a message in the spool as the listener does, let the worker's job take it, and give
    back its record."""

    def run(raw: bytes, *, recipients: tuple[str, ...] = ("invoices@tandem.test",)) -> InboundMessage:
        spooled = services.deliver(raw, sender="bounce@vendor.example", recipients=recipients, via="smtp")
        assert services.process_waiting() == 1
        return InboundMessage.objects.get(spool_name=spooled.name)

    return run


@pytest.fixture
def invoice_item(receive: Callable[..., InboundMessage], invoices: MailAddress) -> Item:
    """Northwind's invoice, then the fraud: their own From, the attacker's Reply-To, the item's number."""
    item = receive(
        mail(
            sender="Northwind Billing <info@northwind.example>",
            subject="Invoice 32",
            message_id="<32@northwind.example>",
        )
    ).item
    assert item is not None
    fraud = receive(
        mail(
            sender="Northwind Billing <info@northwind.example>",
            subject=f"Re: [#{item.pk}] Invoice 32: our new bank details",
            message_id="<fraud@evil.example>",
            Reply_To="attacker@evil.example",
            body="Please pay into our new account.",
        )
    )
    assert fraud.status == MessageStatus.THREADED and fraud.item == item
    return item


@pytest.fixture(autouse=True)
def no_dns():
    """No test looks up DKIM keys in the real DNS: the resolver knows nothing unless a test says."""
    from tandem.mailgate import trust

    with trust.dns_lookup(trust.dict_lookup({})):
        yield


@pytest.fixture
def trusted_mx(settings) -> str:
    """The receiving MTA (`mx.tandem.test`) is trusted: its Authentication-Results header counts."""
    from tests.mailgate.signing import MX

    settings.TANDEM_MAIL_TRUSTED_AUTHSERV = [MX]
    return MX
