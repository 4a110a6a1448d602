"""The `tandem` console command: Django's management commands plus Tandem's own
(`tandem demo`, `tandem serve`, `tandem seed-demo`, `tandem token create EMAIL`, ...)."""

from __future__ import annotations

import os
import sys

ALIASES = {
    "seed-demo": "seed_demo",
    "mail-listen": "mail_listen",
    "ingest-mail": "ingest_mail",
    "poll-imap": "poll_imap",
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "tandem"
    if len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
