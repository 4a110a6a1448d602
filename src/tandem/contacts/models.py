from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ACTIVE = Q(archived_at__isnull=True)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50)
    color = models.CharField(_("colour"), max_length=7, default="#6c757d")

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class CustomerRecord(models.Model):
    """What organizations and people share: owner, notes, tags, archive, merge and a version
    number for optimistic concurrency (an edit based on an older version is refused)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    notes = models.TextField(_("notes"), blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Organization(CustomerRecord):
    name = models.CharField(_("name"), max_length=200)
    # casefolded name without punctuation or legal suffixes ("ACME, Inc." -> "acme"), for duplicates
    name_key = models.CharField(max_length=200, db_index=True, editable=False)
    website = models.URLField(_("website"), max_length=300, blank=True)
    domain = models.CharField(_("domain"), max_length=253, blank=True, db_index=True, editable=False)
    # what the free-text filter looks in (see tandem.contacts.search)
    search_text = models.TextField(blank=True, default="", db_default="", editable=False)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="organizations", verbose_name=_("tags"))
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name", "id"]
        indexes = [
            # One partial index per list ordering over the active rows, so a page is an index scan
            # with a LIMIT instead of a sort of every row. (An index led by archived_at does not do:
            # PostgreSQL does not treat `IS NULL` as an equality when matching the ORDER BY.)
            models.Index(fields=["name_key", "id"], name="org_active_name", condition=ACTIVE),
            models.Index(fields=["updated_at", "id"], name="org_active_updated", condition=ACTIVE),
            models.Index(fields=["created_at", "id"], name="org_active_created", condition=ACTIVE),
            models.Index(fields=["owner", "archived_at"], name="org_owner"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(CustomerRecord):
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    # "first last", casefolded, for sorting, filtering and duplicate warnings
    name_key = models.CharField(max_length=201, db_index=True, editable=False)
    # folded name, e-mail addresses and phone digits, for the free-text filter (tandem.contacts.search)
    search_text = models.TextField(blank=True, default="", db_default="", editable=False)
    organizations = models.ManyToManyField(
        Organization, through="Membership", related_name="people", verbose_name=_("organizations")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="people", verbose_name=_("tags"))
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why someone should look at this record ("" once reviewed), e.g. made from an unknown sender's
    # mail by the mail gateway with only a name and an address to go on.
    review_note = models.CharField(_("to review"), max_length=300, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(
                fields=["last_name", "first_name", "id"], name="person_active_name", condition=ACTIVE
            ),
            models.Index(fields=["updated_at", "id"], name="person_active_updated", condition=ACTIVE),
            models.Index(fields=["created_at", "id"], name="person_active_created", condition=ACTIVE),
            models.Index(fields=["owner", "archived_at"], name="person_owner"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Membership(models.Model):
    """A person works at (or with) an organization, with a job title. One person, many organizations."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-is_primary", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "organization"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organization}"


class ContactLabel(models.TextChoices):
    WORK = "work", _("Work")
    HOME = "home", _("Home")
    MOBILE = "mobile", _("Mobile")
    BILLING = "billing", _("Billing")
    OTHER = "other", _("Other")


class _PersonOrOrganization(models.Model):
    """A contact detail belongs to exactly one person or one organization (see the check constraints)."""

    label = models.CharField(
        _("label"), max_length=16, choices=ContactLabel.choices, default=ContactLabel.WORK
    )
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        abstract = True
        ordering = ["-is_primary", "id"]


class EmailAddress(_PersonOrOrganization):
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="emails")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    email = models.EmailField(_("e-mail"), max_length=254, db_index=True)

    class Meta(_PersonOrOrganization.Meta):
        verbose_name = _("e-mail address")
        verbose_name_plural = _("e-mail addresses")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="emailaddress_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.email


class PhoneNumber(_PersonOrOrganization):
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones"
    )
    raw = models.CharField(_("phone"), max_length=40)
    e164 = models.CharField(_("phone (E.164)"), max_length=20, db_index=True)

    class Meta(_PersonOrOrganization.Meta):
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="phonenumber_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.raw


class Address(_PersonOrOrganization):
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="addresses"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="addresses"
    )
    street = models.CharField(_("street"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state / region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, help_text=_("Two-letter ISO code"))

    class Meta(_PersonOrOrganization.Meta):
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="address_one_owner",
            )
        ]

    def __str__(self) -> str:
        return ", ".join(
            p for p in [self.street, self.postal_code, self.city, self.region, self.country] if p
        )
