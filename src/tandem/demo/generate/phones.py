"""Valid phone numbers for each generated country, with the display form and E.164 that
`tandem.contacts.normalize.normalize_phone` gives, computed without parsing each number.

Parsing and validating costs about 90 µs a number, too slow for a million people. Every plan below is
a number range the phonenumbers library accepts in full, formatted the same way throughout, so the
display layout is taken once per plan from the library and reused. A test checks a large sample
against `normalize_phone`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import phonenumbers

from tandem.demo.generate.draws import Draws


@dataclass(frozen=True)
class Plan:
    calling_code: str
    prefix: str  # the national digits every number in the range starts with (area or mobile code)
    length: int  # digits after the prefix
    first_digits: str = "123456789"


PLANS: dict[str, tuple[Plan, ...]] = {
    "US": tuple(Plan("1", area, 7, "23456789") for area in
                ("202", "206", "212", "213", "305", "312", "404", "415", "512", "617", "702", "713")),
    "GB": (Plan("44", "207", 7), Plan("44", "208", 7), Plan("44", "161", 7), Plan("44", "7400", 6),
           Plan("44", "7520", 6), Plan("44", "7800", 6), Plan("44", "7900", 6), Plan("44", "7834", 6)),
    "DE": (Plan("49", "30", 8), Plan("49", "89", 8), Plan("49", "40", 8), Plan("49", "221", 7),
           Plan("49", "151", 8), Plan("49", "160", 7), Plan("49", "170", 7), Plan("49", "176", 8)),
    "AT": (Plan("43", "1", 7, "23456789"), Plan("43", "664", 7), Plan("43", "316", 6),
           Plan("43", "662", 6)),
    "ES": (Plan("34", "91", 7), Plan("34", "93", 7), Plan("34", "95", 7), Plan("34", "6", 8)),
    "MX": (Plan("52", "55", 8), Plan("52", "33", 8), Plan("52", "81", 8)),
    "IR": (Plan("98", "912", 7), Plan("98", "935", 7), Plan("98", "919", 7), Plan("98", "21", 8),
           Plan("98", "31", 8)),
}  # fmt: skip


@cache
def _layout(plan: Plan) -> str:
    """The international display form with each digit replaced by "#", e.g. "+## ## ########"."""
    sample = f"+{plan.calling_code}{plan.prefix}{plan.first_digits[-1]}{'0' * (plan.length - 1)}"
    number = phonenumbers.parse(sample, None)
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"phone plan {plan} does not give valid numbers")
    display = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return "".join("#" if ch.isdigit() else ch for ch in display).replace("#", "{}")


def phone_number(country: str, draws: Draws) -> tuple[str, str]:
    """(display form, E.164) of a valid number in `country`."""
    plan = draws.pick(PLANS[country])
    subscriber = draws.pick(plan.first_digits) + str(draws.below(10 ** (plan.length - 1))).zfill(
        plan.length - 1
    )
    digits = plan.calling_code + plan.prefix + subscriber
    return _layout(plan).format(*digits), "+" + digits
