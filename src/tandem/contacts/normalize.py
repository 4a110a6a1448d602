"""How Tandem compares and stores e-mails, phones, web sites and names, so that the same customer
entered twice looks the same to the duplicate check."""

from __future__ import annotations

from urllib.parse import urlsplit

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from tandem.core.text import fold_text as fold_text  # contacts' keys and search text fold alike

_LEGAL_SUFFIXES = {
    "inc", "incorporated", "llc", "ltd", "limited", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv",
    "plc", "co", "corp", "corporation", "company", "pty", "srl", "spa", "oy", "ab", "as", "kg",
}  # fmt: skip


def normalize_email(value: str) -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValueError(_("“%(value)s” is not a valid e-mail address.") % {"value": value}) from None
    return email


def normalize_phone(value: str, region: str | None = None) -> tuple[str, str]:
    """Returns (display form, E.164). Numbers without a country code are read in the installation's
    default region (TANDEM_DEFAULT_PHONE_REGION)."""
    raw = (value or "").strip()
    if len(raw) > 40:
        raise ValueError(_("A phone number has at most 40 characters."))
    try:
        number = phonenumbers.parse(raw, region or settings.TANDEM_DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValueError(_("“%(value)s” is not a phone number.") % {"value": value}) from None
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise ValueError(_("“%(value)s” is not a valid phone number.") % {"value": value})
    display = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return display, phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_website(value: str) -> tuple[str, str]:
    """Returns (URL with a scheme, bare domain without www.)."""
    raw = (value or "").strip()
    if not raw:
        return "", ""
    if "://" not in raw:
        raw = "https://" + raw
    try:
        URLValidator(schemes=["http", "https"])(raw)
    except ValidationError:
        raise ValueError(_("“%(value)s” is not a web address.") % {"value": value}) from None
    host = (urlsplit(raw).hostname or "").lower()
    return raw, host.removeprefix("www.")


def organization_name_key(name: str) -> str:
    words = fold_text(name).split()
    while len(words) > 1 and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)[:200]


def person_name_key(first_name: str, last_name: str) -> str:
    return fold_text(f"{first_name} {last_name}")[:201]
