"""System checks of the mail gateway's settings, so a wrong one stops `tandem check` and the start
of every process instead of failing each job later."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from tandem.mailgate.replies import parts


@register()
def mail_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    from tandem.mailgate.imap import parse_url

    errors = []
    if settings.TANDEM_MAIL_IMAP:
        try:
            parse_url(settings.TANDEM_MAIL_IMAP)
        except ValueError as error:
            errors.append(Error(f"TANDEM_MAIL_IMAP: {error}", id="tandem.E101"))
    if settings.TANDEM_MAIL_REPLY_ADDRESS:
        local, domain = parts()
        if not local or "." not in domain or "+" in local:
            errors.append(
                Error(
                    "TANDEM_MAIL_REPLY_ADDRESS must be an address such as reply@crm.example.com "
                    "(without a +tag: Tandem adds one for each reply).",
                    id="tandem.E102",
                )
            )
    return errors
