"""Changes to a stage as a whole that the awards office makes."""

from django.db import transaction

from audit import log as audit

from .entries import judgeable, undecided
from .models import Stage


class StageRefused(Exception):
    """A change to a stage that the rules forbid; nothing was changed."""


def stage_unblind(*, stage: Stage, by, now) -> Stage:
    """The awards office lets a blind stage's chairs see who is nominated, once its decisions are
    made: every judged entry has an applied decision and none is pending. Recorded and audited.
    Judges' pages stay blind."""
    if not stage.blind:
        raise StageRefused(f"{stage} is not blind.")
    if stage.unblinded_at:
        raise StageRefused(f"{stage} was unblinded on {stage.unblinded_at:%d %B %Y}.")
    waiting = undecided(stage).count()
    if waiting or not judgeable(stage.entries.all()).exists():
        raise StageRefused(f"{stage}: apply a decision on every entry first ({waiting} without an applied decision).")
    with transaction.atomic():
        Stage.objects.filter(pk=stage.pk).update(unblinded_at=now, unblinded_by=by)
        audit.record(
            audit.Action.DECISION,
            f"{stage}: unblinded for its chairs after its decisions",
            actor=by,
            subject=f"stage:{stage.pk}",
        )
    stage.refresh_from_db()
    return stage
