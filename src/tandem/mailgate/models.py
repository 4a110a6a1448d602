"""The mail gateway's records: the addresses that lead to boards, and every message received.

Writes go through `tandem.mailgate.services`."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.text import latin_commas
from tandem.work.models import ItemType


class SenderPolicy(models.TextChoices):
    ANYONE = "anyone", _("Anyone")
    KNOWN = "known", _("Known contacts and colleagues")
    DOMAIN = "domain", _("Addresses at the allowed domains")


class MailAddress(models.Model):
    """Mail to `address` becomes an item on `board`, with these defaults. The catch-all address
    (at most one) takes mail for any address no other one has; without it, such mail is refused."""

    address = models.CharField(_("address"), max_length=254, unique=True)
    board = models.ForeignKey("work.Board", on_delete=models.PROTECT, related_name="mail_addresses")
    item_type = models.CharField(_("item type"), max_length=16, choices=ItemType.choices, blank=True)
    labels = models.ManyToManyField("work.Label", blank=True, related_name="+", verbose_name=_("labels"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assignee"),
    )
    senders = models.CharField(
        _("who may write"), max_length=8, choices=SenderPolicy.choices, default=SenderPolicy.ANYONE
    )
    domains = models.CharField(
        _("allowed domains"),
        max_length=500,
        blank=True,
        help_text=_("Separated by commas or spaces; empty means the address's own domain."),
    )
    catch_all = models.BooleanField(_("catch-all"), default=False)
    acknowledge = models.BooleanField(
        _("confirm receipt"),
        default=False,
        help_text=_("Tell the sender of each new item its number (never for automatic mail)."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("mail address")
        verbose_name_plural = _("mail addresses")
        ordering: ClassVar = ["address"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["catch_all"], condition=Q(catch_all=True), name="one_catch_all")
        ]

    def __str__(self) -> str:
        return self.address

    def allowed_domains(self) -> set[str]:
        named = {d.strip().lower().lstrip("@") for d in latin_commas(self.domains).replace(",", " ").split()}
        return {d for d in named if d} or {self.address.rpartition("@")[2].lower()}


class MessageStatus(models.TextChoices):
    RECEIVED = "received", _("Received")  # in the spool's care, not yet made into anything
    PROCESSED = "processed", _("Made an item")
    THREADED = "threaded", _("Added to an item")
    QUARANTINED = "quarantined", _("Quarantined")
    REJECTED = "rejected", _("Rejected")


class InboundMessage(models.Model):
    """One received message, whatever became of it. `identity` (the Message-ID, else the sha256 of
    the bytes) is unique: the same message delivered twice is one row and one item."""

    identity = models.CharField(max_length=300, unique=True)
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    # the thread it named (References, the last 20), for a reply from the item to carry on
    references = models.TextField(blank=True)
    spool_name = models.CharField(max_length=200, blank=True)
    via = models.CharField(max_length=16, blank=True)  # smtp, lmtp, ingest-mail, imap
    envelope_from = models.CharField(max_length=254, blank=True)
    recipients = models.JSONField(default=list, blank=True)
    address = models.ForeignKey(
        MailAddress, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    sender_email = models.CharField(_("sender"), max_length=254, blank=True, db_index=True)
    sender_name = models.CharField(max_length=200, blank=True)
    reply_to = models.CharField(max_length=254, blank=True)  # the message's Reply-To, when not its From
    # whether the From's domain vouched for it (DMARC/DKIM, tandem.mailgate.trust), and how or why not
    sender_verified = models.BooleanField(_("sender verified"), default=False)
    verification = models.CharField(max_length=200, blank=True)
    peer = models.CharField(max_length=64, blank=True)  # the connecting client's IP address (SMTP/LMTP)
    # what the rate limit counts by: the verified From, else the peer and the envelope's sender
    rate_key = models.CharField(max_length=400, blank=True)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=MessageStatus.choices, default=MessageStatus.RECEIVED
    )
    reason = models.TextField(_("reason"), blank=True)
    automatic = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    raw = models.FileField(upload_to="mail/%Y/%m/", max_length=300, blank=True)
    has_html = models.BooleanField(default=False)  # it has an HTML part, shown sanitised on request
    item = models.ForeignKey(
        "work.Item", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_messages"
    )
    comment = models.ForeignKey(
        "work.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        "contacts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organization = models.ForeignKey(
        "contacts.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("received message")
        verbose_name_plural = _("received messages")
        ordering: ClassVar = ["-received_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["status", "received_at"], name="inbound_status_at"),
            models.Index(fields=["sender_email", "received_at"], name="inbound_sender_at"),
            models.Index(fields=["item", "received_at"], name="inbound_item_at"),
            models.Index(fields=["rate_key", "processed_at"], name="inbound_rate_at"),
        ]

    def __str__(self) -> str:
        return self.subject or self.identity


class SentStatus(models.TextChoices):
    PENDING = "pending", _("Sending")
    SENT = "sent", _("Sent")


class SentMessage(models.Model):
    """A reply e-mailed from an item to the person whose mail made it, from the board's address.
    Its Message-ID is kept so that their answer threads back into the item."""

    item = models.ForeignKey("work.Item", on_delete=models.CASCADE, related_name="sent_messages")
    comment = models.ForeignKey(
        "work.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message_id = models.CharField(max_length=300, unique=True)
    in_reply_to = models.CharField(max_length=300, blank=True)
    references = models.TextField(blank=True)
    from_address = models.CharField(max_length=1000)  # the board's name, encoded, and its address
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=500)
    body = models.TextField()
    # a receipt Tandem sent by itself (Auto-Submitted: auto-replied), not a person's reply
    automatic = models.BooleanField(default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=8, choices=SentStatus.choices, default=SentStatus.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("sent reply")
        verbose_name_plural = _("sent replies")
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [models.Index(fields=["item", "created_at"], name="sent_item_at")]

    def __str__(self) -> str:
        return self.subject
