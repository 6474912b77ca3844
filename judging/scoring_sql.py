"""The scorecard total of judging.scoring, added up by the database: for the ranking of a large
stage and for refreshing stored totals when an award's criteria change. Tested equal to the
pure maths (tests/judging/test_results.py)."""

from django.db.models import Case, F, FloatField, Sum, When
from django.db.models.functions import Cast


def card_sums(scorecards):
    """(scorecard id, Σ w·(s − lo)/(hi − lo), Σ w) for the given scorecards, added up by the database
    over the weighted criteria that have a value. The total is 100 × the first / the second."""
    weighted_value = Case(
        When(
            scores__value__isnull=False,
            scores__criterion__weight__gt=0,
            then=Cast(F("scores__criterion__weight"), FloatField())
            * Cast(F("scores__value") - F("scores__criterion__scale_min"), FloatField())
            / Cast(F("scores__criterion__scale_max") - F("scores__criterion__scale_min"), FloatField()),
        ),
        default=None,
        output_field=FloatField(),
    )
    used_weight = Case(
        When(
            scores__value__isnull=False,
            scores__criterion__weight__gt=0,
            then=Cast(F("scores__criterion__weight"), FloatField()),
        ),
        default=None,
        output_field=FloatField(),
    )
    rows = (
        scorecards.order_by()
        .annotate(weighted=Sum(weighted_value), weights=Sum(used_weight))
        .values_list("pk", "weighted", "weights")
    )
    return [(pk, weighted or 0.0, weights or 0.0) for pk, weighted, weights in rows]
