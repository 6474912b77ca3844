"""Stored scorecard totals follow the award's criteria: a changed weight or scale, or a criterion
added or removed, recomputes them."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from awards.models import Criterion


@receiver(post_save, sender=Criterion)
@receiver(post_delete, sender=Criterion)
def criteria_changed(sender, instance, **kwargs):
    from .scorecards import totals_refresh

    if instance.award_id:
        totals_refresh(award=instance.award)
