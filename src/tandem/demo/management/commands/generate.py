"""`tandem generate --scale S|M|L`: deterministic benchmark data (organizations, people, history,
boards and work items).

The same seed always gives the same rows; running a scale again adds nothing, and a larger scale
after a smaller one adds only the missing rows. Meant for a benchmark or test installation that
nobody else writes to while it runs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tandem.demo.generate.agenda import calendar_until, generate_agenda
from tandem.demo.generate.runner import GenerationError, generate
from tandem.demo.generate.scales import SCALES

DEFAULT_SEED = "20261124"


class Command(BaseCommand):
    help = (
        "Generate benchmark data: S = 10k people, M = 100k, L = 1M (with 2k/20k/200k organizations, "
        "50k/500k/5M history rows and 10k/100k/1M work items on four boards). Deterministic, resumable, idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), default="S", type=str.upper)
        parser.add_argument("--seed", default=DEFAULT_SEED, help="Same seed, same data.")
        parser.add_argument("--organizations", type=int, help="Override the scale's organization count.")
        parser.add_argument("--people", type=int, help="Override the scale's people count.")
        parser.add_argument(
            "--history",
            type=int,
            help="Override the scale's history count (at least one per organization and person).",
        )
        parser.add_argument("--items", type=int, help="Override the scale's work item count.")
        parser.add_argument(
            "--events",
            type=int,
            default=0,
            help="Also generate this many calendar events (series count once) for a team of --team-size users.",
        )
        parser.add_argument("--team-size", type=int, default=200, help="The calendar team's size (200).")
        parser.add_argument(
            "--quiet", action="store_true", help="No progress bar (-v 0 hides the summary too)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = SCALES[options["scale"]].with_overrides(
            organizations=options["organizations"],
            people=options["people"],
            history=options["history"],
            items=options["items"],
        )
        # The progress bar draws itself: no colour and no line ending added by Django's wrapper.
        self.stderr.style_func, self.stderr.ending = None, ""
        try:
            result = generate(
                sizes, seed=str(options["seed"]), stream=None if options["quiet"] else self.stderr
            )
        except GenerationError as exc:
            raise CommandError(str(exc)) from None
        finally:
            self.stderr.style_func, self.stderr.ending = self.style.ERROR, "\n"
        if options["events"] > 0:
            self._agenda(options)
        if options["verbosity"] == 0:
            return
        if not result.rows:
            self.stdout.write(_("Nothing to add: the database already holds this data set."))
            return
        rate = result.rows / result.seconds if result.seconds else 0
        self.stdout.write(
            _("Generated %(rows)s rows in %(seconds).1f s (%(rate)s rows/s):")
            % {"rows": f"{result.rows:,}", "seconds": result.seconds, "rate": f"{rate:,.0f}"}
        )
        width = max(len(name) for name in result.inserted)
        for name, count in result.inserted.items():
            self.stdout.write(f"  {name:<{width}}  {count:>12,}")

    def _agenda(self, options: dict[str, Any]) -> None:
        if options["team_size"] < 1:
            raise CommandError(_("The calendar team needs at least one user."))
        self.stderr.style_func, self.stderr.ending = None, ""
        try:
            inserted = generate_agenda(
                options["events"],
                team_size=options["team_size"],
                seed=str(options["seed"]),
                until=calendar_until(),
                stream=None if options["quiet"] else self.stderr,
            )
        finally:
            self.stderr.style_func, self.stderr.ending = self.style.ERROR, "\n"
        if options["verbosity"] and inserted:
            for name, count in inserted.items():
                self.stdout.write(f"  {name:<20}  {count:>12,}")
