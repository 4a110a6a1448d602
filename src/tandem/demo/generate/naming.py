"""Who and where: names, company names, e-mail local parts, addresses and notes for generated rows,
each drawn from a row's own `Draws` in the culture of its country."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from tandem.demo.generate import data
from tandem.demo.generate.draws import Draws, Weighted

COUNTRY = Weighted(list(data.COUNTRIES), [weight for weight, _culture in data.COUNTRIES.values()])
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def culture_of(country: str) -> str:
    return data.COUNTRIES[country][1]


@cache  # names come from short lists: each is slugged once
def ascii_slug(text: str, joiner: str = "-") -> str:
    """ "Müller & Söhne" -> "mueller-soehne": e-mail local parts and domain names in plain ASCII."""
    text = unicodedata.normalize("NFKD", text.translate(_GERMAN))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NOT_SLUG.sub(joiner, text).strip(joiner)


def person_name(draws: Draws, culture: str) -> tuple[str, str, str, str]:
    """(first name, last name, and both in Latin letters for the e-mail address)."""
    if culture == "fa":
        first_fa, first_latin = draws.pick(data.PERSIAN_FIRST_NAMES)
        last_fa, last_latin = draws.pick(data.PERSIAN_LAST_NAMES)
        if draws.chance(0.5):
            return first_fa, last_fa, first_latin, last_latin
        return first_latin, last_latin, first_latin, last_latin
    first = draws.pick(data.FIRST_NAMES[culture])
    last = draws.pick(data.LAST_NAMES[culture])
    return first, last, first, last


def company_name(draws: Draws, culture: str) -> tuple[str, str]:
    """(name as written, the words for its web domain)."""
    if culture == "fa":
        word_fa, word = draws.pick(data.PERSIAN_COMPANY_WORDS)
        noun_fa, noun = draws.pick(data.PERSIAN_COMPANY_NOUNS)
        base = f"{word} {noun}"
        if draws.chance(0.5):
            return f"{draws.pick(data.PERSIAN_COMPANY_PREFIXES)} {noun_fa} {word_fa}", base
        return f"{base} {draws.pick(data.PERSIAN_COMPANY_SUFFIXES)}", base
    words = data.COMPANY_WORDS[culture]
    names = data.LAST_NAMES[culture]
    adjective, noun, suffix = (
        draws.pick(words["adjective"]),
        draws.pick(words["noun"]),
        draws.pick(words["suffix"]),
    )
    last, other = draws.pick(names), draws.pick(names)
    patterns = {
        "en": (f"{adjective} {noun}", f"{last} & {other}", f"{last} {noun}", f"{adjective} {last} {noun}"),
        "de": (f"{last} {noun}", f"{adjective} {noun}", f"{last} & {other}", f"{noun} {last}"),
        "es": (f"{noun} {last}", f"{noun} {adjective}", f"{last} y {other}", f"{noun} {last} {other}"),
    }[culture]
    base = draws.pick(patterns)
    return f"{base} {suffix}", base


def email_local_part(draws: Draws, first: str, last: str, number: int) -> str:
    """Unique through the row number: two Maria Garcías at one company are common at scale."""
    first_slug, last_slug = ascii_slug(first, ""), ascii_slug(last, "")
    pattern = draws.below(4)
    if pattern == 0:
        return f"{first_slug}.{last_slug}{number}"
    if pattern == 1:
        return f"{first_slug[:1]}{last_slug}{number}"
    if pattern == 2:
        return f"{first_slug}_{last_slug}{number}"
    return f"{last_slug}.{first_slug}{number}"


def _postal_code(draws: Draws, country: str, prefix: str) -> str:
    if country == "GB":
        letters = data.GB_POSTCODE_LETTERS
        return f"{prefix} {1 + draws.below(9)}{draws.pick(letters)}{draws.pick(letters)}"
    rest = data.POSTAL_LENGTHS[country] - len(prefix)
    return prefix + str(draws.below(10**rest)).zfill(rest)


def address(draws: Draws, country: str, *, persian_script: bool) -> tuple[str, str, str, str, str]:
    """(street, city, region, postal code, country code)."""
    city, region, prefix = draws.pick(data.CITIES[country])
    postal_code = _postal_code(draws, country, prefix)
    number = str(1 + draws.below(250))
    if country == "IR" and persian_script:
        city, region = data.PERSIAN_CITIES[city]
        street = f"{draws.pick(data.PERSIAN_STREETS)}، پلاک {number.translate(PERSIAN_DIGITS)}"
        return street, city, region, postal_code, country
    name = draws.pick(data.STREETS[country])
    street = {
        "US": f"{number} {name}",
        "GB": f"{number} {name}",
        "ES": f"{name}, {number}",
        "IR": f"{name}, No. {number}",
    }.get(country, f"{name} {number}")
    return street, city, region, postal_code, country


def note(draws: Draws, probability: float) -> str:
    return draws.pick(data.NOTES) if draws.chance(probability) else ""


def tags(draws: Draws, one: float, two: float) -> list[int]:
    """Tag numbers (into data.TAGS): none for most rows, one or two for some."""
    roll = draws.fraction()
    count = 2 if roll < two else 1 if roll < one + two else 0
    picked: list[int] = []
    for _ in range(count):
        tag = draws.below(len(data.TAGS))
        if tag not in picked:
            picked.append(tag)
    return picked
