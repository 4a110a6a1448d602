"""Personal API tokens, sent as `Authorization: Bearer <token>`."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from tandem.accounts.models import User
from tandem.accounts.roles import Permission, can
from tandem.accounts.services import user_for_token


class BearerToken(HttpBearer):
    openapi_bearerFormat = "Tandem API token"
    openapi_description = (
        "A personal API token (from the profile menu, “API tokens”, or `tandem token create EMAIL`), "
        "sent as `Authorization: Bearer <token>`."
    )

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        # No, unknown, revoked tokens and deactivated users all look the same to the caller: 401.
        user = user_for_token(token.strip())
        if user is None or not can(user, Permission.USE_API):
            return None
        request.user = user
        # The same language the person chose for the web UI, as UserPreferencesMiddleware does there.
        translation.activate(user.language)
        return user


def acting_user(request: HttpRequest) -> User:
    """The user whose token authenticated this request."""
    user = getattr(request, "auth", None)
    if not isinstance(user, User):
        raise AuthenticationError()
    return user
