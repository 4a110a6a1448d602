"""Nothing that comes by mail renders as markup. A hostile message (and a reply to it) through real
SMTP on 127.0.0.1, the listener and the worker's job, then the item page as a colleague sees it:
no image, script or link comes of the text, the sender's name, the subject or a file name, and the
page still shows every character as it was sent."""

from __future__ import annotations

import html
import re
import smtplib
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from django.utils.html import escape

from tandem.mailgate import jobs
from tandem.mailgate.models import InboundMessage, MessageStatus
from tandem.work.models import Item
from tests.conftest import login
from tests.mailgate.test_end_to_end import listener  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db(transaction=True)  # the listener reads addresses from its own thread

# Each a paragraph of its own, so that every construct gets its best chance to start.
HOSTILE = [
    "![b](http://host.example/x.gif)",
    "\\![b](http://host.example/x2.gif)",  # the review's line: a backslash to undo a patched `![`
    "\\\\![c](http://host.example/c.gif)",
    "[click here](http://host.example/login)",
    '<img src="http://host.example/i.gif">',
    "<script>alert(1)</script>",
    '<a href="http://host.example/a">a link in HTML</a>',
    "<http://host.example/auto>",
    "<mail@host.example>",
    "http://host.example/bare and www.host.example",
    "![a][1] and [b][1]",
    "[1]: http://host.example/ref.gif",
    "&lt;img src=http://host.example/e.gif&gt;",
    "&#60;img src=http://host.example/n.gif&#62; &#x3C;script&#x3E;",
    "**bold** _em_ `code` ~~struck~~ <b>b</b>",
    "# not a heading",
    "1. not a list",
    "> not a quote",
    "| not | a table |",
    "|---|---|",
    "    four spaces: not code *either*",
    "---",
]
NAME = "![a](http://host.example/y.gif)"
SUBJECT = 'Invoice ![s](http://host.example/s.gif) <img src="http://host.example/t.gif">'
FILE_NAME = "![f](http:host.example) <img src=x>.pdf"


def _send(port: int, message: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        assert (
            client.sendmail("eve@evil.example", ["invoices@tandem.test"], message.as_bytes(policy=SMTP)) == {}
        )
    jobs.look_for_mail()


def _message(**headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f'"{NAME}" <eve@evil.example>'
    message["To"] = "invoices@tandem.test"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("\n\n".join(HOSTILE))
    return message


def _markdown_bodies(page: str) -> list[str]:
    """The rendered Markdown of the page: the description and each comment."""
    return re.findall(r'<div class="(?:card-body )?markdown-body">(.*?)</div>', page, re.S)


def _visible(fragment: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment)).replace("\u00a0", " ")
    return " ".join(text.split())


def test_hostile_mail_renders_as_the_text_it_is(listener, invoices, fay, settings):  # noqa: F811
    settings.TANDEM_MAX_ATTACHMENT = 1000  # the second file is named in the text, not kept
    port = listener()
    first = _message(Subject=SUBJECT, Message_ID="<hostile@evil.example>")
    first.add_attachment(b"%PDF small", maintype="application", subtype="pdf", filename=FILE_NAME)
    first.add_attachment(b"0" * 5000, maintype="application", subtype="pdf", filename="big " + FILE_NAME)
    _send(port, first)
    _send(
        port,
        _message(
            Subject="Re: " + SUBJECT, Message_ID="<again@evil.example>", In_Reply_To="<hostile@evil.example>"
        ),
    )
    item = Item.objects.get()
    statuses = sorted(InboundMessage.objects.values_list("status", flat=True))
    assert statuses == [MessageStatus.PROCESSED, MessageStatus.THREADED]

    page = login(fay).get(f"/items/{item.pk}/").content.decode()
    # nothing from the mail loads from elsewhere, runs, or links away
    assert not re.search(r"<img[^>]*\ssrc=\"?(https?:)?//", page, re.I)
    assert "host.example/" not in "".join(re.findall(r"<(?:img|a|script|iframe|link)\b[^>]*>", page, re.I))
    assert not re.search(r"<script>alert|<b>b</b>|<h1>\s*not a heading", page, re.I)
    bodies = _markdown_bodies(page)
    assert len(bodies) == 2  # the description, the reply's comment
    for body in bodies:
        # (the emphasis of the "From:" line, the list of notes and the warning that the sender is not
        # verified are Tandem's own frame)
        own = re.sub(r"<p><strong>Unverified sender:</strong> <em>[^<]*</em></p>", "", body, count=1)
        assert own != body, "the mail is unverified, and says so"
        assert not re.search(r"<(img|a|script|h\d|ol|blockquote|table|pre|code|strong|del|s|hr|b)\b", own)
        shown = _visible(body)
        for line in HOSTILE:  # every character as it was sent (a reply's "> " lines are its quote)
            if body is bodies[0] or not line.startswith(">"):
                assert " ".join(line.split()) in shown, line
        assert NAME in shown
    description = _visible(bodies[0])
    assert f"From: {NAME} <eve@evil.example>" in description
    assert f"Not kept: big {FILE_NAME}" in description
    assert f"By e-mail from {NAME} <eve@evil.example>:" in _visible(bodies[1])
    # the subject (the title) and the kept file's name are text on the page too
    assert escape(item.title) in page and item.title == SUBJECT
    assert escape(item.files.get().name) in page
