"""The five Danish regions and their quality units. Names are editable in the admin."""

from django.db import migrations

REGIONS = [
    ("hovedstaden", "Region Hovedstaden", "Kvalitetsenheden for almen praksis i Region Hovedstaden"),
    ("sjaelland", "Region Sjælland", "Kvalitetsenheden for almen praksis i Region Sjælland"),
    ("syddanmark", "Region Syddanmark", "Kvalitetsenheden for almen praksis i Region Syddanmark"),
    ("midtjylland", "Region Midtjylland", "Kvalitetsenheden for almen praksis i Region Midtjylland"),
    ("nordjylland", "Region Nordjylland", "Kvalitetsenheden for almen praksis i Region Nordjylland"),
]


def add_regions(apps, schema_editor):
    Region = apps.get_model("registry", "Region")
    for code, name, unit in REGIONS:
        Region.objects.get_or_create(code=code, defaults={"name": name, "quality_unit": unit})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(add_regions, migrations.RunPython.noop)]
