"""Declarations cover nominations, not whole stages; blind stages can be unblinded for chairs by
the office; packs remember the entries they show.

A declaration made for a whole stage cannot say which entries it covered (entries brought
in later were shown without one), so earlier stage-wide declarations are not carried over:
each judge declares again for what is in their stages now. Their conflicts stay as they were.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def forget_stage_wide_declarations(apps, schema_editor):
    apps.get_model("judging", "ConflictDeclaration").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("judging", "0005_scorecard_total"),
        ("nominations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="conflictdeclaration", name="one_declaration_per_stage"),
        migrations.RunPython(forget_stage_wide_declarations, migrations.RunPython.noop),
        migrations.AddField(
            model_name="conflictdeclaration",
            name="nomination",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="declarations",
                to="nominations.nomination",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="conflictdeclaration",
            constraint=models.UniqueConstraint(
                fields=("stage", "judge", "nomination"), name="one_declaration_per_nomination"
            ),
        ),
        migrations.AddField(
            model_name="stage",
            name="unblinded_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="stage",
            name="unblinded_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="shortlistpack",
            name="entry_ids",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
    ]
