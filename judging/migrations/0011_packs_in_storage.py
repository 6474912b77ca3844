"""Shortlist packs move from a database column to the private storage (plaudit/storage.py)."""

from django.db import migrations, models

import plaudit.storage


def packs_to_storage(apps, schema_editor):
    ShortlistPack = apps.get_model("judging", "ShortlistPack")
    for pack in ShortlistPack.objects.exclude(pdf_bytes=None).iterator(chunk_size=10):
        name = plaudit.storage.save_private(f"packs/pack-{pack.pk}.pdf", bytes(pack.pdf_bytes))
        ShortlistPack.objects.filter(pk=pack.pk).update(pdf=name)


def packs_to_database(apps, schema_editor):
    ShortlistPack = apps.get_model("judging", "ShortlistPack")
    for pack in ShortlistPack.objects.exclude(pdf="").iterator(chunk_size=10):
        with plaudit.storage.private_files.open(pack.pdf.name, "rb") as stored:
            ShortlistPack.objects.filter(pk=pack.pk).update(pdf_bytes=stored.read())


class Migration(migrations.Migration):
    dependencies = [("judging", "0010_comments_required")]

    operations = [
        migrations.RenameField("shortlistpack", "pdf", "pdf_bytes"),
        migrations.AddField(
            model_name="shortlistpack",
            name="pdf",
            field=models.FileField(
                blank=True, editable=False, storage=plaudit.storage.private_storage, upload_to="packs/%Y/%m/"
            ),
        ),
        migrations.RunPython(packs_to_storage, packs_to_database),
        migrations.RemoveField("shortlistpack", "pdf_bytes"),
    ]
