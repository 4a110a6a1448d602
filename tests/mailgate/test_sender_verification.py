"""A From is verified only when its domain vouches for it: the trusted MTA's Authentication-Results
(DMARC pass, or DKIM pass aligned with the From domain), or a DKIM signature Tandem checks itself
with the signer's key (here a key made for the test, published through a dictionary resolver)."""

from __future__ import annotations

import pytest

from tandem.mailgate import trust
from tandem.mailgate.models import MessageStatus
from tests.mailgate.conftest import mail
from tests.mailgate.signing import MX, dmarc_pass, resolver, sign

pytestmark = pytest.mark.django_db


def results(value: str) -> dict[str, str]:
    return {"Authentication_Results": value}


def test_dmarc_pass_from_the_trusted_mta_verifies_the_from(trusted_mx):
    verdict = trust.verify(mail(**dmarc_pass("vendor.example")), "vera@vendor.example")
    assert verdict == trust.Verdict(True, f"dmarc=pass ({MX})")


def test_an_aligned_dkim_pass_from_the_trusted_mta_verifies_a_subdomain_sender(trusted_mx):
    raw = mail(
        sender="vera@billing.vendor.example",
        **results(f"{MX}; spf=fail smtp.mailfrom=x.example; dkim=pass header.d=vendor.example header.s=s1"),
    )
    verdict = trust.verify(raw, "vera@billing.vendor.example")
    assert verdict.verified and verdict.how == f"dkim=pass d=vendor.example ({MX})"


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ("elsewhere.example; dmarc=pass header.from=vendor.example", "an authserv-id nobody trusts"),
        (f"{MX}; dkim=pass header.d=evil.example", "a signature of another domain"),
        (f"{MX}; dkim=pass header.d=mail.vendor.example", "a subdomain does not speak for its parent"),
        (f"{MX}; dmarc=pass header.from=evil.example", "DMARC for another domain"),
        (f"{MX}; dmarc=fail header.from=vendor.example", "a failure"),
        (f"{MX}; dkim=pass header.d=example", "a bare top-level domain"),
    ],
)
def test_other_authentication_results_verify_nothing(trusted_mx, header, why):
    verdict = trust.verify(mail(**results(header)), "vera@vendor.example")
    assert not verdict.verified, why
    assert verdict.how.startswith("unverified: ")


def test_only_the_topmost_header_of_the_trusted_mta_counts(trusted_mx):
    # the MTA's own verdict on top; below it, one the sender wrote with the MTA's authserv-id
    raw = (
        f"Authentication-Results: {MX}; dmarc=fail header.from=vendor.example\r\n"
        f"Authentication-Results: {MX}; dmarc=pass header.from=vendor.example\r\n"
    ).encode() + mail()
    assert not trust.verify(raw, "vera@vendor.example").verified


def test_without_a_trusted_authserv_no_header_counts(settings):
    assert settings.TANDEM_MAIL_TRUSTED_AUTHSERV == []
    verdict = trust.verify(mail(**dmarc_pass("vendor.example")), "vera@vendor.example")
    assert verdict == trust.Verdict(False, "unverified: no signature")


def test_a_dkim_signature_tandem_checks_itself_verifies_the_from_and_a_changed_body_does_not(settings):
    signed = sign(mail(), "vendor.example")
    with trust.dns_lookup(resolver("vendor.example")):
        assert trust.verify(signed, "vera@vendor.example") == trust.Verdict(
            True, "dkim=pass d=vendor.example"
        )
        tampered = signed.replace(b"Please find the invoice", b"Please pay to IBAN DE99")
        assert tampered != signed
        changed = trust.verify(tampered, "vera@vendor.example")
        assert not changed.verified and changed.how == "unverified: a signature that does not hold"
        # a genuine signature, but of the sender's own domain, not the From's
        theirs = sign(mail(sender="Vera <vera@vendor.example>"), "evil.example")
    with trust.dns_lookup(resolver("vendor.example", "evil.example")):
        misaligned = trust.verify(theirs, "vera@vendor.example")
        assert misaligned == trust.Verdict(False, "unverified: signed by evil.example, not vendor.example")
    # a key no one publishes: not verified (and no exception)
    assert not trust.verify(signed, "vera@vendor.example").verified
    settings.TANDEM_MAIL_VERIFY_DKIM = False
    with trust.dns_lookup(resolver("vendor.example")):
        assert not trust.verify(signed, "vera@vendor.example").verified


def test_the_outcome_is_kept_on_the_message(receive, invoices, trusted_mx):
    with trust.dns_lookup(resolver("vendor.example")):
        signed = receive(sign(mail(), "vendor.example"))
    assert (signed.status, signed.sender_verified, signed.verification) == (
        MessageStatus.PROCESSED,
        True,
        "dkim=pass d=vendor.example",
    )
    by_header = receive(mail(message_id="<h@vendor.example>", **dmarc_pass("vendor.example")))
    assert by_header.sender_verified and by_header.verification == f"dmarc=pass ({MX})"
    plain = receive(mail(message_id="<p@vendor.example>"))
    assert not plain.sender_verified and plain.verification == "unverified: no signature"
    assert "Unverified sender" in plain.item.description
    assert "Unverified sender" not in signed.item.description


def test_two_from_headers_are_never_verified(trusted_mx):
    raw = b"From: fay@tandem.test\r\n" + mail(**dmarc_pass("vendor.example"))
    assert trust.verify(raw, "vera@vendor.example").how == "unverified: not exactly one From header"


def test_an_unreadable_header_of_the_trusted_mta_lets_none_below_it_count(trusted_mx):
    raw = (
        f"Authentication-Results: {MX}; dmarc=((( unreadable\r\n"
        f"Authentication-Results: {MX}; dmarc=pass header.from=vendor.example\r\n"
    ).encode() + mail()
    assert not trust.verify(raw, "vera@vendor.example").verified
