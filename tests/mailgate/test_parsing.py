"""The parser on a corpus of awkward messages, and on random bytes and header mixes (hypothesis):
each message reads correctly, or is refused as unreadable with a reason; nothing else escapes."""

from __future__ import annotations

import base64
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.mailgate.parsing import Unreadable, html_to_text, parse

CRLF = "\r\n"


def b64(text: str, charset: str) -> str:
    return base64.b64encode(text.encode(charset)).decode()


def msg(*headers: str, body: str = "Hello", raw_body: bytes | None = None) -> bytes:
    head = CRLF.join(headers).encode("utf-8", "surrogateescape")
    return head + b"\r\n\r\n" + (raw_body if raw_body is not None else body.encode())


def test_a_plain_message_with_its_headers():
    parsed = parse(
        msg(
            "From: Ana Actor <Ana@Example.com>",
            "To: invoices@tandem.test, Finance <finance@tandem.test>",
            "Cc: boss@example.com",
            "Subject: Invoice   4711",
            "Message-ID: <abc.123@example.com>",
            "In-Reply-To: <first@tandem.test>",
            "References: <zero@tandem.test> <first@tandem.test>",
            "Date: Tue, 01 Dec 2026 10:00:00 +0330",
            body="Please pay.\r\n",
        )
    )
    assert (parsed.sender_name, parsed.sender_email) == ("Ana Actor", "ana@example.com")
    assert parsed.to == ["invoices@tandem.test", "finance@tandem.test"] and parsed.cc == ["boss@example.com"]
    assert parsed.subject == "Invoice 4711" and parsed.text == "Please pay."
    assert parsed.message_id == "<abc.123@example.com>" == parsed.identity
    assert parsed.in_reply_to == ["<first@tandem.test>"]
    assert parsed.references == ["<zero@tandem.test>", "<first@tandem.test>"]
    assert parsed.date is not None and parsed.date.utcoffset().total_seconds() == 3.5 * 3600
    assert parsed.automatic == "" and parsed.problems == [] and parsed.attachments == []


@pytest.mark.parametrize(
    ("subject_header", "expected"),
    [
        ("Subject: =?UTF-8?B?2YHYp9qp2KrZiNixINi02YXYp9ix2Yc=?= 12", "فاکتور شماره 12"),
        ("Subject: =?windows-1256?B?" + b64("فاکتور شماره", "cp1256") + "?=", "فاکتور شماره"),
        ("Subject: =?iso-8859-6?B?" + b64("فاتورة", "iso-8859-6") + "?=", "فاتورة"),
        # the space between two encoded words is not part of the text (RFC 2047), a plain word is
        ("Subject: =?iso-8859-1?q?Caf=E9?= and =?koi8-r?b?8NLJ18XU?=", "Café and Привет"),
        ("Subject: =?shift_jis?B?k/qWe4zq?=", "日本語"),
        ("Subject: =?unknown-8bit?Q?x=FF?=", None),
    ],
)
def test_encoded_subjects_in_several_charsets(subject_header, expected):
    parsed = parse(msg("From: a@example.com", subject_header))
    if expected is None:
        assert parsed.subject  # read, with a replacement character where the bytes made no sense
    else:
        assert parsed.subject == expected


def test_a_body_in_windows_1256_comes_out_right():
    raw = msg(
        "From: a@example.com",
        "Content-Type: text/plain; charset=windows-1256",
        "Content-Transfer-Encoding: 8bit",
        raw_body="سلام، فاکتور پيوست است".encode("cp1256"),  # windows-1256 writes ی as the Arabic ي
    )
    assert parse(raw).text == "سلام، فاکتور پيوست است"


def test_an_unknown_charset_is_read_as_utf8_and_noted():
    raw = msg("From: a@example.com", "Content-Type: text/plain; charset=x-martian", raw_body="héllo".encode())
    parsed = parse(raw)
    assert parsed.text == "héllo" and any("x-martian" in p for p in parsed.problems)


def _multipart() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Ana <ana@example.com>"
    message["To"] = "invoices@tandem.test"
    message["Subject"] = "Invoice with files"
    message.set_content("See the attached invoice.")
    message.add_alternative(
        "<p>See the <b>attached</b> invoice.</p><script>alert(1)</script>", subtype="html"
    )
    message.add_attachment(
        b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="invoice 4711.pdf"
    )
    message.add_attachment(b"a,b\n1,2\n", maintype="text", subtype="csv", filename="lines.csv")
    return message


def test_nested_multiparts_give_text_html_and_attachments():
    parsed = parse(_multipart().as_bytes())
    assert parsed.text.strip() == "See the attached invoice."
    assert "<b>attached</b>" in parsed.html and "script" not in parsed.html
    assert [(a.filename, a.content_type, a.size) for a in parsed.attachments] == [
        ("invoice 4711.pdf", "application/pdf", 13),
        ("lines.csv", "text/csv", 8),
    ]
    assert parsed.attachments[0].data == b"%PDF-1.4 fake"


def test_an_html_only_message_gets_a_text_version():
    raw = msg(
        "From: a@example.com",
        "Content-Type: text/html; charset=utf-8",
        body="<html><head><style>p{}</style><title>t</title></head><body><h1>Hi</h1><p>Line one<br>two &amp; three</p></body></html>",
    )
    parsed = parse(raw)
    assert parsed.text == "Hi\n\nLine one\ntwo & three"
    assert "<style>" not in parsed.html


