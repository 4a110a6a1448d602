"""Comments on items, in Markdown: their @mentions make watchers and notify the people named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.services import record
from tandem.core.errors import InvalidInput, NotAllowed
from tandem.core.locking import lock_version
from tandem.work import markdown
from tandem.work.models import Comment, Item
from tandem.work.queries import require_visible
from tandem.work.verbs import WorkVerb


def _mentioned_users(body: str) -> list[User]:
    handles = markdown.find_mentions(body)
    if not handles:
        return []
    return list(User.objects.filter(handle__in=handles, is_active=True))


def add_comment(item: Item, *, by: User, body: str) -> Comment:
    """A Markdown comment. The author and everyone it @mentions become watchers of the item. What a
    system account writes (mail from outside, through the gateway) mentions nobody: a stranger's
    e-mail cannot page a colleague by writing their @handle."""
    require(by, Permission.EDIT_WORK)
    require_visible(by, item)
    text = str(body or "").strip()
    if not text:
        raise InvalidInput(_("Write a comment first."), field="body")
    if len(text) > 50_000:
        raise InvalidInput(_("A comment has at most 50,000 characters."), field="body")
    with transaction.atomic():
        current = lock_version(Item, item.pk, None)
        comment = Comment.objects.create(item=current, author=by, body=text)
        mentioned = [] if by.is_system else _mentioned_users(text)
        current.watchers.add(*([] if by.is_system else [by]), *mentioned)
        Item.objects.filter(pk=current.pk).update(updated_at=timezone.now())
        record(
            by=by,
            verb=WorkVerb.COMMENTED,
            target=current,
            changes={
                "comment": comment.pk,
                "excerpt": markdown.excerpt(text, 120),
                **_mention_hint(mentioned),
            },
        )
    return comment


def _mention_hint(users: Sequence[User]) -> dict[str, Any]:
    """Who a comment mentions, by id, for the notifications."""
    return {"_users": {"mentioned": sorted(u.pk for u in users)}} if users else {}


def edit_comment(comment: Comment, *, by: User, body: str) -> Comment:
    """Only the author edits a comment (admins may too); newly mentioned users become watchers."""
    require(by, Permission.EDIT_WORK)
    require_visible(by, comment.item)
    _require_author(comment, by)
    text = str(body or "").strip()
    if not text:
        raise InvalidInput(_("Write a comment first."), field="body")
    with transaction.atomic():
        old = comment.body
        comment.body = text
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        mentioned = _mentioned_users(text)
        comment.item.watchers.add(*mentioned)
        if old != text:
            before = set(markdown.find_mentions(old))
            newly = [u for u in mentioned if u.handle not in before]
            record(
                by=by,
                verb=WorkVerb.EDITED_COMMENT,
                target=comment.item,
                changes={"excerpt": text[:120], "body": [old, text], **_mention_hint(newly)},
            )
    return comment


def delete_comment(comment: Comment, *, by: User) -> None:
    require(by, Permission.EDIT_WORK)
    require_visible(by, comment.item)
    _require_author(comment, by)
    with transaction.atomic():
        record(
            by=by,
            verb=WorkVerb.DELETED_COMMENT,
            target=comment.item,
            changes={"excerpt": markdown.excerpt(comment.body, 120)},
        )
        comment.delete()


def _require_author(comment: Comment, by: User) -> None:
    if comment.author_id != by.pk and not by.is_staff:
        raise NotAllowed(_("Only the author may change a comment."))
