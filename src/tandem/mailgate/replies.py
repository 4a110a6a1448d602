"""Reply addresses of notification e-mails. With TANDEM_MAIL_REPLY_ADDRESS = reply@crm.example.com,
an e-mail to Ben about item 123 says `Reply-To: reply+123-7-<signature>@crm.example.com`; the
signature (an HMAC of the item and the user with the secret key) is what makes a reply to it Ben's
comment: a From header can be forged, the signature can't be guessed."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from hashlib import sha256

from django.conf import settings

_TAG = re.compile(r"^(\d{1,18})-(\d{1,18})-([0-9a-f]{20})$")


@dataclass(frozen=True)
class ReplyTo:
    item_id: int
    user_id: int
    valid: bool


def _signature(item_id: int, user_id: int) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"tandem-reply:{item_id}:{user_id}".encode(), sha256).hexdigest()[:20]


def parts() -> tuple[str, str]:
    local, _at, domain = settings.TANDEM_MAIL_REPLY_ADDRESS.partition("@")
    return local, domain


def reply_address(item_id: int, user_id: int) -> str:
    """The Reply-To of an e-mail to `user_id` about item `item_id` ("" when replies are off)."""
    local, domain = parts()
    if not local or not domain:
        return ""
    return f"{local}+{item_id}-{user_id}-{_signature(item_id, user_id)}@{domain}"


def is_reply_address(address: str) -> bool:
    local, domain = parts()
    if not local or not domain:
        return False
    mine_local, _at, mine_domain = address.strip().lower().partition("@")
    return mine_domain == domain and (mine_local == local or mine_local.startswith(local + "+"))


def read_reply_address(address: str) -> ReplyTo | None:
    """What a reply address says, and whether its signature holds; None for any other address
    (or the bare reply address, which names no item)."""
    if not is_reply_address(address):
        return None
    tag = address.strip().lower().partition("@")[0].partition("+")[2]
    match = _TAG.match(tag)
    if match is None:
        return ReplyTo(0, 0, valid=False)
    item_id, user_id, signature = int(match[1]), int(match[2]), match[3]
    return ReplyTo(item_id, user_id, hmac.compare_digest(signature, _signature(item_id, user_id)))
