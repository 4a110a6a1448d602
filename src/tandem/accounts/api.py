"""/api/v1/users, /teams, /me and /tokens. The directory is read-only over the API; users are
invited and managed in the web UI."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from tandem.accounts import queries, services
from tandem.accounts.auth import acting_user
from tandem.accounts.models import User
from tandem.accounts.roles import Permission, can
from tandem.accounts.schemas import MeOut, NewTokenOut, TeamOut, TokenIn, TokenOut, UserOut
from tandem.core.api.errors import errors
from tandem.core.api.pagination import Page, PageParams, paginate
from tandem.core.api.types import PathId
from tandem.core.errors import NotFound

directory = Router(tags=["Users and teams"])
tokens = Router(tags=["API tokens"])


def _directory_user(request: HttpRequest) -> User:
    user = acting_user(request)
    if not can(user, Permission.VIEW_PEOPLE_DIRECTORY):
        raise NotFound(_("Not found."))
    return user


@directory.get("/me", response={200: MeOut, **errors()})
def me(request: HttpRequest) -> User:
    """The user the token belongs to, with what their role allows."""
    return queries.users_with_teams().get(pk=acting_user(request).pk)


@directory.get("/users", response={200: Page[UserOut], **errors()})
def list_users(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    _directory_user(request)
    return paginate(
        queries.users_with_teams().filter(is_system=False), page
    )  # as the team directory: people only


@directory.get("/users/{id}", response={200: UserOut, **errors(404)})
def get_user(request: HttpRequest, id: PathId) -> User:
    _directory_user(request)
    user = queries.users_with_teams().filter(pk=id).first()
    if user is None:
        raise NotFound(_("Not found."))
    return user


@directory.get("/teams", response={200: Page[TeamOut], **errors()})
def list_teams(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    _directory_user(request)
    return paginate(queries.teams(), page)


# --- Tokens -----------------------------------------------------------------------------------


@tokens.get("", response={200: Page[TokenOut], **errors()})
def list_tokens(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Your own tokens, revoked ones included. The secrets are never shown again."""
    return paginate(queries.tokens_of(acting_user(request)), page)


@tokens.post("", response={201: NewTokenOut, **errors(403)})
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    """The answer carries the secret in `token`: store it now, Tandem shows it only this once."""
    token, secret = services.create_api_token(acting_user(request), name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).model_dump(), "token": secret})


@tokens.delete("/{id}", response={204: None, **errors(404)})
def revoke_token(request: HttpRequest, id: PathId) -> Status[None]:
    """Revoke one of your tokens (admins: anyone's). Requests with it answer 401 from now on."""
    user = acting_user(request)
    services.revoke_api_token(queries.get_token_for_user(user, id), by=user)
    return Status(204, None)
