"""`criteria_changed`: an award's criteria changed (a weight, a scale, one added or removed).

Judging keeps each submitted scorecard's total, which follows the criteria. An import or an
admin save can change many criteria of one award at once; inside `criteria_batch()` the changes
are noted and announced once per award when the batch ends (inside the caller's transaction, and
not at all if it fails). Outside a batch every change is announced at once.
"""

import contextlib
import contextvars

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .models import Criterion

# Sent with award_id=...; judging.signals recomputes that award's stored totals.
criteria_changed = Signal()

_batch: contextvars.ContextVar[set | None] = contextvars.ContextVar("criteria_batch", default=None)


@contextlib.contextmanager
def criteria_batch():
    """Announce criterion changes once per award, at the end (a nested batch leaves it to the outer)."""
    if _batch.get() is not None:
        yield
        return
    noted: set[int] = set()
    token = _batch.set(noted)
    try:
        yield
    finally:
        _batch.reset(token)
    for award_id in sorted(noted):
        criteria_changed.send(sender=Criterion, award_id=award_id)


@receiver(post_save, sender=Criterion)
@receiver(post_delete, sender=Criterion)
def _criterion_changed(sender, instance, **kwargs):
    if not instance.award_id:
        return
    noted = _batch.get()
    if noted is None:
        criteria_changed.send(sender=Criterion, award_id=instance.award_id)
    else:
        noted.add(instance.award_id)
