"""The database cache's table (rate limits count in it across web processes), made by `migrate`
so that migrate is the whole database step: without it the first nomination was a server error
("no such table: plaudit_cache") until `createcachetable` had been run by hand."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # Creates the table of every database cache in CACHES that is missing (none if the cache is elsewhere).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("plaudit", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
