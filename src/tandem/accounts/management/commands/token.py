"""`tandem token create EMAIL [--name NAME]`, `tandem token list EMAIL`, `tandem token revoke ID`:
personal API tokens from the command line, for scripts and first-time setup."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tandem.accounts import services
from tandem.accounts.models import ApiToken, User
from tandem.core.errors import ServiceError


def _user(email: str) -> User:
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(_("No user has the e-mail address %(email)s.") % {"email": email})
    return user


class Command(BaseCommand):
    help = "Create, list and revoke personal API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = actions.add_parser(
            "create", help="Create a token and print it (it is shown only this once)."
        )
        create.add_argument("email")
        create.add_argument("--name", default="command line", help="What the token is for.")
        listing = actions.add_parser("list", help="List a user's tokens (never the secrets).")
        listing.add_argument("email")
        revoke = actions.add_parser("revoke", help="Revoke a token by its id (see `tandem token list`).")
        revoke.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        {"create": self.create_token, "list": self.list_tokens, "revoke": self.revoke_token}[
            options["action"]
        ](options)

    def create_token(self, options: dict[str, Any]) -> None:
        user = _user(options["email"])
        if not user.is_active:
            raise CommandError(
                _("%(email)s is deactivated; reactivate the account first.") % {"email": user.email}
            )
        try:
            token, secret = services.create_api_token(user, name=options["name"])
        except ServiceError as exc:
            raise CommandError(exc.message) from None
        # The secret alone on stdout, so scripts can capture it; the explanation goes to stderr.
        self.stdout.write(secret)
        self.stderr.write(
            _("Token %(id)s (“%(name)s”) created for %(email)s. Copy it now: it is not shown again.")
            % {"id": token.pk, "name": token.name, "email": user.email}
        )

    def list_tokens(self, options: dict[str, Any]) -> None:
        user = _user(options["email"])
        tokens = ApiToken.objects.filter(user=user)
        if not tokens:
            self.stdout.write(_("%(email)s has no API tokens.") % {"email": user.email})
            return
        for token in tokens:
            status = (
                _("revoked %(at)s") % {"at": token.revoked_at.isoformat()}
                if token.revoked_at
                else _("active")
            )
            last_used = token.last_used_at.isoformat() if token.last_used_at else _("never used")
            self.stdout.write(
                f"{token.pk}\t{token.name}\t{token.prefix}…\t{token.created_at.isoformat()}\t{last_used}\t{status}"
            )

    def revoke_token(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=options["id"]).first()
        if token is None:
            raise CommandError(_("There is no API token with id %(id)s.") % {"id": options["id"]})
        if token.revoked_at is not None:
            self.stdout.write(_("Token %(id)s was already revoked.") % {"id": token.pk})
            return
        # Whoever runs the command administers the installation; it acts for the token's owner.
        services.revoke_api_token(token, by=token.user)
        self.stdout.write(
            _("Token %(id)s (“%(name)s”) of %(email)s is revoked.")
            % {"id": token.pk, "name": token.name, "email": token.user.email}
        )
