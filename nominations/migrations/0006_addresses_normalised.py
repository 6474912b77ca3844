"""Stored addresses in the one form of plaudit.addresses, so that lookups compare them exactly.

An address the rule refuses (a look-alike letter before the @) is kept stripped and in lower
case: it then finds nothing a valid address would, which is the point."""

from django.db import migrations

from plaudit.addresses import rewrite_stored


def forwards(apps, schema_editor):
    rewrite_stored(apps.get_model("nominations", "Nomination"), "nominator_email", "nominee_email")
    rewrite_stored(apps.get_model("nominations", "Endorsement"), "referee_email")


class Migration(migrations.Migration):
    dependencies = [("nominations", "0005_endorsements")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
