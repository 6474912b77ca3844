"""Stored addresses in the one form of plaudit.addresses, so that lookups compare them exactly.

An address the rule refuses (a look-alike letter before the @) is kept stripped and in lower
case: it then finds nothing a valid address would, which is the point."""

from django.db import migrations

from plaudit.addresses import normalised_or_none


def _normalise(model, *fields):
    for row in model.objects.only("pk", *fields).iterator(chunk_size=2000):
        changed = {}
        for field in fields:
            value = getattr(row, field) or ""
            if value:
                new = normalised_or_none(value) or value.strip().lower()
                if new != value:
                    changed[field] = new
        if changed:
            model.objects.filter(pk=row.pk).update(**changed)


def forwards(apps, schema_editor):
    _normalise(apps.get_model("nominations", "Nomination"), "nominator_email", "nominee_email")
    _normalise(apps.get_model("nominations", "Endorsement"), "referee_email")


class Migration(migrations.Migration):
    dependencies = [("nominations", "0005_endorsements")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
