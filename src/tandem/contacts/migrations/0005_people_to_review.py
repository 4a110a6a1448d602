from django.db import migrations, models

from tandem.core.search import create_text_index, drop_text_index


def drop_person_text_index(apps, schema_editor):
    drop_text_index(schema_editor, "contacts_person")


def create_person_text_index(apps, schema_editor):
    create_text_index(schema_editor, "contacts_person")


class Migration(migrations.Migration):
    """SQLite adds this column by rebuilding the table, which drops the triggers that keep the
    people's text index; the index is dropped first and made again (and refilled) after."""

    dependencies = [
        ("contacts", "0004_partial_list_indexes"),
    ]

    operations = [
        migrations.RunPython(drop_person_text_index, create_person_text_index),
        migrations.AddField(
            model_name="person",
            name="review_note",
            field=models.CharField(blank=True, db_default="", default="", max_length=300, verbose_name="to review"),
        ),
        migrations.RunPython(create_person_text_index, drop_person_text_index),
    ]
