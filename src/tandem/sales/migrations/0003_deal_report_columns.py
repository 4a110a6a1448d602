from django.conf import settings
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery


def fill_report_columns(apps, schema_editor):
    """Closed deals are not open; won deals keep how long they took from creation to the win."""
    Deal = apps.get_model("sales", "Deal")
    Item = apps.get_model("work", "Item")
    Deal.objects.filter(item__state="closed").update(is_open=False)
    created = Subquery(Item.objects.filter(pk=OuterRef("item_id")).values("created_at")[:1])
    Deal.objects.filter(won_at__isnull=False).update(won_after=F("won_at") - created)


class Migration(migrations.Migration):

    dependencies = [
        ('contacts', '0004_partial_list_indexes'),
        ('sales', '0002_deal_activities'),
        ('work', '0003_column_sums_from_the_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='deal',
            name='deal_pipeline_close',
        ),
        migrations.AddField(
            model_name='deal',
            name='is_open',
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AddField(
            model_name='deal',
            name='won_after',
            field=models.DurationField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(fill_report_columns, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='deal',
            index=models.Index(fields=['pipeline', 'is_open', 'stage', 'currency', 'owner', 'value', 'probability'], name='deal_report_open'),
        ),
        migrations.AddIndex(
            model_name='deal',
            index=models.Index(fields=['pipeline', 'is_open', 'expected_close', 'currency', 'stage', 'owner', 'value', 'probability'], name='deal_report_forecast'),
        ),
        migrations.AddIndex(
            model_name='deal',
            index=models.Index(condition=models.Q(('won_at__isnull', False)), fields=['pipeline', 'owner', 'currency', 'won_at', 'value', 'won_after'], name='deal_report_won'),
        ),
        migrations.AddIndex(
            model_name='deal',
            index=models.Index(condition=models.Q(('lost_at__isnull', False)), fields=['pipeline', 'owner', 'lost_at'], name='deal_report_lost'),
        ),
    ]
