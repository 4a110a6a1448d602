"""Boards and work items. Every thing that moves across a board — a deal, a finance ticket, a
support ticket, a project task, a board-meeting action — is one `Item` row with a type; links,
labels, assignees, watchers, comments and history then work once for all of them.

Writes go through `tandem.work.services`; nothing else saves these models."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core import builtin_names

SCOPE_SEPARATOR = "::"
# the names a new board's Open and Closed columns get (shown translated until renamed)
builtin_names.define("open", _("Open"))
builtin_names.define("closed", _("Closed"))


class ItemType(models.TextChoices):
    TASK = "task", _("Task")
    DEAL = "deal", _("Deal")
    FINANCE = "finance", _("Finance ticket")
    SUPPORT = "support", _("Support ticket")
    ACTION = "action", _("Action item")


class ItemState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Priority(models.IntegerChoices):
    NONE = 0, _("None")
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class ColumnKind(models.TextChoices):
    OPEN = "open", _("Open items")
    LABEL = "label", _("Items with a label")
    CLOSED = "closed", _("Closed items")


class SumField(models.TextChoices):
    NONE = "", _("Nothing")
    ESTIMATE = "estimate", _("Estimate (hours)")


class LinkKind(models.TextChoices):
    BLOCKS = "blocks", _("blocks")
    RELATES_TO = "relates_to", _("relates to")


def label_scope(name: str) -> str:
    """`sales::qualified` -> `sales`; `a::b::c` -> `a::b`; a plain label has no scope ("")."""
    scope, separator, _value = name.rpartition(SCOPE_SEPARATOR)
    return scope.strip() if separator else ""


class TeamNotifications(models.TextChoices):
    """What the members of a board's team hear of its items (besides what concerns them anyway)."""

    OFF = "off", _("Nothing: only who is assigned, watches or is mentioned")
    ASSIGNMENTS = "assignments", _("New items and assignment changes")
    ALL = "all", _("Every change")


