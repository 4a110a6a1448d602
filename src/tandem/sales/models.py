"""Pipelines a user defines, their stages, leads, and the deal record kept beside a deal's work
item. A pipeline is shown as a board: each stage is a column showing the items with the scoped
label `stage::<name>`, so moving a card between stages is the board engine's move, and the sales
rules (tandem.sales.rules) decide whether the deal may enter the stage."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core import builtin_names

STAGE_SCOPE = "stage"
# The names Tandem gives stages (Won and Lost of every pipeline, the demo's others) and the scope
# of their labels, shown in the reader's language until renamed (tandem.core.builtin_names).
BUILTIN_STAGES = {
    "lead": _("Lead"),
    "qualified": _("Qualified"),
    "proposal": _("Proposal"),
    "negotiation": _("Negotiation"),
    "won": _("Won"),
    "lost": _("Lost"),
}
for _key, _name in BUILTIN_STAGES.items():
    builtin_names.define(_key, _name)
builtin_names.define_scope(STAGE_SCOPE, _("stage"))
# the role a qualified lead's person gets on the deal it becomes
CONTACT_ROLE = "contact"


class StageKind(models.TextChoices):
    OPEN = "open", _("In progress")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class RequiredField(models.TextChoices):
    """What a stage may require of a deal before it enters."""

    VALUE = "value", _("Value")
    EXPECTED_CLOSE = "expected_close", _("Expected close date")
    NEXT_STEP = "next_step", _("Next step with a due date")
    ORGANIZATION = "organization", _("Organization")
    CONTACT = "contact", _("A contact person")


class DocumentKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    QUOTE = "quote", _("Quote")
    SIGNED_CONTRACT = "signed_contract", _("Signed contract")
    OTHER = "other", _("Other")


class Pipeline(models.Model):
    name = models.CharField(_("name"), max_length=150)
    board = models.OneToOneField("work.Board", on_delete=models.PROTECT, related_name="pipeline")
    finance_board = models.ForeignKey(
        "work.Board",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("finance board"),
        help_text=_("Where winning a deal opens its finance ticket."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    close_won_deals = models.BooleanField(
        _("close won deals when their invoice is closed"),
        default=True,
        help_text=_(
            "A won deal closes itself once finance closes its invoice ticket. Off: close it yourself "
            "once the invoice is paid."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering: ClassVar = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=8, choices=StageKind.choices, default=StageKind.OPEN)
    position = models.PositiveIntegerField(default=0)
    probability = models.DecimalField(
        _("win probability (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    required_fields = models.JSONField(_("required to enter"), default=list, blank=True)
    checklist = models.JSONField(_("steps done before entering"), default=list, blank=True)
    required_document = models.CharField(
        _("document required to enter"), max_length=20, choices=DocumentKind.choices, blank=True
    )
    stale_after_days = models.PositiveIntegerField(_("flag deals after (days)"), null=True, blank=True)
    label = models.OneToOneField("work.Label", on_delete=models.PROTECT, related_name="stage")
    # the key of the name Tandem gave the stage (tandem.core.builtin_names); cleared by a renaming
    builtin = models.CharField(max_length=20, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering: ClassVar = ["position", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["pipeline", "name"], name="stage_name_per_pipeline"),
            models.UniqueConstraint(
                fields=["pipeline", "kind"], condition=~Q(kind=StageKind.OPEN), name="stage_won_lost_once"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name as the reader is shown it: a name Tandem gave in the reader's language."""
        return builtin_names.shown(self.name, self.builtin)