def test_a_huge_attachment_is_noted_not_kept():
    message = _multipart()
    message.add_attachment(b"x" * 3000, maintype="application", subtype="octet-stream", filename="big.bin")
    parsed = parse(message.as_bytes(), max_attachment=2000)
    big = parsed.attachments[-1]
    assert big.filename == "big.bin" and big.size == 3000 and big.data is None
    assert any("big.bin" in p and "over the limit" in p for p in parsed.problems)


def test_an_inline_image_is_an_attachment_with_its_content_id():
    message = EmailMessage()
    message["From"] = "a@example.com"
    message.set_content("text")
    message.add_alternative('<p><img src="cid:logo"></p>', subtype="html")
    html_part = message.get_payload()[1]
    html_part.add_related(
        b"\x89PNG fake",
        maintype="image",
        subtype="png",
        cid="<logo>",
        filename="logo.png",
        disposition="inline",
    )
    parsed = parse(message.as_bytes())
    assert [(a.filename, a.inline, a.content_id) for a in parsed.attachments] == [("logo.png", True, "logo")]


def test_missing_message_id_falls_back_to_the_bytes():
    one = parse(msg("From: a@example.com", "Subject: x"))
    two = parse(msg("From: a@example.com", "Subject: y"))
    assert one.message_id == "" and one.identity.startswith("sha256:") and one.identity != two.identity
    assert parse(msg("From: a@example.com", "Message-ID: not an id")).message_id == ""


def test_a_broken_boundary_still_reads_and_notes_it():
    raw = msg(
        "From: a@example.com",
        'Content-Type: multipart/mixed; boundary="XYZ"',
        raw_body=b"--XYZ\r\nContent-Type: text/plain\r\n\r\npart one\r\n--XY",
    )
    parsed = parse(raw)
    assert "part one" in parsed.text and parsed.problems


def test_an_empty_body_is_an_empty_text():
    parsed = parse(msg("From: a@example.com", "Subject: nothing", body=""))
    assert parsed.text == "" and parsed.subject == "nothing"


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ("Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied"),
        ("Precedence: bulk", "Precedence: bulk"),
        ("X-Autoreply: yes", "X-Autoreply header"),
        ("Return-Path: <>", "Return-Path <> (a bounce)"),
        (
            "Content-Type: multipart/report; report-type=delivery-status; boundary=b",
            "a delivery status report",
        ),
    ],
)
def test_auto_replies_bounces_and_bulk_are_recognised(header, why):
    assert parse(msg("From: someone@example.com", header)).automatic == why


def test_mail_from_the_mailer_daemon_and_auto_submitted_no():
    assert parse(msg("From: MAILER-DAEMON@example.com")).automatic == "sent by mailer-daemon"
    assert parse(msg("From: a@example.com", "Auto-Submitted: no")).automatic == ""


@pytest.mark.parametrize(
    ("raw", "reason"),
    [(b"", "empty"), (b"   \r\n", "empty"), (b"just some text\r\nwithout headers", "header line")],
)
def test_what_cannot_be_a_message_is_refused_with_a_reason(raw, reason):
    with pytest.raises(Unreadable) as refused:
        parse(raw)
    assert reason in refused.value.reason


def test_over_the_message_limit_is_refused():
    with pytest.raises(Unreadable, match="over the limit"):
        parse(msg("From: a@example.com", body="x" * 200), max_message=100)


def test_html_to_text_survives_broken_markup():
    assert html_to_text("<p>one<div>two</p></div><b>three") == "one\ntwo\n\nthree"
    assert html_to_text("<p>a</p>" * 5) == "a\n\na\n\na\n\na\n\na"


HEADER_NAMES = st.sampled_from(
    ["From", "To", "Cc", "Subject", "Message-ID", "In-Reply-To", "References", "Date", "Content-Type",
     "Content-Transfer-Encoding", "Content-Disposition", "Auto-Submitted", "Return-Path", "X-Whatever"]
)  # fmt: skip
HEADER_VALUES = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        ["multipart/mixed; boundary=zz", "text/plain; charset=bogus", "base64", "quoted-printable",
         "=?utf-8?b?!!!?=", "=?x?q?=ZZ?=", "<a@b>", '"unterminated', "attachment; filename*=utf-8''%ZZ",
         "text/html", "message/rfc822", "Mon, 99 Foo 2026 99:99:99 +9999"]
    ),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_never_escape_the_parser(raw):
    try:
        parsed = parse(raw)
    except Unreadable as refused:
        assert refused.reason
    else:
        assert isinstance(parsed.text, str) and isinstance(parsed.subject, str)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), min_size=1, max_size=12),
    st.binary(max_size=500),
)
def test_random_header_mixes_never_escape_the_parser(headers, body):
    lines = [f"{name}: {value}".replace("\r", " ").replace("\n", " ") for name, value in headers]
    raw = "\r\n".join(lines).encode("utf-8", "surrogateescape") + b"\r\n\r\n" + body
    try:
        parsed = parse(raw)
    except Unreadable as refused:
        assert refused.reason
    else:
        assert isinstance(parsed.text, str) and "\x00" not in parsed.text
        assert all(isinstance(a.filename, str) and a.filename for a in parsed.attachments)
