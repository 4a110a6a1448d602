"""The generated records as plain drafts, one pure function per kind: the same blueprint and row number
always give the same draft, whatever else exists. The derived fields (name keys, web domain, phone
E.164 and display form) come from the functions the contacts services use, so a generated row is the
row the services would have written for the same input.

How rows relate stays stable from one scale to the next because each relation only looks back by
proportion: person n works for organizations among the first n * organizations / people, and
history update n is about a record among the first n * records / updates. The named scales share
these proportions, so scale S is exactly the first rows of scale M."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, NamedTuple

from tandem.contacts import normalize, search
from tandem.demo.generate import data, naming
from tandem.demo.generate.draws import Draws, Weighted
from tandem.demo.generate.phones import phone_number
from tandem.demo.generate.scales import Sizes

RECORD_SPAN = timedelta(days=3 * 365)  # customers were entered over the past three years
UPDATE_SPAN = timedelta(days=2 * 365)  # and edited over the past two
# Names repeat at scale (they come from short lists), so each key is worked out once.
organization_name_key = cache(normalize.organization_name_key)
person_name_key = cache(normalize.person_name_key)
USER = Weighted(range(len(data.USER_NAMES)), data.USER_WEIGHTS)

Email = tuple[str, str]  # (address, label)
Phone = tuple[str, str, str]  # (display form, E.164, label)
Address = tuple[str, str, str, str, str, str]  # (street, city, region, postal code, country, label)


class OrganizationCore(NamedTuple):
    country: str
    name: str
    domain: str
    created_at: datetime


class PersonCore(NamedTuple):
    first_name: str
    last_name: str
    first_latin: str
    last_latin: str
    country: str
    employers: tuple[int, ...]  # organization numbers, the primary one first
    created_at: datetime

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class OrganizationDraft:
    number: int
    name: str
    name_key: str
    search_text: str
    website: str
    domain: str
    industry: str
    notes: str
    created_by: int  # generated user number, also below
    owner: int
    created_at: datetime
    emails: list[Email] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    tags: list[int] = field(default_factory=list)  # numbers into data.TAGS


@dataclass(slots=True)
class PersonDraft:
    number: int
    first_name: str
    last_name: str
    name_key: str
    notes: str
    created_by: int
    owner: int
    created_at: datetime
    emails: list[Email] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    tags: list[int] = field(default_factory=list)
    memberships: list[tuple[int, str]] = field(default_factory=list)  # (organization number, job title)
    search_text: str = ""  # filled in once the e-mails and phones are known


@dataclass(slots=True)
class UpdateDraft:
    number: int
    target_type: str  # "organization" or "person", as the services record it
    target: int  # the organization or person number
    target_label: str
    actor: int
    changes: dict[str, Any]
    at: datetime


class Blueprint:
    """What to generate: the seed, the sizes and the moment the generated time line ends (in UTC)."""

    def __init__(self, seed: str, sizes: Sizes, until: datetime) -> None:
        self.seed = seed
        self.sizes = sizes
        self.until = until.astimezone(UTC)  # the writer stores UTC
        self._organizations: dict[int, OrganizationCore] = {}

    def organization_core(self, number: int) -> OrganizationCore:
        core = self._organizations.get(number)
        if core is None:
            core = _organization_core(self, Draws(self.seed, "organization", number), number)
            self._organizations[number] = core
        return core

    def person_core(self, number: int) -> PersonCore:
        return _person_core(self, Draws(self.seed, "person", number), number)


# --- Organizations ----------------------------------------------------------------------------


def _organization_core(blueprint: Blueprint, draws: Draws, number: int) -> OrganizationCore:
    country = naming.COUNTRY.pick(draws)
    name, domain_words = naming.company_name(draws, naming.culture_of(country))
    created_at = blueprint.until - RECORD_SPAN * draws.fraction()
    return OrganizationCore(country, name, f"{naming.ascii_slug(domain_words)}-{number}.example", created_at)


def organization(blueprint: Blueprint, number: int) -> OrganizationDraft:
    draws = Draws(blueprint.seed, "organization", number)
    core = _organization_core(blueprint, draws, number)
    website, domain = normalize.normalize_website(f"https://www.{core.domain}")
    name_key = organization_name_key(core.name)
    created_by = USER.pick(draws)
    draft = OrganizationDraft(
        number=number,
        name=core.name,
        name_key=name_key,
        search_text=search.organization_search_text(name_key, domain),
        website=website,
        domain=domain,
        industry=draws.pick(data.INDUSTRIES),
        notes=naming.note(draws, 0.2),
        created_by=created_by,
        owner=created_by if draws.chance(0.8) else USER.pick(draws),
        created_at=core.created_at,
    )
    if draws.chance(0.7):
        draft.emails.append(
            (f"{draws.pick(('info', 'contact', 'office', 'hello', 'sales'))}@{domain}", "work")
        )
    if draws.chance(0.8):
        draft.phones.append((*phone_number(core.country, draws), "work"))
    if draws.chance(0.9):
        persian_script = not core.name.isascii() and core.country == "IR"
        place = naming.address(draws, core.country, persian_script=persian_script)
        draft.addresses.append((*place, draws.pick(("work", "billing"))))
    draft.tags = naming.tags(draws, one=0.25, two=0.08)
    return draft


# --- People -----------------------------------------------------------------------------------


def _log_uniform(draws: Draws, window: int) -> int:
    """A number in [0, window) where 0 is picked most and each next one a little less (Zipf-like):
    a few organizations collect thousands of people."""
    return min(window - 1, int(window ** draws.fraction()) - 1)


def _employers(draws: Draws, number: int, sizes: Sizes) -> tuple[int, ...]:
    window = min(sizes.organizations, number * sizes.organizations // sizes.people + 1)
    # Most people join the organization "created" alongside them (every organization gets a
    # handful); the rest spread over the older ones, heavily favouring the first.
    first = window - 1 if draws.chance(0.6) else _log_uniform(draws, window)
    if draws.chance(0.1):
        second = _log_uniform(draws, window)
        if second != first:
            return (first, second)
    return (first,)


def _person_core(blueprint: Blueprint, draws: Draws, number: int) -> PersonCore:
    employers = _employers(draws, number, blueprint.sizes)
    employer = blueprint.organization_core(employers[0])
    country = employer.country if draws.chance(0.85) else naming.COUNTRY.pick(draws)
    culture = naming.culture_of(country) if draws.chance(0.9) else draws.pick(data.CULTURES)
    first, last, first_latin, last_latin = naming.person_name(draws, culture)
    created_at = employer.created_at + (blueprint.until - employer.created_at) * draws.fraction()
    # nobody joins an organization before it exists in Tandem
    employers = tuple(e for e in employers if blueprint.organization_core(e).created_at <= created_at)
    return PersonCore(first, last, first_latin, last_latin, country, employers, created_at)


def person(blueprint: Blueprint, number: int) -> PersonDraft:
    draws = Draws(blueprint.seed, "person", number)
    core = _person_core(blueprint, draws, number)
    created_by = USER.pick(draws)
    draft = PersonDraft(
        number=number,
        first_name=core.first_name,
        last_name=core.last_name,
        name_key=person_name_key(core.first_name, core.last_name),
        notes=naming.note(draws, 0.08),
        created_by=created_by,
        owner=created_by if draws.chance(0.8) else USER.pick(draws),
        created_at=core.created_at,
    )
    employer = blueprint.organization_core(core.employers[0])
    local = naming.email_local_part(draws, core.first_latin, core.last_latin, number)
    draft.emails.append((f"{local}@{employer.domain}", "work"))
    if draws.chance(0.35):
        local = naming.email_local_part(draws, core.first_latin, core.last_latin, number)
        draft.emails.append((f"{local}@{draws.pick(data.FREEMAIL_DOMAINS)}", "home"))
    roll = draws.below(100)
    for label in ("mobile", "work")[: 0 if roll < 20 else 1 if roll < 75 else 2]:
        display, e164 = phone_number(core.country, draws)
        if all(e164 != phone[1] for phone in draft.phones):
            draft.phones.append((display, e164, label))
    if draws.chance(0.25):
        persian_script = core.first_name != core.first_latin
        draft.addresses.append((*naming.address(draws, core.country, persian_script=persian_script), "home"))
    draft.tags = naming.tags(draws, one=0.12, two=0.03)
    draft.search_text = search.person_search_text(
        draft.name_key, [email for email, _label in draft.emails], [phone[1] for phone in draft.phones]
    )
    culture = "fa" if core.first_name != core.first_latin else naming.culture_of(core.country)
    for employer_number in core.employers:
        title = draws.pick(data.JOB_TITLES[culture]) if draws.chance(0.9) else ""
        draft.memberships.append((employer_number, title))
    return draft


# --- History ----------------------------------------------------------------------------------


def update(blueprint: Blueprint, number: int) -> UpdateDraft:
    """An "updated" history entry, about a record created before it, with the changes the services
    record for such an edit."""
    sizes = blueprint.sizes
    draws = Draws(blueprint.seed, "update", number)
    # a fraction, not a whole number below the total, so that every scale draws the same kind
    is_person = draws.fraction() * (sizes.people + sizes.organizations) < sizes.people
    count = sizes.people if is_person else sizes.organizations
    target = draws.below(min(count, number * count // sizes.updates + 1))
    if is_person:
        person_core = blueprint.person_core(target)
        label, country, created_at = person_core.full_name, person_core.country, person_core.created_at
    else:
        org_core = blueprint.organization_core(target)
        label, country, created_at = org_core.name, org_core.country, org_core.created_at
    start = max(created_at, blueprint.until - UPDATE_SPAN)
    return UpdateDraft(
        number=number,
        target_type="person" if is_person else "organization",
        target=target,
        target_label=label[:300],
        actor=USER.pick(draws),
        changes=_changes(draws, country, is_person),
        at=start + (blueprint.until - start) * draws.fraction(),
    )


def _changes(draws: Draws, country: str, is_person: bool) -> dict[str, Any]:
    """One small edit; like the services, never a "change" from a value to the same value."""
    kind = draws.pick(("notes", "owner", "phones", "tags", "notes" if is_person else "industry"))
    if kind == "phones":
        return {"phones": [[], [phone_number(country, draws)[0]]]}
    if kind == "tags":
        old_tags = [data.TAGS[n] for n in naming.tags(draws, one=0.3, two=0.0)]
        added = _other(draws, data.TAGS, old_tags[0] if old_tags else None)
        return {"tags": [old_tags, sorted([*old_tags, added])]}
    if kind == "owner":
        old = draws.pick(data.USER_NAMES)
        return {"owner": [old, _other(draws, data.USER_NAMES, old)]}
    choices = data.NOTES if kind == "notes" else data.INDUSTRIES
    old_value = draws.pick(choices) if kind == "industry" or draws.chance(0.3) else ""
    return {kind: [old_value, _other(draws, choices, old_value)]}


def _other(draws: Draws, choices: tuple[str, ...], old: str | None) -> str:
    new = draws.pick(choices)
    return new if new != old else choices[(choices.index(new) + 1) % len(choices)]