class Deal(models.Model):
    """A deal's sales record, beside its work item (same id)."""

    item = models.OneToOneField("work.Item", on_delete=models.CASCADE, primary_key=True, related_name="deal")
    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="deals")
    stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals")
    stage_entered_at = models.DateTimeField(default=timezone.now)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    expected_close = models.DateField(_("expected close"), null=True, blank=True)
    probability = models.DecimalField(
        _("probability (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Leave empty to use the stage's."),
    )
    source = models.CharField(_("source"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    organization = models.ForeignKey(
        "contacts.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    won_at = models.DateTimeField(null=True, blank=True)
    # from the deal's creation to its win, kept when it is won (the reports average it)
    won_after = models.DurationField(null=True, blank=True, editable=False)
    lost_at = models.DateTimeField(null=True, blank=True)
    lost_reason = models.CharField(_("reason lost"), max_length=300, blank=True)
    checklist_done = models.JSONField(default=dict, blank=True)  # stage id -> steps ticked
    # the item's state, kept beside the figures (tandem.sales.rules follows every close and reopen),
    # so the reports read one table through an index that holds every column they sum
    is_open = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes: ClassVar = [
            models.Index(fields=["pipeline", "stage"], name="deal_pipeline_stage"),
            models.Index(fields=["owner", "next_step_due"], name="deal_owner_next_step"),
            # the reports' indexes cover the columns each report reads (funnel and owners; forecast;
            # won and lost in a period), so a report of 300,000 deals never touches the table
            models.Index(
                fields=["pipeline", "is_open", "stage", "currency", "owner", "value", "probability"],
                name="deal_report_open",
            ),
            models.Index(
                fields=[
                    "pipeline",
                    "is_open",
                    "expected_close",
                    "currency",
                    "stage",
                    "owner",
                    "value",
                    "probability",
                ],
                name="deal_report_forecast",
            ),
            # won and lost deals only, in the owners report's order (grouped by owner and currency)
            models.Index(
                fields=["pipeline", "owner", "currency", "won_at", "value", "won_after"],
                name="deal_report_won",
                condition=Q(won_at__isnull=False),
            ),
            models.Index(
                fields=["pipeline", "owner", "lost_at"],
                name="deal_report_lost",
                condition=Q(lost_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"deal #{self.item_id}"

    @property
    def effective_probability(self) -> Decimal:
        if self.probability is not None:
            return self.probability
        return self.stage.probability if self.stage else Decimal(0)

    @property
    def weighted_value(self) -> Decimal | None:
        """Value times probability, in the deal's currency, to the cent (Decimal, never float)."""
        if self.value is None:
            return None
        # half up, as the reports' database rounding does, so a deal and the totals agree
        return (self.value * self.effective_probability / Decimal(100)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


class DealContact(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey("contacts.Person", on_delete=models.CASCADE, related_name="deal_roles")
    role = models.CharField(_("role"), max_length=100, blank=True)

    class Meta:
        constraints: ClassVar = [models.UniqueConstraint(fields=["deal", "person"], name="deal_contact_once")]

    def __str__(self) -> str:
        return f"{self.person} ({self.role})" if self.role else str(self.person)

    @property
    def display_role(self) -> str:
        """The role as typed, or the role Tandem gives (a qualified lead's "contact") translated."""
        return str(_("contact")) if self.role == CONTACT_ROLE else self.role


class StageChange(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["at", "id"]
        indexes: ClassVar = [models.Index(fields=["deal", "at"], name="stage_change_deal_at")]

    def __str__(self) -> str:
        return f"{self.from_stage} -> {self.to_stage}"


def deal_document_path(instance: DealDocument, filename: str) -> str:
    return f"deals/{instance.deal_id}/{filename}"


class DealDocument(models.Model):
    """A file (or a link) on a deal; the document library will adopt these."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=deal_document_path, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-uploaded_at", "-id"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(url=""), name="deal_document_file_or_link")
        ]

    def __str__(self) -> str:
        return self.name


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")


class Lead(models.Model):
    name = models.CharField(_("name"), max_length=200)
    company = models.CharField(_("company"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    status = models.CharField(max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW)
    deal = models.OneToOneField(Deal, null=True, blank=True, on_delete=models.SET_NULL, related_name="lead")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    NOTE = "note", _("Note")


class DealActivity(models.Model):
    """A call, meeting, e-mail or note on a deal: logged when done, or scheduled with a due date."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    summary = models.CharField(_("summary"), max_length=300)
    due = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["deal", "-created_at"], name="activity_deal_at"),
            # what is still to do, by due day (the home page's "due today and overdue")
            models.Index(fields=["due"], condition=models.Q(done_at__isnull=True), name="activity_open_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.summary}"

    @property
    def is_overdue(self) -> bool:
        return self.done_at is None and self.due is not None and self.due < timezone.localdate()
