from django.db import migrations, models


def existing_are_published(apps, schema_editor):
    # Programmes and awards made before statuses existed were public the moment they were saved:
    # they stay public. From now on new ones start as drafts.
    apps.get_model("awards", "Programme").objects.update(status="published")
    apps.get_model("awards", "Award").objects.update(status="published")


class Migration(migrations.Migration):
    dependencies = [("awards", "0003_reference_help")]

    operations = [
        migrations.AddField(
            model_name="programme",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("published", "Published"), ("closed", "Closed")],
                default="draft",
                editable=False,
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="programme",
            name="publish_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="award",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("published", "Published"), ("closed", "Closed")],
                default="draft",
                editable=False,
                max_length=10,
            ),
        ),
        migrations.RunPython(existing_are_published, migrations.RunPython.noop),
    ]
