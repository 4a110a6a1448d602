"""Every HTML page sends Tandem's Content-Security-Policy (Django's own middleware): scripts and
styles from Tandem only, no inline script, nothing remote, images from Tandem or data: URLs. Pages
with a stricter policy of their own keep it (a mail's HTML as sent, a served file). No template
carries what the policy would block (inline scripts, event handlers, javascript: links, hx-on,
style attributes); label colours come from `/labels.css` instead of style attributes."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client

from tandem.mailgate import services as mail
from tandem.mailgate.models import InboundMessage
from tandem.mailgate.views import HTML_POLICY
from tandem.work import services as work
from tandem.work.models import Item
from tandem.work.services import NewFile
from tests.conftest import login

SRC = Path(__file__).resolve().parents[2] / "src" / "tandem"

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def test_html_pages_send_the_policy(member, admin_user):
    pages = [
        (Client(), "/login/"),
        (login(member), "/"),
        (login(member), "/boards/"),
        (login(member), "/organizations/"),
        (login(admin_user), "/admin/"),
        (login(admin_user), "/admin/accounts/user/"),
        (login(member), "/api/v1/docs"),
    ]
    for client, path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html"), path
        assert directives(response["Content-Security-Policy"]) == POLICY, path


def test_the_api_documentation_loads_its_scripts_from_tandem(member):
    page = login(member).get("/api/v1/docs").content.decode()
    sources = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    assert sources and all(src.startswith("/static/") for src in sources)


def test_a_mail_as_sent_and_a_served_file_keep_their_own_stricter_policy(admin_user, member):
    board = work.create_board(by=admin_user, data={"name": "Support", "default_type": "support"})
    mail.create_address(by=admin_user, board=board, data={"address": "support@tandem.test"})
    raw = (
        b"From: Vera <vera@vendor.example>\r\nTo: support@tandem.test\r\nSubject: Hi\r\n"
        b"Message-ID: <csp@vendor.example>\r\nContent-Type: text/html\r\n\r\n"
        b'<p>Hello <img src="http://tracker.example/p.gif"></p>\r\n'
    )
    mail.deliver(raw, sender="vera@vendor.example", recipients=("support@tandem.test",), via="smtp")
    assert mail.process_waiting() == 1
    message = InboundMessage.objects.get()
    shown = login(member).get(f"/mail/messages/{message.pk}/html/")
    assert shown.status_code == 200
    assert shown["Content-Security-Policy"] == HTML_POLICY

    item = Item.objects.get()
    (stored,) = work.attach_files(item, by=member, files=[NewFile(name="a.txt", content=b"hello")])
    served = login(member).get(f"/items/{item.pk}/files/{stored.pk}/")
    assert served.status_code == 200
    assert directives(served["Content-Security-Policy"])["default-src"] == "'none'"


# What the policy blocks, as it would be written in a template.
FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "hx-on": re.compile(r"\bhx-on", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "style element": re.compile(r"<style[\s>]", re.I),
}
# E-mails are not pages: mail programs need inline styles and never see the policy.
EMAIL_TEMPLATES = {"notifications/templates/notifications/mail.html"}


def test_no_template_carries_what_the_policy_blocks():
    found = []
    templates = sorted(SRC.glob("*/templates/**/*.html"))
    assert len(templates) > 50
    for template in templates:
        name = template.relative_to(SRC).as_posix()
        if name in EMAIL_TEMPLATES:
            continue
        text = template.read_text()
        found += [(name, what) for what, pattern in FORBIDDEN.items() if pattern.search(text)]
    assert found == []


def test_label_colours_come_from_a_stylesheet(member, manager):
    board = work.create_board(by=manager, data={"name": "Support"})
    label = work.create_label(by=manager, board=board, data={"name": "urgent", "color": "#FFD700"})
    work.create_label(by=manager, board=board, data={"name": "kind::bug", "color": "#1f6feb"})
    work.create_item(by=member, board=board, data={"title": "Broken", "labels": [label]})
    client = login(member)
    page = client.get(f"/boards/{board.pk}/").content.decode()
    assert 'href="/labels.css"' in page
    assert 'class="badge label-badge label-c-ffd700"' in page and "style=" not in page

    css = client.get("/labels.css")
    assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
    text = css.content.decode()
    assert ".label-badge.label-c-ffd700 { background-color: #ffd700; color: #000; }" in text
    assert ".label-badge.label-c-1f6feb { background-color: #1f6feb; color: #fff; }" in text
    again = client.get("/labels.css", HTTP_IF_NONE_MATCH=css["ETag"])
    assert again.status_code == 304
    work.update_label(label, by=manager, data={"color": "#00ff00"})
    changed = client.get("/labels.css", HTTP_IF_NONE_MATCH=css["ETag"])
    assert changed.status_code == 200 and "label-c-00ff00" in changed.content.decode()
    assert Client().get("/labels.css").status_code == 302  # to log in
