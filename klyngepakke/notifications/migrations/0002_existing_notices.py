"""Notices for what was told before notifications were one system, so nothing is told
twice: the follow-up e-mails already queued (cycle.FollowUpNotice), and the meeting
files already built (their coordinators had the rounds' pages, not an e-mail, but a
burst of "materials ready" e-mails for old rounds at deploy would only confuse)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Notice = apps.get_model("notifications", "Notice")
    FollowUpNotice = apps.get_model("cycle", "FollowUpNotice")
    MaterialFile = apps.get_model("materials", "MaterialFile")
    notices = [
        Notice(kind="follow_up_due", object_id=order_id, key="")
        for order_id in FollowUpNotice.objects.values_list("order_id", flat=True)
    ]
    notices += [
        Notice(kind="materials_ready", object_id=round_id, key="")
        for round_id in MaterialFile.objects.values_list("round_id", flat=True).distinct()
    ]
    Notice.objects.bulk_create(notices, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("cycle", "0001_initial"),
        ("materials", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
