"""What the API reads and writes for organizations and people.

Input schemas forbid unknown fields and use strict types, so a typo or a number sent as text is a
422 naming the field instead of being ignored or guessed at. String limits follow the models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from tandem.accounts.schemas import UserRef
from tandem.contacts.models import ContactLabel, Organization, Person, PhoneNumber
from tandem.core.api.types import MAX_ID, Flag, NoNul, RecordId, SearchText

NOTES_MAX_LENGTH = 50_000


# Strings of at most so many characters; numbers or null are not strings.
Text2 = Annotated[str, Field(strict=True, max_length=2), NoNul]
Text20 = Annotated[str, Field(strict=True, max_length=20), NoNul]
Text40 = Annotated[str, Field(strict=True, max_length=40), NoNul]
Text100 = Annotated[str, Field(strict=True, max_length=100), NoNul]
Text150 = Annotated[str, Field(strict=True, max_length=150), NoNul]
Text200 = Annotated[str, Field(strict=True, max_length=200), NoNul]
Text254 = Annotated[str, Field(strict=True, max_length=254), NoNul]
Text300 = Annotated[str, Field(strict=True, max_length=300), NoNul]
Name200 = Annotated[str, Field(strict=True, min_length=1, max_length=200), NoNul]
TagName = Annotated[str, Field(strict=True, min_length=1, max_length=50), NoNul]
TagFilter = Annotated[str, Field(max_length=50), NoNul]
NotesText = Annotated[str, Field(strict=True, max_length=NOTES_MAX_LENGTH), NoNul]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- Contact details --------------------------------------------------------------------------


class EmailIn(_Input):
    email: Text254
    label: ContactLabel = ContactLabel.WORK
    is_primary: Flag = False


class PhoneIn(_Input):
    number: Text40
    label: ContactLabel = ContactLabel.WORK
    is_primary: Flag = False


class AddressIn(_Input):
    street: Text200 = ""
    city: Text100 = ""
    region: Text100 = ""
    postal_code: Text20 = ""
    country: Text2 = Field("", description="Two-letter ISO code, such as DE or IR.")
    label: ContactLabel = ContactLabel.WORK
    is_primary: Flag = False


class MembershipIn(_Input):
    organization_id: RecordId
    job_title: Text150 = ""
    is_primary: Flag = False


Emails = Annotated[list[EmailIn], Field(max_length=20)]
Phones = Annotated[list[PhoneIn], Field(max_length=20)]
Addresses = Annotated[list[AddressIn], Field(max_length=20)]
Tags = Annotated[list[TagName], Field(max_length=50)]
Memberships = Annotated[list[MembershipIn], Field(max_length=50)]


class EmailOut(Schema):
    email: str
    label: str
    is_primary: bool


class PhoneOut(Schema):
    number: str = Field(description="As Tandem displays it, e.g. +1 212-555-0100.")
    e164: str
    label: str
    is_primary: bool

    @staticmethod
    def resolve_number(obj: PhoneNumber) -> str:
        return obj.raw


class AddressOut(Schema):
    street: str
    city: str
    region: str
    postal_code: str
    country: str
    label: str
    is_primary: bool


class _RecordOut(Schema):
    """What organizations and people answer alike."""

    id: int
    version: int
    owner: UserRef | None
    tags: list[str]
    archived: bool
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(obj: Organization | Person) -> list[str]:
        return [tag.name for tag in obj.tags.all()]

    @staticmethod
    def resolve_archived(obj: Organization | Person) -> bool:
        return obj.is_archived


# --- Organizations ----------------------------------------------------------------------------


class OrganizationIn(_Input):
    name: Name200
    website: Text300 = ""
    industry: Text100 = ""
    notes: NotesText = ""
    owner_id: RecordId | None = Field(None, description="Defaults to you; null for no owner.")
    emails: Emails = []
    phones: Phones = []
    addresses: Addresses = []
    tags: Tags = []
    allow_duplicate: Flag = Field(
        False, description="Save even when Tandem warns that the organization looks like one it has."
    )


class OrganizationPatch(_Input):
    """Only the fields sent change; lists replace what was there."""

    version: RecordId | None = Field(None, description="The version you edited; or send If-Match.")
    name: Name200 = ""
    website: Text300 = ""
    industry: Text100 = ""
    notes: NotesText = ""
    owner_id: RecordId | None = None
    emails: Emails = []
    phones: Phones = []
    addresses: Addresses = []
    tags: Tags = []


class OrganizationOut(_RecordOut):
    name: str
    website: str
    domain: str
    industry: str
    notes: str
    emails: list[EmailOut]
    phones: list[PhoneOut]
    addresses: list[AddressOut]
    merged_into_id: int | None


class OrganizationListItem(_RecordOut):
    name: str
    website: str
    domain: str
    industry: str
    people_count: int


class OrganizationRef(Schema):
    id: int
    name: str


class OrganizationMemberOut(Schema):
    """A person who works at an organization, as listed on the organization."""

    person_id: int
    name: str
    email: str | None
    job_title: str
    is_primary: bool

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.person.full_name)

    @staticmethod
    def resolve_email(obj: Any) -> str | None:
        emails = list(obj.person.emails.all())  # prefetched: the primary one only
        return emails[0].email if emails else None


OrganizationOrdering = Literal["name", "-name", "created", "-created", "updated", "-updated"]


class OrganizationFilters(Schema):
    q: SearchText = Field("", description="Part of the name or web domain.")
    tag: TagFilter = Field("", description="A tag name.")
    owner: int | None = Field(None, ge=1, le=MAX_ID, description="The owner's user id.")
    archived: bool = Field(False, description="true lists archived organizations instead of active ones.")
    ordering: OrganizationOrdering = "name"


class MergeIn(_Input):
    duplicate_id: RecordId = Field(description="The record to fold into this one; it is archived afterwards.")


# --- People -----------------------------------------------------------------------------------


class PersonIn(_Input):
    first_name: Text100 = ""
    last_name: Text100 = ""
    notes: NotesText = ""
    owner_id: RecordId | None = Field(None, description="Defaults to you; null for no owner.")
    emails: Emails = []
    phones: Phones = []
    addresses: Addresses = []
    tags: Tags = []
    memberships: Memberships = []
    allow_duplicate: Flag = Field(
        False, description="Save even when Tandem warns that the person looks like one it has."
    )


class PersonPatch(_Input):
    """Only the fields sent change; lists replace what was there."""

    version: RecordId | None = Field(None, description="The version you edited; or send If-Match.")
    first_name: Text100 = ""
    last_name: Text100 = ""
    notes: NotesText = ""
    owner_id: RecordId | None = None
    emails: Emails = []
    phones: Phones = []
    addresses: Addresses = []
    tags: Tags = []
    memberships: Memberships = []


class MembershipOut(Schema):
    organization_id: int
    organization_name: str
    job_title: str
    is_primary: bool

    @staticmethod
    def resolve_organization_name(obj: Any) -> str:
        return str(obj.organization.name)


class PersonOut(_RecordOut):
    first_name: str
    last_name: str
    full_name: str
    notes: str
    emails: list[EmailOut]
    phones: list[PhoneOut]
    addresses: list[AddressOut]
    memberships: list[MembershipOut]
    merged_into_id: int | None


class PersonListItem(_RecordOut):
    first_name: str
    last_name: str
    full_name: str
    email: str | None = Field(description="The primary e-mail address.")
    organization: OrganizationRef | None = Field(description="The primary organization.")
    job_title: str = Field(description="The job title at the primary organization.")

    @staticmethod
    def resolve_email(obj: Any) -> str | None:
        return obj.primary_emails[0].email if obj.primary_emails else None

    @staticmethod
    def resolve_organization(obj: Any) -> Organization | None:
        return obj.primary_memberships[0].organization if obj.primary_memberships else None

    @staticmethod
    def resolve_job_title(obj: Any) -> str:
        return str(obj.primary_memberships[0].job_title) if obj.primary_memberships else ""


PersonOrdering = Literal["name", "-name", "created", "-created", "updated", "-updated"]


class PersonFilters(Schema):
    q: SearchText = Field("", description="Part of the name, an e-mail address or phone digits.")
    organization: int | None = Field(None, ge=1, le=MAX_ID, description="People at this organization id.")
    tag: TagFilter = Field("", description="A tag name.")
    owner: int | None = Field(None, ge=1, le=MAX_ID, description="The owner's user id.")
    archived: bool = Field(False, description="true lists archived people instead of active ones.")
    ordering: PersonOrdering = "name"
