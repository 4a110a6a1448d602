"""`tandem messages`: brings the translation catalogues (src/tandem/locale/<lang>/LC_MESSAGES/
django.po) up to date with the strings in the code and templates, and compiles them (django.mo,
kept in the repository so a fresh install needs no GNU gettext). `--check` changes nothing and
fails when a string is missing from a catalogue, untranslated or fuzzy, or when a compiled catalogue
is older than its text. Needs GNU gettext (Debian's `gettext`) on the translator's machine."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

# what makemessages reads: the code and the templates, never the migrations (their verbose names
# are the models' own, read from the models)
IGNORED = ["migrations/*", "static/*", "locale/*"]


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE.split("-")[0]]


def catalogue(root: Path, language: str) -> Path:
    return root / "locale" / language / "LC_MESSAGES" / "django.po"


def extract(root: Path, language: str) -> None:
    """Run makemessages inside `root` (the tandem package, or a copy of it)."""
    here = Path.cwd()
    os.chdir(root)
    try:
        call_command(
            "makemessages",
            locale=[language],
            ignore_patterns=IGNORED,
            add_location="file",
            no_obsolete=True,
            verbosity=0,
        )
    finally:
        os.chdir(here)


def problems(po: Path) -> list[str]:
    """What is wrong with a catalogue: untranslated or fuzzy entries, and msgfmt's checks of the
    placeholders (python-format) and the header."""
    found = []
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LC_ALL": "C"},
    )
    if result.returncode:
        found.append(result.stderr.strip())
    statistics = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
    if "untranslated" in statistics or "fuzzy" in statistics:
        found.append(f"{po}: {statistics}")
    return found


class Command(BaseCommand):
    help = "Update and compile the translation catalogues, or check them (--check)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="change nothing; fail when a catalogue is behind"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if shutil.which("msgfmt") is None or shutil.which("xgettext") is None:
            raise CommandError("GNU gettext is needed (Debian: apt-get install gettext).")
        package = Path(settings.PACKAGE_DIR)
        if options["check"]:
            self._check(package)
            return
        for language in languages():
            catalogue(package, language).parent.mkdir(parents=True, exist_ok=True)
            extract(package, language)
        call_command("compilemessages", locale=languages(), verbosity=0)
        for language in languages():
            for problem in problems(catalogue(package, language)):
                self.stderr.write(problem)
            self.stdout.write(f"{catalogue(package, language).relative_to(package.parent)} updated")

    def _check(self, package: Path) -> None:
        found: list[str] = []
        with tempfile.TemporaryDirectory() as scratch:
            copy = Path(scratch) / "tandem"
            shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "static"))
            for language in languages():
                kept = catalogue(package, language)
                if not kept.exists():
                    found.append(f"{kept} is missing: run `tandem messages`.")
                    continue
                extract(copy, language)
                # the code's strings, each "translated" as itself by msgen, against the kept ones
                every = Path(scratch) / "every.po"
                subprocess.run(["msgen", "-o", str(every), str(catalogue(copy, language))], check=True)
                compiled = compile_to(kept, Path(scratch) / "kept.mo")
                missing = sorted(msgids(compile_to(every, Path(scratch) / "every.mo")) - msgids(compiled))
                if missing:
                    shown = "; ".join(repr(m) for m in missing[:5])
                    found.append(
                        f"{kept} does not translate {len(missing)} of the code's strings ({shown}"
                        f"{' ...' if len(missing) > 5 else ''}): run `tandem messages` and translate them."
                    )
                found.extend(problems(kept))
                committed = kept.with_suffix(".mo")
                if not committed.exists() or committed.read_bytes() != compiled.read_bytes():
                    found.append(f"{committed} is not compiled from {kept.name}: run `tandem messages`.")
        if found:
            raise CommandError("\n".join(found))
        self.stdout.write("The translation catalogues are complete and compiled.")


def compile_to(po: Path, mo: Path) -> Path:
    """`po` compiled by msgfmt into `mo`, as `compilemessages` compiles it."""
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
    return mo


def msgids(mo: Path) -> set[str]:
    """The msgids a compiled catalogue translates, as gettext reads them (a context joined with
    \\x04, as gettext keys it)."""
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    return {key[0] if isinstance(key, tuple) else key for key in catalog} - {""}
