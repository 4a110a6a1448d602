"""Whom a reply e-mailed from an item may go to, and why each is offered.

The reply goes to the address the page shows the person replying, never to one a message named on
its own: by default the sender of the mail that made the item (its From, the address the item is
linked to), or else one of the item's people and organizations with an e-mail address. A Reply-To
that differs from its message's sender, and the sender of a later message whom the item does not
otherwise know, are offered too, labelled as such, but only ever as an explicit choice: a message
with a known From and `Reply-To: attacker@…` must not turn the next reply into mail to the
attacker while the page names the customer."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.contacts.models import EmailAddress
from tandem.mailgate import replies
from tandem.mailgate.models import InboundMessage, MailAddress, MessageStatus
from tandem.work.models import Item

SENDER = "sender"  # the From of the mail that made the item
CONTACT = "contact"  # an e-mail address of a person or an organization on the item
REPLY_TO = "reply_to"  # a message's Reply-To, not its sender's address
NEW_SENDER = "new_sender"  # the From of a later message, an address the item does not know otherwise
WHY = (SENDER, CONTACT, REPLY_TO, NEW_SENDER)


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str
    why: str
    label: str  # what the page shows, in words
    # the newest message from this address (or naming it as its Reply-To), which the reply answers
    answers: InboundMessage | None

    @property
    def default(self) -> bool:
        """Whether a reply goes here when no one chose: only a known address ever is."""
        return self.why in {SENDER, CONTACT}

    @property
    def shown(self) -> str:
        return _shown(self.name, self.address)


@dataclass(frozen=True)
class Recipients:
    choices: list[Recipient]
    # the board address the reply is sent from: that of the newest message through one still taking mail
    board_address: MailAddress | None

    @property
    def default(self) -> Recipient | None:
        return next((c for c in self.choices if c.default), None)

    def find(self, address: str) -> Recipient | None:
        wanted = address.strip().lower()
        return next((c for c in self.choices if c.address == wanted), None)

    def sent_from(self, recipient: Recipient | None) -> MailAddress | None:
        """The board address a reply to `recipient` goes from: the one their message came to, while
        it takes mail; else the newest such."""
        answered = recipient.answers if recipient is not None else None
        if answered is not None and answered.address is not None and answered.address.active:
            return answered.address
        return self.board_address


def _mail_of(item: Item) -> list[InboundMessage]:
    """The mail from outside that made or threaded into the item, newest first (a colleague's reply
    to a notification came through the reply address, which is no board's)."""
    return list(
        InboundMessage.objects.filter(
            item=item,
            status__in=[MessageStatus.PROCESSED, MessageStatus.THREADED],
            address__isnull=False,
        )
        .exclude(sender_email="")
        .select_related("address")
        .order_by("-received_at", "-id")
    )


def _when(message: InboundMessage) -> str:
    return formats.date_format(timezone.localtime(message.received_at), "SHORT_DATETIME_FORMAT")


def reply_recipients(item: Item) -> Recipients:
    """The addresses a reply from this item may go to, the default first; none when the item did
    not come by mail through an address that still takes mail (there is nothing to send from)."""
    mail = _mail_of(item)
    board_address = next((m.address for m in mail if m.address is not None and m.address.active), None)
    if board_address is None:
        return Recipients([], None)
    choices: dict[str, Recipient] = {}

    def answers(address: str) -> InboundMessage | None:
        return next((m for m in mail if address in {m.sender_email.lower(), m.reply_to.lower()}), None)

    made = next((m for m in reversed(mail) if m.status == MessageStatus.PROCESSED), None)
    if made is not None:
        address = made.sender_email.lower()
        choices[address] = Recipient(
            address,
            made.sender_name,
            SENDER,
            _("%(who)s, who sent the mail that made this item") % {"who": _shown(made.sender_name, address)},
            answers(address),
        )
    contacts = (
        EmailAddress.objects.filter(Q(person__items=item) | Q(organization__items=item))
        .select_related("person", "organization")
        .order_by("person_id", "organization_id", "-is_primary", "id")
        .distinct()
    )
    for contact in contacts:
        address = contact.email.lower()
        if address in choices:
            continue
        name = contact.person.full_name if contact.person else contact.organization.name  # type: ignore[union-attr]
        choices[address] = Recipient(
            address,
            name,
            CONTACT,
            _("%(who)s, a contact of this item") % {"who": _shown(name, address)},
            answers(address),
        )
    # never a colleague (their mail threads as theirs) nor Tandem's own addresses (a loop)
    named = {a.lower() for m in mail for a in (m.sender_email, m.reply_to) if a} - set(choices)
    ours = {
        *(
            e.lower()
            for e in User.objects.filter(email__in=named, is_active=True).values_list("email", flat=True)
        ),
        *MailAddress.objects.filter(address__in=named).values_list("address", flat=True),
        *(a for a in named if replies.is_reply_address(a)),
    }
    for message in mail:  # newest first: each address is named by the newest message that has it
        sender = message.sender_email.lower()
        if sender not in choices and sender not in ours:
            choices[sender] = Recipient(
                sender,
                message.sender_name,
                NEW_SENDER,
                _("Sender of the message of %(date)s: %(who)s (not the item's sender or a contact)")
                % {"date": _when(message), "who": _shown(message.sender_name, sender)},
                message,
            )
        reply_to = message.reply_to.lower()
        if reply_to and reply_to not in choices and reply_to not in ours:
            choices[reply_to] = Recipient(
                reply_to,
                "",
                REPLY_TO,
                _("Reply-To named by the message of %(date)s: %(address)s (not the sender)")
                % {"date": _when(message), "address": reply_to},
                message,
            )
    ordered = sorted(choices.values(), key=lambda c: WHY.index(c.why))  # stable: known ones first
    return Recipients(ordered, board_address)


def _shown(name: str, address: str) -> str:
    return f"{name} <{address}>" if name else address
