from django.db import migrations, models


def drop_plain_drafts(apps, schema_editor):
    # Drafts saved before sealing are named answers in clear and cannot be sealed
    # without the respondents' link tokens (never stored): they are dropped. Those
    # respondents start their questionnaire again; nothing submitted is touched.
    apps.get_model("surveys", "PartialAnswers").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0003_response_mixed"),
    ]

    operations = [
        migrations.RunPython(drop_plain_drafts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="partialanswers", name="answers"),
        migrations.AddField(
            model_name="partialanswers",
            name="sealed",
            field=models.BinaryField(default=b""),
            preserve_default=False,
        ),
    ]
