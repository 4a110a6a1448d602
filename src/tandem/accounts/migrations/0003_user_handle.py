"""Mention handles for users: added empty, filled from each e-mail address, then made required and unique."""

from django.db import migrations, models


def fill_handles(apps, schema_editor):
    from tandem.accounts.models import handle_from

    User = apps.get_model("accounts", "User")
    taken: set[str] = set()
    for user in User.objects.order_by("id").only("id", "email"):
        base = handle_from(user.email)
        candidate, number = base, 1
        while candidate in taken:
            number += 1
            candidate = f"{base}{number}"
        taken.add(candidate)
        User.objects.filter(pk=user.pk).update(handle=candidate)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_password_reset_request")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="handle",
            field=models.CharField(max_length=40, null=True, verbose_name="handle"),
        ),
        migrations.RunPython(fill_handles, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="handle",
            field=models.CharField(
                help_text="Others mention you in comments as @handle.",
                max_length=40,
                unique=True,
                verbose_name="handle",
            ),
        ),
    ]
