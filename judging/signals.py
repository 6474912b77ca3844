"""Stored scorecard totals follow the award's criteria: a changed weight or scale, or a criterion
added or removed, recomputes them (once per award for a batch of changes: awards.changes)."""

from django.dispatch import receiver

from awards.changes import criteria_changed

from .scorecards import totals_refresh


@receiver(criteria_changed)
def recompute_totals(sender, award_id, **kwargs):
    totals_refresh(award=award_id)
