"""Roles and what each may do. This table is the single source of truth: services call
`require(user, Permission.X)`; templates ask `can(user, "x")`; docs/architecture.md repeats it."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.errors import NotAllowed

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    MEMBER = "member", _("Member")
    GUEST = "guest", _("Guest (read-only)")


class Permission(StrEnum):
    VIEW_CUSTOMERS = "view_customers"
    EDIT_CUSTOMERS = "edit_customers"  # create and edit organizations and people
    ARCHIVE_CUSTOMERS = "archive_customers"  # archive, restore, merge
    VIEW_PEOPLE_DIRECTORY = "view_directory"  # users and teams
    MANAGE_USERS = "manage_users"  # invite, deactivate, change roles and teams
    USE_API = "use_api"  # own personal API tokens
    VIEW_WORK = "view_work"  # boards and items
    EDIT_WORK = "edit_work"  # create, edit, move, link, close and comment on items
    MANAGE_BOARDS = "manage_boards"  # create and change boards, columns and labels
    EXPORT_HISTORY = "export_history"  # download the whole history (admins)
    MANAGE_MAIL = "manage_mail"  # read all received mail, reprocess quarantined mail (admins)
    READ_MAIL = "read_mail"  # an item's received mail as sent: the raw .eml and its HTML (not guests)
    EDIT_EVENTS = "edit_events"  # schedule, change and answer events on the calendars one may write to
    MANAGE_CALENDARS = "manage_calendars"  # create and change team calendars and resources (rooms)


GRANTS: dict[str, frozenset[Permission]] = {
    Role.GUEST: frozenset(
        {
            Permission.VIEW_CUSTOMERS,
            Permission.VIEW_PEOPLE_DIRECTORY,
            Permission.USE_API,
            Permission.VIEW_WORK,
        }
    ),
    Role.MEMBER: frozenset(
        {
            Permission.VIEW_CUSTOMERS,
            Permission.EDIT_CUSTOMERS,
            Permission.VIEW_PEOPLE_DIRECTORY,
            Permission.USE_API,
            Permission.VIEW_WORK,
            Permission.EDIT_WORK,
            Permission.READ_MAIL,
            Permission.EDIT_EVENTS,
        }
    ),
    Role.MANAGER: frozenset(
        {
            Permission.VIEW_CUSTOMERS,
            Permission.EDIT_CUSTOMERS,
            Permission.ARCHIVE_CUSTOMERS,
            Permission.VIEW_PEOPLE_DIRECTORY,
            Permission.USE_API,
            Permission.VIEW_WORK,
            Permission.EDIT_WORK,
            Permission.MANAGE_BOARDS,
            Permission.READ_MAIL,
            Permission.EDIT_EVENTS,
            Permission.MANAGE_CALENDARS,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}


def can(user: User | AnonymousUser | None, permission: Permission | str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if not user.is_active and not getattr(user, "is_system", False):
        return False
    role = getattr(user, "role", None)
    return Permission(permission) in GRANTS.get(role or "", frozenset())


def require(user: User | AnonymousUser | None, permission: Permission) -> None:
    if not can(user, permission):
        raise NotAllowed(str(_("Your role does not allow this.")))
