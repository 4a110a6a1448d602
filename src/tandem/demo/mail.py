"""The demo company's mail: invoices@ leads to Finance and support@ to Support, and a few messages
have come in (an invoice with its PDF from a customer, a reply to it, a question from someone new,
who waits to be reviewed). Called by `tandem seed-demo`; does nothing when addresses exist."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP

from tandem.accounts.models import User
from tandem.mailgate import services
from tandem.mailgate.models import MailAddress
from tandem.work.models import Board

DOMAIN = "demo.example"


def _message(sender: str, to: str, subject: str, body: str, message_id: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    if subject.startswith("Invoice"):
        pdf = b"%PDF-1.4\n% Tandem demo invoice\n" + b"0" * 2048 + b"\n%%EOF\n"
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename="invoice-NW-2211.pdf")
    return message.as_bytes(policy=SMTP)


def seed_mail(users: list[User]) -> int:
    """Make the demo's addresses and receive its messages; returns how many messages came in."""
    if MailAddress.objects.exists():
        return 0
    admin = users[0]
    finance = Board.objects.filter(name="Finance").first()
    support = Board.objects.filter(name="Support").first()
    if finance is None or support is None:
        return 0
    fiona = next((u for u in users if u.email.startswith("fiona@")), None)
    sunny = next((u for u in users if u.email.startswith("sunny@")), None)
    services.create_address(
        by=admin, board=finance, data={"address": f"invoices@{DOMAIN}", "assignee": fiona}
    )
    services.create_address(
        by=admin, board=support, data={"address": f"support@{DOMAIN}", "assignee": sunny, "acknowledge": True}
    )
    messages = [
        _message("Northwind Traders <info@northwind.example>", f"invoices@{DOMAIN}",
                 "Invoice NW-2211 for November", "Hello,\n\nplease find our invoice for November attached.\n"
                 "Payment within 30 days, please.\n\nNorthwind Traders, accounts", "<nw-2211@northwind.example>"),
        _message("Northwind Traders <info@northwind.example>", f"invoices@{DOMAIN}",
                 "Re: Invoice NW-2211 for November", "A friendly reminder: the invoice is due next week.\n\n"
                 "> please find our invoice for November attached.", "<nw-2211-reminder@northwind.example>",
                 In_Reply_To="<nw-2211@northwind.example>", References="<nw-2211@northwind.example>"),
        _message("Lena Novak <lena.novak@newcomer.example>", f"support@{DOMAIN}",
                 "Cannot export our contacts", "Hi, the export button does nothing for us since Monday. "
                 "Can you help?\n\nLena", "<lena-1@newcomer.example>"),
    ]  # fmt: skip
    for raw in messages:
        services.receive(raw, {"from": "", "to": [], "via": "demo"})
    return len(messages)
