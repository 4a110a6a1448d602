"""The pages of the mail gateway: addresses in a board's settings, the item's mail and files, the
original message's download, and people to review."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.contacts.models import Person
from tandem.mailgate.models import InboundMessage, MailAddress, MessageStatus
from tests.conftest import join_team_of, login
from tests.mailgate.conftest import mail

pytestmark = pytest.mark.django_db


def test_addresses_are_added_changed_and_removed_in_the_boards_settings(finance, manager, member, fay):
    page = login(manager)
    url = f"/boards/{finance.pk}/mail-addresses/"
    added = page.post(url, {"address-new-address": "Support@Tandem.test", "address-new-senders": "known",
                            "address-new-assignee": fay.pk, "address-new-active": "on"})  # fmt: skip
    assert added.status_code == 302
    address = MailAddress.objects.get()
    assert (address.address, address.senders, address.assignee, address.active) == (
        "support@tandem.test",
        "known",
        fay,
        True,
    )
    settings_page = page.get(f"/boards/{finance.pk}/settings/").content.decode()
    assert "support@tandem.test" in settings_page and "Known contacts and colleagues" in settings_page
    prefix = f"address-{address.pk}"
    page.post(f"{url}{address.pk}/", {f"{prefix}-address": "help@tandem.test", f"{prefix}-senders": "anyone"})
    address.refresh_from_db()
    assert address.address == "help@tandem.test" and not address.active and address.assignee is None
    refused = page.post(
        url, {"address-new-address": "help@tandem.test", "address-new-senders": "anyone"}, follow=True
    )
    assert "already leads to a board" in refused.content.decode() and MailAddress.objects.count() == 1
    assert (
        login(member)
        .post(url, {"address-new-address": "x@tandem.test", "address-new-senders": "anyone"})
        .status_code
        == 403
    )
    page.post(f"{url}{address.pk}/", {"action": "delete"})
    assert not MailAddress.objects.exists()


def test_the_item_page_shows_its_mail_and_files_and_serves_them_to_who_may_see_it(
    receive, invoices, member, guest, client
):
    message = receive(
        mail(
            attachments=(
                ("invoice.pdf", b"%PDF-1.4 x", "application/pdf"),
                ("page.html", b"<script>x</script>", "text/html"),
            )
        )
    )
    item = message.item
    page = login(member).get(f"/items/{item.pk}/").content.decode()
    assert "Original message (.eml)" in page and "invoice.pdf" in page and "page.html" in page
    files = {f.name: f for f in item.files.all()}
    assert login(guest).get(f"/items/{item.pk}/files/{files['invoice.pdf'].pk}/").status_code == 404
    join_team_of(guest, item.board)  # a guest reads the files of their teams' boards
    pdf = login(guest).get(f"/items/{item.pk}/files/{files['invoice.pdf'].pk}/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    html = login(guest).get(f"/items/{item.pk}/files/{files['page.html'].pk}/")
    # never shown in the page: a downloaded file of no known-safe type
    assert html["Content-Type"] == "application/octet-stream" and html["Content-Disposition"].startswith(
        "attachment"
    )
    # ...but never the mail as sent: the raw message and its HTML are for members and up
    assert login(guest).get(f"/mail/messages/{message.pk}/raw/").status_code == 403
    assert login(guest).get(f"/mail/messages/{message.pk}/html/").status_code == 403
    assert "Original message (.eml)" not in login(guest).get(f"/items/{item.pk}/").content.decode()
    raw = login(member).get(f"/mail/messages/{message.pk}/raw/")
    assert raw.status_code == 200 and b"Invoice 4711" in b"".join(raw.streaming_content)
    assert client.get(f"/mail/messages/{message.pk}/raw/").status_code == 302  # to the login page
    other = receive(
        mail(message_id="<other@x>", subject="Other")
    ).item  # a file is served only with its own item
    assert login(member).get(f"/items/{other.pk}/").status_code == 200
    assert login(member).get(f"/items/{other.pk}/files/{files['invoice.pdf'].pk}/").status_code == 404


def test_only_admins_download_mail_that_made_no_item(receive, invoices, member, admin_user):
    rejected = receive(mail(to="nobody@tandem.test"), recipients=("nobody@tandem.test",))
    assert login(member).get(f"/mail/messages/{rejected.pk}/raw/").status_code == 403
    assert login(admin_user).get(f"/mail/messages/{rejected.pk}/raw/").status_code == 200


def test_files_are_attached_on_the_item_page_and_removed(receive, invoices, member, guest):
    item = receive(mail()).item
    page = login(member)
    page.post(f"/items/{item.pk}/files/", {"files": [SimpleUploadedFile("notes.txt", b"hello")]})
    (stored,) = item.files.all()
    assert stored.name == "notes.txt" and stored.uploaded_by == member
    empty = page.post(
        f"/items/{item.pk}/files/", {"files": [SimpleUploadedFile("empty.txt", b"")]}, follow=True
    )
    assert "is empty" in empty.content.decode() and item.files.count() == 1
    assert login(guest).post(f"/items/{item.pk}/files/{stored.pk}/remove/").status_code == 403  # the role
    page.post(f"/items/{item.pk}/files/{stored.pk}/remove/")
    assert not item.files.exists()


def test_a_person_made_from_mail_is_listed_to_review_until_marked_reviewed(receive, invoices, member):
    person = receive(mail()).person
    people = login(member)
    assert "To review" in people.get(f"/people/{person.pk}/").content.decode()
    to_review = people.get("/people/?review=1").content.decode()
    assert "Vera Vendor" in to_review
    people.post(f"/people/{person.pk}/reviewed/")
    assert Person.objects.get(pk=person.pk).review_note == ""
    assert "Vera Vendor" not in people.get("/people/?review=1").content.decode()
    assert "Vera Vendor" in people.get("/people/").content.decode()


def test_the_board_names_the_addresses_whose_mail_lands_there(invoices, finance, member):
    page = login(member).get(f"/boards/{finance.pk}/").content.decode()
    assert "Mail to this address becomes items here:" in page and 'href="mailto:invoices@tandem.test"' in page


def test_the_customer_pages_list_the_mail_their_people_sent(receive, invoices, member, settings):
    from tandem.contacts import services as contacts

    org = contacts.create_organization(
        by=member, data={"name": "Vendor Ltd", "website": "https://vendor.example"}
    )
    message = receive(mail())  # Vera, new, joins Vendor Ltd by her address's domain
    reply = receive(mail(subject="Re: Invoice 4711", message_id="<r@x>", In_Reply_To="<4711@vendor.example>"))
    assert reply.status == MessageStatus.THREADED and reply.person == message.person
    settings.TANDEM_MAIL_RATE = 2  # Vera's third message within the hour waits in quarantine
    held = receive(mail(subject="Never made anything", message_id="<n@x>"))
    assert held.status == MessageStatus.QUARANTINED
    InboundMessage.objects.filter(pk=held.pk).update(person=message.person)  # as if known: still not listed
    page = login(member)
    for url in (f"/people/{message.person_id}/", f"/organizations/{org.pk}/"):
        html = page.get(url).content.decode()
        assert f'href="/items/{message.item_id}/"><bdi>Invoice 4711</bdi></a>' in html, url
        assert f'href="/items/{message.item_id}/"><bdi>Re: Invoice 4711</bdi></a>' in html, url
        assert "Never made anything" not in html


def test_mail_text_cannot_make_the_page_load_an_image_from_elsewhere(receive, invoices, member):
    item = receive(mail(body="Hi ![pixel](https://tracker.example/p.png) there")).item
    page = login(member).get(f"/items/{item.pk}/").content.decode()
    assert "tracker.example/p.png" in page and 'src="https://tracker.example' not in page


def html_mail(html: str, *, text: str = "") -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["To"] = "Vera Vendor <vera@vendor.example>", "invoices@tandem.test"
    message["Subject"], message["Message-ID"] = "Invoice <4711>", "<html-4711@vendor.example>"
    if text:
        message.set_content(text)
        message.add_alternative(html, subtype="html")
    else:
        message.set_content(html, subtype="html")
    return message.as_bytes()


def test_the_html_of_a_message_is_shown_as_sent_sanitised_and_sandboxed(receive, invoices, member, client):
    html = (
        '<h1 onclick="steal()">Invoice</h1><table><tr><td style="color: red">Total</td><td>99</td></tr></table>'
        '<script>steal()</script><img src="https://tracker.example/p.png"><a href="https://pay.example/">Pay</a>'
        '<form action="https://evil.example/"><input name="card"></form>'
    )
    message = receive(html_mail(html, text="Total: 99"))
    assert message.has_html and message.status == MessageStatus.PROCESSED
    item_page = login(member).get(f"/items/{message.item_id}/").content.decode()
    assert f'href="/mail/messages/{message.pk}/html/"' in item_page
    shown = login(member).get(f"/mail/messages/{message.pk}/html/")
    body = shown.content.decode()
    assert shown.status_code == 200 and shown["Content-Type"].startswith("text/html")
    assert "<table>" in body and ">Total</td>" in body and "Pay</a>" in body
    assert "<script" not in body and "onclick" not in body and "<form" not in body and "<input" not in body
    assert "<title>Invoice &lt;4711&gt;</title>" in body
    policy = shown["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy and "img-src data:" in policy
    assert shown["Referrer-Policy"] == "no-referrer" and shown["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/mail/messages/{message.pk}/html/").status_code == 302  # to log in


def test_a_plain_text_message_has_no_html_page(receive, invoices, member):
    message = receive(mail())
    assert not message.has_html
    assert "/html/" not in login(member).get(f"/items/{message.item_id}/").content.decode()
    assert login(member).get(f"/mail/messages/{message.pk}/html/").status_code == 404


def test_only_admins_see_the_html_of_mail_that_made_no_item(receive, invoices, member, admin_user):
    rejected = receive(html_mail("<p>Hello</p>"), recipients=("nobody@tandem.test",))
    assert rejected.status == MessageStatus.REJECTED and rejected.has_html
    assert login(member).get(f"/mail/messages/{rejected.pk}/html/").status_code == 403
    assert "<p>Hello</p>" in login(admin_user).get(f"/mail/messages/{rejected.pk}/html/").content.decode()
