"""Migration 0011 moves shortlist packs out of a database column into the private storage, and back."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from judging.models import Stage
from tests.factories import AwardFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_packs_built_before_move_into_the_storage_with_their_bytes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    executor = MigrationExecutor(connection)
    before = [("judging", "0010_comments_required")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    # Only judging went back: the stage and the person are today's models.
    stage = Stage.objects.create(award=AwardFactory(), name="Shortlisting")
    user = UserFactory()
    ShortlistPack = old.get_model("judging", "ShortlistPack")
    built = ShortlistPack.objects.create(
        stage_id=stage.pk, requested_by_id=user.pk, status="done", pdf=b"%PDF-1.4 the pack"
    )
    waiting = ShortlistPack.objects.create(stage_id=stage.pk, requested_by_id=user.pk, status="queued")

    call_command("migrate", "judging", verbosity=0)
    from judging.models import ShortlistPack as Pack

    moved = Pack.objects.get(pk=built.pk)
    with moved.pdf.open("rb") as stored:
        assert stored.read() == b"%PDF-1.4 the pack"
    assert str(tmp_path) in moved.pdf.path
    assert not Pack.objects.get(pk=waiting.pk).pdf

    call_command("migrate", "judging", "0010", verbosity=0)  # and back, the bytes with it
    new = MigrationExecutor(connection).loader.project_state([("judging", "0010_comments_required")]).apps
    assert bytes(new.get_model("judging", "ShortlistPack").objects.get(pk=built.pk).pdf) == b"%PDF-1.4 the pack"
    call_command("migrate", verbosity=0)
