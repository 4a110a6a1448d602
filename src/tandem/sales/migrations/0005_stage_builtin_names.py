"""Stages remember the name Tandem gave them (Won, Lost, the demo's Lead … Negotiation), so it is
shown in the reader's language until someone renames it; their labels and columns get the same key.
Existing stages still called by such a name (in any of Tandem's languages) get it, and a deal's
person with the role a qualified lead gives ("contact", as it was stored in the converter's
language) gets the role's stored key."""

from django.conf import settings
from django.db import migrations, models
from django.utils import translation

DEFAULTS = {
    "lead": ("Lead", "open"),
    "qualified": ("Qualified", "open"),
    "proposal": ("Proposal", "open"),
    "negotiation": ("Negotiation", "open"),
    "won": ("Won", "won"),
    "lost": ("Lost", "lost"),
}


def _spellings(source: str) -> set[str]:
    names = {source}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(translation.gettext(source))
    return names


def mark_default_stages(apps, schema_editor):
    Stage = apps.get_model("sales", "Stage")
    Label = apps.get_model("work", "Label")
    Column = apps.get_model("work", "Column")
    DealContact = apps.get_model("sales", "DealContact")
    for key, (source, kind) in DEFAULTS.items():
        stages = Stage.objects.filter(kind=kind, name__in=_spellings(source))
        label_ids = list(stages.values_list("label_id", flat=True))
        stages.update(builtin=key)
        Label.objects.filter(pk__in=label_ids).update(builtin=key)
        Column.objects.filter(label_id__in=label_ids, name__in=_spellings(source)).update(builtin=key)
    DealContact.objects.filter(role__in=_spellings("contact")).update(role="contact")


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0004_pipeline_close_won_deals"),
        ("work", "0008_column_label_builtin_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="stage",
            name="builtin",
            field=models.CharField(blank=True, default="", editable=False, max_length=20),
        ),
        migrations.RunPython(mark_default_stages, migrations.RunPython.noop),
    ]
