"""What PostgreSQL reads to answer a judge's autosave: only the judge's own scorecard and its
scores, however many other scores the database holds. A query-count test cannot see this (the
count was right while one of the queries joined every score of the database: 1.5 s a save on
the benchmark's 876,000 scores), so the plans are read here, as EXPLAIN ANALYZE reports them."""

import json

import pytest
from django.db import connection, transaction
from django.utils import timezone

from judging import access
from judging.models import Assignment, Entry, Score, Scorecard
from tests.factories import NominationFactory

OTHER_ENTRIES = 60


def _rows_read(plan: dict, table: str) -> int:
    """Rows that plan nodes reading `table` put out, over all their loops."""
    own = plan["Actual Rows"] * plan["Actual Loops"] if plan.get("Relation Name") == table else 0
    return own + sum(_rows_read(child, table) for child in plan.get("Plans", ()))


def _plan(queryset) -> dict:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        found = cursor.fetchone()[0]
    return (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]


@pytest.fixture
def crowded(scored):
    """bob's scorecards on many more entries, so that other scores far outnumber one card's; the
    tables analysed, as autovacuum keeps a live site's."""
    stage, bob, now = scored.stage, scored.people["bob"], timezone.now()
    criteria = list(stage.award.criteria.all())
    for _ in range(OTHER_ENTRIES):
        entry = Entry.objects.create(stage=stage, nomination=NominationFactory(award=stage.award, status="submitted"))
        Assignment.objects.create(entry=entry, judge=bob)
        card = Scorecard.objects.create(entry=entry, judge=bob, status="submitted", submitted_at=now, version=1)
        Score.objects.bulk_create(Score(scorecard=card, criterion=c, value=3) for c in criteria)
    with connection.cursor() as cursor:
        for table in ("judging_score", "judging_scorecard", "judging_entry", "nominations_nomination"):
            cursor.execute(f"ANALYZE {table}")
    return scored


@pytest.mark.django_db
def test_a_judges_autosave_reads_only_their_scorecard_and_its_scores(crowded):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans (CI runs the suite on PostgreSQL too)")
    stage, bob, entry = crowded.stage, crowded.people["bob"], crowded.entries[0]
    scores = Score.objects.filter(scorecard__entry=entry, scorecard__judge=bob).count()
    assert Score.objects.count() > 10 * scores
    with transaction.atomic():  # the reads lock the scorecard
        read_scores = _plan(access._judges_scores(bob.pk, stage.pk, entry.pk))
        read_scorecard = _plan(access._judges_scorecard(bob.pk, stage.pk, entry.pk))
    assert _rows_read(read_scores, "judging_score") == scores
    # The card, found by the access rule, then joined to what it fetches with it: once each.
    assert _rows_read(read_scores, "judging_scorecard") <= 2
    assert _rows_read(read_scorecard, "judging_scorecard") <= 2
    assert _rows_read(read_scorecard, "judging_score") == 0
