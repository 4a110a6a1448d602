"""Inbound mail into items: one pipeline for every way in.

The SMTP/LMTP listener, `tandem ingest-mail` and the IMAP poller only put messages into the spool
(`deliver`). The worker takes them from there (`process_waiting`) and `receive` decides, for each:

1. Unreadable (no message at all) → quarantined, with the reason.
2. An auto-reply, bounce or bulk mail → rejected: it never makes an item or a notification.
3. The route, from the envelope's recipients (else To and Cc): a signed reply address of a
   notification e-mail (tandem.mailgate.replies) → a comment by that user; an active address
   (MailAddress) → its board; else the catch-all address; else rejected.
4. The address's sender policy (anyone, known contacts and colleagues, the allowed domains). A
   colleague is someone whose From is a user's address *and verified* (tandem.mailgate.trust):
   unverified mail naming a colleague is an outsider's (no privileges, no threading by number into
   an item that does not know the address, no @mentions), and is marked "unverified sender".
5. The rate limit (TANDEM_MAIL_RATE an hour) → quarantined, to reprocess later. It counts the
   verified From, else the connecting client and the envelope's sender, so a forged From cannot
   spend someone else's quota. Replies to signed reply addresses count too.
6. A reply to an item of that board (In-Reply-To/References of its messages or of Tandem's
   notification e-mails, or `[#123]` in the subject) → a comment on it; otherwise a new item with
   the address's type, labels and assignee, linked to the sender's person and organization (an
   unknown sender becomes a person flagged for review).

Attachments and inline images become files on the item; those over the size limit are named in
the item's text. The raw message is kept in file storage and can be downloaded. A message is one
row whatever happens (its identity is unique), written with the item in one transaction, so the
same message delivered twice makes one item, and a failure leaves nothing half made.

The package: `inbound` (the ways in, the pipeline and its decisions), `compose` (what a message
makes: the comment or the item, its text and files), `outbound` (replies e-mailed from items and
receipts, sent by the worker) and `addresses` (the boards' addresses)."""

from tandem.mailgate.services.addresses import (
    ADDRESS_FIELDS,
    create_address,
    delete_address,
    update_address,
)
from tandem.mailgate.services.compose import reply_text
from tandem.mailgate.services.inbound import (
    FINAL,
    RECOVER_AFTER,
    deliver,
    message_html,
    process_waiting,
    receive,
    reprocess,
    spool,
)
from tandem.mailgate.services.outbound import email_reply, send_reply

__all__ = [
    "ADDRESS_FIELDS",
    "FINAL",
    "RECOVER_AFTER",
    "create_address",
    "delete_address",
    "deliver",
    "email_reply",
    "message_html",
    "process_waiting",
    "receive",
    "reply_text",
    "reprocess",
    "send_reply",
    "spool",
    "update_address",
]
