"""Mail whose sender is verified, for tests: an Authentication-Results header from the trusted MTA
(`mx.tandem.test`, trusted with the `trusted_mx` fixture), or a real DKIM signature made with a
key generated here and published in a dictionary the resolver answers from (no DNS)."""

from __future__ import annotations

import base64
import functools
import subprocess

import dkim

from tandem.mailgate import trust

MX = "mx.tandem.test"
SELECTOR = "s1"


def dmarc_pass(domain: str, authserv: str = MX) -> dict[str, str]:
    """Headers for `mail(**…)`: the trusted MTA found DMARC passing for `domain`."""
    return {"Authentication_Results": f"{authserv}; dmarc=pass (p=reject) header.from={domain}"}


@functools.cache
def private_key() -> bytes:
    """A 2048-bit RSA key made for this test run (PEM)."""
    return subprocess.run(["openssl", "genrsa", "2048"], capture_output=True, check=True).stdout


@functools.cache
def public_record() -> str:
    """The TXT record that publishes the key: `v=DKIM1; k=rsa; p=…`."""
    der = subprocess.run(
        ["openssl", "rsa", "-pubout", "-outform", "DER"], input=private_key(), capture_output=True, check=True
    ).stdout
    return f"v=DKIM1; k=rsa; p={base64.b64encode(der).decode()}"


def sign(raw: bytes, domain: str, selector: str = SELECTOR) -> bytes:
    """`raw` with a DKIM-Signature of `domain` on its From, To, Subject, Message-ID and body."""
    raw = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    signature = dkim.sign(
        raw,
        selector.encode(),
        domain.encode(),
        private_key(),
        include_headers=[b"from", b"to", b"subject", b"message-id", b"date"],
    )
    return signature + raw


def resolver(*domains: str, selector: str = SELECTOR) -> trust.DnsLookup:
    """A DNS lookup that knows the test key as `selector` of each domain, and nothing else."""
    return trust.dict_lookup({f"{selector}._domainkey.{d}": public_record() for d in domains})
