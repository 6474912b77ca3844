"""An award's revision, moved on by the database whenever its sections, questions or criteria
change (by any code path: the office's pages, an import, the admin, a queryset update, a bulk
write), in the same transaction, and never moved back (an award saved from an older copy keeps
the newer revision). What is kept of an award's definition is keyed by it (awards.definitions).

Each change moves it on by 1 plus a random step of up to 2^32, not by 1: a database restored
from a backup takes revisions back, and the changes made after it must not land on numbers a
running process has already kept a different definition under.
"""

import secrets

from django.db import migrations, models

import awards.models

DEFINITION_TABLES = ("awards_section", "awards_question", "awards_criterion")
PG_STEP = "1 + floor(random() * 4294967296)::bigint"
SQLITE_STEP = "1 + (random() & 4294967295)"

POSTGRESQL = (
    """
CREATE OR REPLACE FUNCTION awards_definition_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE awards_award SET revision = revision + {PG_STEP} WHERE id = OLD.award_id;
        RETURN NULL;
    END IF;
    UPDATE awards_award SET revision = revision + {PG_STEP} WHERE id = NEW.award_id;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.award_id <> NEW.award_id THEN
            UPDATE awards_award SET revision = revision + {PG_STEP} WHERE id = OLD.award_id;
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION awards_revision_kept() RETURNS trigger AS $$
BEGIN
    IF NEW.revision < OLD.revision THEN
        NEW.revision := OLD.revision;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER awards_revision_kept BEFORE UPDATE ON awards_award
    FOR EACH ROW EXECUTE FUNCTION awards_revision_kept();
""".replace("{PG_STEP}", PG_STEP)
    + "".join(
        f"""
CREATE TRIGGER {table}_revision AFTER INSERT OR UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION awards_definition_changed();
"""
        for table in DEFINITION_TABLES
    )
)

POSTGRESQL_DROP = "".join(f"DROP TRIGGER IF EXISTS {table}_revision ON {table};\n" for table in DEFINITION_TABLES) + (
    "DROP TRIGGER IF EXISTS awards_revision_kept ON awards_award;\n"
    "DROP FUNCTION IF EXISTS awards_definition_changed();\n"
    "DROP FUNCTION IF EXISTS awards_revision_kept();\n"
)

# SQLite: one trigger per event; an AFTER UPDATE trigger puts back a revision moved backwards
# (SQLite's triggers cannot change NEW, and do not fire themselves again).
SQLITE = [
    statement
    for table in DEFINITION_TABLES
    for statement in (
        f"CREATE TRIGGER {table}_revision_insert AFTER INSERT ON {table} BEGIN "
        f"UPDATE awards_award SET revision = revision + {SQLITE_STEP} WHERE id = NEW.award_id; END",
        f"CREATE TRIGGER {table}_revision_update AFTER UPDATE ON {table} BEGIN "
        f"UPDATE awards_award SET revision = revision + {SQLITE_STEP} WHERE id IN (OLD.award_id, NEW.award_id); END",
        f"CREATE TRIGGER {table}_revision_delete AFTER DELETE ON {table} BEGIN "
        f"UPDATE awards_award SET revision = revision + {SQLITE_STEP} WHERE id = OLD.award_id; END",
    )
] + [
    "CREATE TRIGGER awards_revision_kept AFTER UPDATE OF revision ON awards_award "
    "WHEN NEW.revision < OLD.revision BEGIN "
    "UPDATE awards_award SET revision = OLD.revision WHERE id = NEW.id; END"
]

SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_revision_{event}"
    for table in DEFINITION_TABLES
    for event in ("insert", "update", "delete")
] + ["DROP TRIGGER IF EXISTS awards_revision_kept"]


def forwards(apps, schema_editor):
    # Each award a revision of its own to start from (the column's default gave them all one),
    # before the trigger that keeps a revision from going back is made.
    Award = apps.get_model("awards", "Award")
    for pk in Award.objects.values_list("pk", flat=True):
        Award.objects.filter(pk=pk).update(revision=secrets.randbits(52))
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    else:
        raise RuntimeError(f"Plaudit runs on PostgreSQL or SQLite, not {vendor}")


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("awards", "0009_endorsement_questions")]

    operations = [
        migrations.AddField(
            model_name="award",
            name="revision",
            field=models.BigIntegerField(default=awards.models.new_revision, editable=False),
        ),
        migrations.RunPython(forwards, backwards),
    ]
