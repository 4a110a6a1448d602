"""Reads of people, teams and tokens that the pages and the API share: the lists with what they
prefetch, and the fetches that check who may see the record."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from tandem.accounts.models import ApiToken, Team, User
from tandem.accounts.roles import Permission, Role, can
from tandem.core.errors import NotFound


def users_with_teams() -> QuerySet[User]:
    """Every account with its teams (by name), in the API's order."""
    return User.objects.prefetch_related(Prefetch("teams", queryset=Team.objects.order_by("name"))).order_by(
        "full_name", "email", "id"
    )


def directory(viewer: User, *, team: Team | None = None, role: Role | str | None = None) -> QuerySet[User]:
    """The team directory as `viewer` sees it: people, not Tandem's system accounts; deactivated
    accounts only for those who manage users."""
    users = User.objects.filter(is_system=False).prefetch_related("teams")
    if not can(viewer, Permission.MANAGE_USERS):
        users = users.filter(is_active=True)  # deactivated accounts matter only to admins
    if team is not None:
        users = users.filter(teams=team)
    if role:
        users = users.filter(role=role)
    return users


def teams() -> QuerySet[Team]:
    return Team.objects.order_by("name", "id")


def teams_with_member_counts() -> QuerySet[Team]:
    """Teams with how many active members each has (the directory's filter)."""
    return Team.objects.annotate(member_count=Count("members", filter=Q(members__is_active=True)))


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """A user's own tokens, revoked ones included, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def get_token_for_user(user: User, pk: int) -> ApiToken:
    """One of `user`'s tokens (admins: anyone's); any other is not found."""
    token = ApiToken.objects.filter(pk=pk).first()
    if token is None or (token.user_id != user.pk and not can(user, Permission.MANAGE_USERS)):
        raise NotFound(_("Not found."))
    return token
