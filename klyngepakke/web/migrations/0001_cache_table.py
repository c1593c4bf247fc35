"""The database cache's table comes with the migrations.

The survey link's guessing throttle reads the cache on every link, so a deployment that
ran `migrate` but not `createcachetable` answered every survey link with 500. Django's
own command does the work: it creates the table of every database cache in CACHES and
skips a table that already exists, so this is harmless where it was made by hand.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [
        # Reversing leaves the table: it may well predate this migration.
        migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=False),
    ]
