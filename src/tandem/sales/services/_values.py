"""Cleaning what a user gives for the sales records: amounts, percentages, currencies, dates and
owners, refused with a message about the field (InvalidInput)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.core.errors import InvalidInput


def _money(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise InvalidInput(_("Enter an amount such as 1200.50."), field=field) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise InvalidInput(_("Enter an amount from 0 up."), field=field)
    return amount


def _percent(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise InvalidInput(_("Enter a percentage from 0 to 100."), field=field) from None
    if not number.is_finite() or not (0 <= number <= 100):
        raise InvalidInput(_("Enter a percentage from 0 to 100."), field=field)
    return number


def _currency(value: Any) -> str:
    code = str(value or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise InvalidInput(_("A currency is a three-letter code such as EUR or USD."), field="currency")
    return code


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        raise InvalidInput(_("Enter a date."), field=field)
    return value


def _active_user(value: Any) -> User | None:
    if value is not None and (not isinstance(value, User) or not value.is_active):
        raise InvalidInput(_("Choose an active user."), field="owner")
    return value
