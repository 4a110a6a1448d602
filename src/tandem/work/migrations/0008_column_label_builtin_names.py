"""Columns and labels remember the name Tandem gave them (tandem.core.builtin_names), so it is
shown in the reader's language until someone renames it. Existing Open and Closed columns still
called by their default name (in any of Tandem's languages) get their key."""

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

DEFAULTS = {"open": "Open", "closed": "Closed"}


def _spellings(source: str) -> set[str]:
    names = {source}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(translation.gettext(source))
    return names


def mark_default_columns(apps, schema_editor):
    Column = apps.get_model("work", "Column")
    for kind, source in DEFAULTS.items():
        Column.objects.filter(kind=kind, name__in=_spellings(source)).update(builtin=kind)


class Migration(migrations.Migration):
    dependencies = [("work", "0007_board_default_assignee")]

    operations = [
        migrations.AddField(
            model_name="column",
            name="builtin",
            field=models.CharField(blank=True, default="", editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name="label",
            name="builtin",
            field=models.CharField(blank=True, default="", editable=False, max_length=20),
        ),
        migrations.RunPython(mark_default_columns, migrations.RunPython.noop),
    ]