class Board(models.Model):
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="boards"
    )
    team_notifications = models.CharField(
        _("the team hears of"),
        max_length=12,
        choices=TeamNotifications.choices,
        default=TeamNotifications.ASSIGNMENTS,
        help_text=_("Everyone in the board's team is notified of these, so no work is done twice."),
    )
    private = models.BooleanField(
        _("private to its team"),
        default=False,
        help_text=_(
            "Only the members of the board's team and admins see the board and everything on it; "
            "for everyone else it does not exist."
        ),
    )
    default_type = models.CharField(
        _("type of new items"), max_length=16, choices=ItemType.choices, default=ItemType.TASK
    )
    title_prefix = models.CharField(
        _("title prefix"),
        max_length=100,
        blank=True,
        help_text=_("Put in front of the title of every new item, so the items are easy to find."),
    )
    sum_field = models.CharField(
        _("column sum"), max_length=16, choices=SumField.choices, default=SumField.NONE, blank=True
    )
    default_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default assignee"),
        help_text=_("New items nobody was assigned to go to this person, e.g. the invoice a won deal opens."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        ordering: ClassVar = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("work:board", args=[self.pk])


class Label(models.Model):
    """A plain label (`urgent`) or a scoped one (`sales::qualified`): an item carries at most one
    label of each scope. A label belongs to one board, or to every board when `board` is empty."""

    board = models.ForeignKey(Board, null=True, blank=True, on_delete=models.CASCADE, related_name="labels")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(max_length=100, blank=True, editable=False)
    color = models.CharField(_("colour"), max_length=7, default="#6c757d")
    description = models.CharField(_("description"), max_length=300, blank=True)
    # the key of the name Tandem gave the label (tandem.core.builtin_names); cleared by a renaming
    builtin = models.CharField(max_length=20, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                Lower("name"), F("board"), condition=Q(board__isnull=False), name="label_name_per_board"
            ),
            models.UniqueConstraint(Lower("name"), condition=Q(board__isnull=True), name="label_name_global"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.scope = label_scope(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def value(self) -> str:
        """What follows the scope: `qualified` of `sales::qualified`."""
        return self.name.rpartition(SCOPE_SEPARATOR)[2].strip() if self.scope else self.name

    @property
    def is_scoped(self) -> bool:
        return bool(self.scope)

    @property
    def display_value(self) -> str:
        """The value as the reader is shown it: a name Tandem gave in the reader's language."""
        return builtin_names.shown(self.value, self.builtin)

    @property
    def display_scope(self) -> str:
        return builtin_names.shown_scope(self.scope)

    @property
    def display_name(self) -> str:
        if not self.scope:
            return self.display_value
        return f"{self.display_scope}{SCOPE_SEPARATOR}{self.display_value}"


class Column(models.Model):
    """A board column: the open items no other column takes, the items with one label, or the
    closed items. Moving a card into a column gives it that label or state, and the reverse."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="columns")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("shows"), max_length=8, choices=ColumnKind.choices)
    label = models.ForeignKey(Label, null=True, blank=True, on_delete=models.PROTECT, related_name="columns")
    position = models.PositiveIntegerField(default=0)
    wip_limit = models.PositiveIntegerField(_("work-in-progress limit"), null=True, blank=True)
    # the key of the name Tandem gave the column (tandem.core.builtin_names); cleared by a renaming
    builtin = models.CharField(max_length=20, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("column")
        verbose_name_plural = _("columns")
        ordering: ClassVar = ["position", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["board", "label"],
                condition=Q(label__isnull=False),
                name="column_label_once_per_board",
            ),
            models.UniqueConstraint(
                fields=["board", "kind"],
                condition=Q(kind__in=[ColumnKind.OPEN, ColumnKind.CLOSED]),
                name="column_open_closed_once_per_board",
            ),
            models.CheckConstraint(
                condition=Q(kind=ColumnKind.LABEL, label__isnull=False)
                | (~Q(kind=ColumnKind.LABEL) & Q(label__isnull=True)),
                name="column_label_iff_label_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name as the reader is shown it: a name Tandem gave in the reader's language."""
        return builtin_names.shown(self.name, self.builtin)


class Item(models.Model):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="items")
    type = models.CharField(_("type"), max_length=16, choices=ItemType.choices, default=ItemType.TASK)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(_("state"), max_length=8, choices=ItemState.choices, default=ItemState.OPEN)
    # Which column shows the item follows from its state and labels; kept here so that a column's
    # page is one index range scan over (board, column, rank).
    column = models.ForeignKey(Column, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    # Position on the board: plain string order of keys from tandem.work.rank; unique per board.
    rank = models.CharField(max_length=64)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NONE
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    estimate = models.DecimalField(
        _("estimate (hours)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("parent"),
    )
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="assigned_items", blank=True)
    watchers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="watched_items", blank=True)
    labels = models.ManyToManyField(Label, related_name="items", blank=True)
    organizations = models.ManyToManyField("contacts.Organization", related_name="items", blank=True)
    people = models.ManyToManyField("contacts.Person", related_name="items", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    # Folded title and reference, for the board's text filter (tandem.work.queries).
    search_text = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering: ClassVar = ["rank"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["board", "rank"], name="item_rank_unique_per_board"),
            models.CheckConstraint(
                condition=Q(state=ItemState.OPEN, closed_at__isnull=True)
                | Q(state=ItemState.CLOSED, closed_at__isnull=False),
                name="item_closed_at_iff_closed",
            ),
        ]
        indexes: ClassVar = [
            # estimate last: the column sums of a board are read from this index alone
            models.Index(fields=["board", "column", "rank", "estimate"], name="item_board_column_rank"),
            models.Index(fields=["board", "state", "rank"], name="item_board_state_rank"),
            models.Index(fields=["due_date"], condition=Q(state=ItemState.OPEN), name="item_open_due"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("work:item", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state == ItemState.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < timezone.localdate()


class ItemLink(models.Model):
    """Stored once, shown from both ends: `source` blocks (or relates to) `target`."""

    source = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=16, choices=LinkKind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="item_link_once"),
            models.CheckConstraint(condition=~Q(source=F("target")), name="item_link_not_to_itself"),
        ]
        indexes: ClassVar = [models.Index(fields=["target", "kind"], name="item_link_target_kind")]

    def __str__(self) -> str:
        return f"#{self.source_id} {self.kind} #{self.target_id}"


class Comment(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [models.Index(fields=["item", "created_at"], name="comment_item_at")]

    def __str__(self) -> str:
        return f"comment on #{self.item_id}"


def item_file_path(instance: ItemFile, filename: str) -> str:
    return f"items/{instance.item_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class ItemFile(models.Model):
    """A file on an item: uploaded on its page or through the API, or an attachment or inline image
    of the mail the item came from (tandem.mailgate). Served only through the item's page, to those
    who may see the item (tandem.work.views.item_file)."""

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), upload_to=item_file_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveBigIntegerField(default=0)
    inline = models.BooleanField(default=False)  # an image shown in the body of a mail
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("file")
        verbose_name_plural = _("files")
        ordering: ClassVar = ["uploaded_at", "id"]
        indexes: ClassVar = [models.Index(fields=["item", "uploaded_at"], name="item_file_item_at")]

    def __str__(self) -> str:
        return self.name


class SavedView(models.Model):
    """A user's named filter of a board, kept as the board page's query string."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering: ClassVar = ["name", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "board", "name"], name="saved_view_name_per_user_board")
        ]

    def __str__(self) -> str:
        return self.name
