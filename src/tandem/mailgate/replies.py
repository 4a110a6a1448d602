"""Reply addresses of notification e-mails. With TANDEM_MAIL_REPLY_ADDRESS = reply@crm.example.com,
an e-mail to Ben about item 123 says `Reply-To: reply+123-7-20430-<signature>@crm.example.com`;
the signature (an HMAC of the item, the user and the day it was given out, with the secret key) is
what makes a reply to it Ben's comment when his From is verified (tandem.mailgate.trust): a From
header can be forged, the signature can't be guessed. An address is valid for
`TANDEM_MAIL_REPLY_DAYS` (90) days from the day it was given out; addresses without a day (given out
before addresses expired) are refused like expired ones."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import date
from hashlib import sha256

from django.conf import settings
from django.utils import timezone

_TAG = re.compile(r"^(\d{1,18})-(\d{1,18})-(?:(\d{1,6})-)?([0-9a-f]{20})$")
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class ReplyTo:
    item_id: int
    user_id: int
    valid: bool  # the signature holds
    expired: bool = False  # given out more than TANDEM_MAIL_REPLY_DAYS ago, or before addresses had a day


def _today() -> int:
    return (timezone.now().date() - _EPOCH).days


def _signature(item_id: int, user_id: int, day: int) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"tandem-reply:{item_id}:{user_id}:{day}".encode(), sha256).hexdigest()[:20]


def parts() -> tuple[str, str]:
    local, _at, domain = settings.TANDEM_MAIL_REPLY_ADDRESS.partition("@")
    return local, domain


def reply_address(item_id: int, user_id: int) -> str:
    """The Reply-To of an e-mail to `user_id` about item `item_id` ("" when replies are off)."""
    local, domain = parts()
    if not local or not domain:
        return ""
    day = _today()
    return f"{local}+{item_id}-{user_id}-{day}-{_signature(item_id, user_id, day)}@{domain}"


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
    item_id, user_id, signature = int(match[1]), int(match[2]), match[4]
    if match[3] is None:  # the old form, without the day it was given out: refused as expired
        key = settings.SECRET_KEY.encode()
        old = hmac.new(key, f"tandem-reply:{item_id}:{user_id}".encode(), sha256).hexdigest()[:20]
        return ReplyTo(item_id, user_id, hmac.compare_digest(signature, old), expired=True)
    day = int(match[3])
    valid = hmac.compare_digest(signature, _signature(item_id, user_id, day))
    return ReplyTo(
        item_id, user_id, valid, expired=not 0 <= _today() - day <= settings.TANDEM_MAIL_REPLY_DAYS
    )
