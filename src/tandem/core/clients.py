"""Which client a request comes from, for counting what it does (failed logins).

Directly on the network, that is `REMOTE_ADDR`. Behind a reverse proxy (`TANDEM_BEHIND_PROXY`),
`REMOTE_ADDR` is the proxy's address, the same for everyone; each proxy appends the address it was
connected from to `X-Forwarded-For`, so the client is the `TANDEM_PROXY_COUNT`-th entry from the
right (1: the right-most, written by the one proxy in front of Tandem). Entries further left were
sent by the client itself and are never believed. Tandem must then be reachable only through the
proxies, or a client could write the header itself.

An IPv6 client is counted by its /64 network: one machine usually holds a whole /64 and can change
addresses within it at will."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.9:443
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_key(address: str) -> str:
    """The key failures from this address are counted under: an IPv4 address as it is, an IPv6
    address as its /64 network, anything unreadable as at most 45 characters of it."""
    parsed = _address(address)
    if parsed is None:
        return address.strip()[:45]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def client_address(request: HttpRequest | None) -> str:
    """The client's address as `client_key` counts it (empty without a request)."""
    if request is None:
        return ""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    if getattr(settings, "TANDEM_BEHIND_PROXY", False):
        # several X-Forwarded-For headers arrive joined with commas, in order
        header = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        proxies = int(getattr(settings, "TANDEM_PROXY_COUNT", 1))
        if forwarded:
            # fewer entries than proxies: the first proxy that saw the request wrote the first one
            chosen = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
            if _address(chosen) is not None:
                return client_key(chosen)
    return client_key(remote)
