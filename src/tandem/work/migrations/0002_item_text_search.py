"""The substring index behind the board's text filter (see tandem.core.search)."""

from django.db import migrations

from tandem.core.search import create_text_index, drop_text_index


def create(apps, schema_editor):
    create_text_index(schema_editor, "work_item")


def drop(apps, schema_editor):
    drop_text_index(schema_editor, "work_item")


class Migration(migrations.Migration):
    dependencies = [("work", "0001_boards_and_items")]

    operations = [migrations.RunPython(create, drop)]
