"""Whether a message's From is its sender's: a From header anyone can write, so it is identity only
when its domain vouches for it.

A message is *verified* for its From domain when

1. the topmost `Authentication-Results` header whose authserv-id the operator trusts
   (`TANDEM_MAIL_TRUSTED_AUTHSERV`: the receiving MTA's, which removes such headers arriving from
   outside) says `dmarc=pass` for that domain, or `dkim=pass` with a `header.d` aligned with it; or
2. Tandem checks a DKIM signature itself (dkimpy; `TANDEM_MAIL_VERIFY_DKIM`) and it holds, with
   a `d=` aligned with the From domain.

Aligned: the signing domain is the From domain or a parent of it (`d=example.com` for
`From: a@mail.example.com`) — a simple form of DMARC's relaxed alignment that never lets a
subdomain vouch for its parent, and never a bare top-level domain.

The DNS lookups of the signers' keys go through `dns_lookup` (dkimpy's `dnsfunc`: name → TXT
record); production uses dkimpy's own (dnspython), tests and the benchmark a dictionary."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser

import authres
import dkim
from django.conf import settings

logger = logging.getLogger("tandem.mailgate")

DnsLookup = Callable[..., bytes | str | None]  # dkimpy's dnsfunc(name: bytes, timeout=5)

MAX_SIGNATURES = 3  # DKIM signatures checked per message: each costs a DNS lookup
_lookup: DnsLookup | None = None  # None: dkimpy's own (dnspython)


@dataclass(frozen=True)
class Verdict:
    verified: bool
    how: str  # "dmarc=pass (mx.example.com)", "dkim=pass d=example.com", "unverified: …"

    @classmethod
    def unverified(cls, why: str) -> Verdict:
        return cls(False, f"unverified: {why}"[:200])


@contextlib.contextmanager
def dns_lookup(lookup: DnsLookup | None) -> Iterator[None]:
    """Look up DKIM keys with `lookup` within the block (tests, the benchmark)."""
    global _lookup
    before, _lookup = _lookup, lookup
    try:
        yield
    finally:
        _lookup = before


def dict_lookup(records: dict[str, str]) -> DnsLookup:
    """A resolver that answers from `records` ("s1._domainkey.example.com" → "v=DKIM1; k=rsa; p=…")."""

    def lookup(name: bytes | str, timeout: float = 5) -> bytes | None:
        key = (name.decode() if isinstance(name, bytes) else name).rstrip(".").lower()
        found = records.get(key)
        return found.encode() if found is not None else None

    return lookup


def aligned(signer: str, from_domain: str) -> bool:
    """Whether a signing domain speaks for the From domain: the same, or a parent of it."""
    signer = signer.strip().rstrip(".").lower()
    from_domain = from_domain.strip().rstrip(".").lower()
    if not signer or not from_domain or "." not in signer:
        return False
    return from_domain == signer or from_domain.endswith("." + signer)


def verify(raw: bytes, from_email: str) -> Verdict:
    """The verdict on one message whose From header says `from_email`."""
    domain = from_email.rpartition("@")[2].strip().lower() if "@" in from_email else ""
    if not domain:
        return Verdict.unverified("no From address")
    try:  # the headers only: the body is dkimpy's to hash, when it comes to that
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
    except Exception:  # the parser is lenient; a message it cannot read is vouched for by nobody
        return Verdict.unverified("unreadable headers")
    if len(headers.get_all("From") or []) != 1:
        return Verdict.unverified("not exactly one From header")
    by_header = _by_authentication_results(headers, domain)
    if by_header is not None:
        return by_header
    if not settings.TANDEM_MAIL_VERIFY_DKIM:
        return Verdict.unverified("no trusted Authentication-Results")
    return _by_dkim(raw, headers, domain)


def _by_authentication_results(headers: Message, domain: str) -> Verdict | None:
    """What the topmost trusted Authentication-Results header says (None: there is none, or it
    vouches for nothing — a DKIM check of Tandem's own may still)."""
    trusted = set(settings.TANDEM_MAIL_TRUSTED_AUTHSERV)
    if not trusted:
        return None
    for value in headers.get_all("Authentication-Results") or []:
        text = " ".join(str(value).split())
        try:
            parsed = authres.AuthenticationResultsHeader.parse_value(text)
        except Exception:  # authres raises its own syntax errors, and some others on odd input
            if text.partition(";")[0].strip().lower() in trusted:
                return None  # the trusted MTA's own, unreadable: nothing further down counts
            logger.info("ignored an unreadable Authentication-Results header")
            continue
        authserv = str(parsed.authserv_id or "").lower()
        if authserv not in trusted:
            continue
        # the topmost one of the trusted MTA: one further down may have come from outside
        for result in parsed.results:
            method, outcome = str(result.method).lower(), str(result.result).lower()
            if outcome != "pass":
                continue
            if method == "dmarc" and _property(result, "header", "from") == domain:
                return Verdict(True, f"dmarc=pass ({authserv})"[:200])
            if method == "dkim" and aligned(_property(result, "header", "d"), domain):
                return Verdict(True, f"dkim=pass d={_property(result, 'header', 'd')} ({authserv})"[:200])
        return None
    return None


def _property(result: object, kind: str, name: str) -> str:
    for found in getattr(result, "properties", []) or []:
        if str(found.type).lower() == kind and str(found.name).lower() == name:
            return str(found.value or "").strip().lower()
    return ""


def _by_dkim(raw: bytes, headers: Message, domain: str) -> Verdict:
    signatures = headers.get_all("DKIM-Signature") or []
    if not signatures:
        return Verdict.unverified("no signature")
    seen = "a signature that does not hold"
    for index in range(min(len(signatures), MAX_SIGNATURES)):
        signer = _tag(str(signatures[index]), "d")
        if not aligned(signer, domain):
            seen = f"signed by {signer or 'no domain'}, not {domain}"
            continue
        try:
            checker = dkim.DKIM(raw, timeout=settings.TANDEM_MAIL_DNS_TIMEOUT)
            kwargs = {"dnsfunc": _lookup} if _lookup is not None else {}
            holds = checker.verify(idx=index, **kwargs)
        except Exception as error:  # dkimpy's errors, a DNS timeout, a malformed key: not verified
            logger.info("DKIM check of d=%s failed: %s", signer, error)
            holds = False
        if holds:
            return Verdict(True, f"dkim=pass d={signer}"[:200])
    return Verdict.unverified(seen)


def _tag(signature: str, name: str) -> str:
    """One tag of a DKIM-Signature header's value (`d`, `s`)."""
    for part in " ".join(signature.split()).split(";"):
        key, _eq, value = part.partition("=")
        if key.strip().lower() == name:
            return value.strip().lower()
    return ""
