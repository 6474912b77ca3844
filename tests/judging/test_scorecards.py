"""Scorecards: scales and N/A enforced, nothing partial saved, no silent overwrites, locked on submit."""

import datetime as dt

import pytest
from django.utils import timezone

from judging.models import Assignment, Conflict, Entry, PanelMember, Score, Scorecard, Stage
from judging.scorecards import ScoreInput, ScoringRefused, StaleScorecard, scorecard_reopen, scorecard_save
from tests.factories import AwardFactory, CriterionFactory, NominationFactory, UserFactory, declare_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    award = AwardFactory()
    CriterionFactory(award=award, key="impact", title="Impact", scale_min=0, scale_max=5, position=0)
    CriterionFactory(award=award, key="reach", title="Reach", scale_min=1, scale_max=10, allow_na=True, position=1)
    stage = Stage.objects.create(award=award, name="Shortlisting")
    nomination = NominationFactory(award=award, status="submitted")
    entry = Entry.objects.create(stage=stage, nomination=nomination)
    judge = UserFactory(username="jo")
    PanelMember.objects.create(stage=stage, user=judge)
    Assignment.objects.create(entry=entry, judge=judge)
    declare_all(stage, judge)
    return entry, judge


def save(entry, judge, version=0, submit=False, impact="3", reach="na", now=None):
    return scorecard_save(
        entry=entry,
        judge=judge,
        scores={"impact": ScoreInput(impact, "Clear examples"), "reach": ScoreInput(reach)},
        overall_comment="Strong",
        version=version,
        now=now or timezone.now(),
        submit=submit,
    )


def test_a_draft_saves_and_its_version_rises(setup):
    entry, judge = setup
    card = save(entry, judge)
    assert (card.status, card.version) == ("draft", 1)
    assert {(s.criterion.key, s.value, s.not_applicable) for s in card.scores.all()} == {
        ("impact", 3, False),
        ("reach", None, True),
    }


def test_saving_again_writes_only_the_scores_that_changed(setup):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audit.models import AuditEvent

    entry, judge = setup
    card = save(entry, judge)

    def score_writes(**changes):
        with CaptureQueriesContext(connection) as captured:
            save(entry, judge, version=Scorecard.objects.get(pk=card.pk).version, **changes)
        return [q["sql"] for q in captured if q["sql"].startswith("UPDATE") and 'judging_score"' in q["sql"]]

    assert score_writes() == []
    assert len(score_writes(reach="7")) == 1
    assert {(s.criterion.key, s.value, s.not_applicable) for s in card.scores.all()} == {
        ("impact", 3, False),
        ("reach", 7, False),
    }
    # The audit trail records what changed, old to new.
    assert AuditEvent.objects.order_by("-pk").first().data["changes"] == {"reach": {"from": "N/A", "to": 7}}


def test_a_stale_version_is_refused_and_nothing_is_overwritten(setup):
    entry, judge = setup
    save(entry, judge, version=0, impact="3")
    with pytest.raises(StaleScorecard):
        save(entry, judge, version=0, impact="5")  # a second tab, loaded before the first save
    assert Score.objects.get(criterion__key="impact").value == 3


@pytest.mark.parametrize(
    "impact,reach,problem",
    [
        ("6", "na", {"impact": "The score for “Impact” must be from 0 to 5"}),
        ("-1", "na", {"impact": "The score for “Impact” must be from 0 to 5"}),
        ("three", "na", {"impact": "The score for “Impact” must be a whole number"}),
        ("na", "4", {"impact": "“Impact” cannot be marked not applicable"}),
        ("3", "0", {"reach": "The score for “Reach” must be from 1 to 10"}),
    ],
)
def test_scores_outside_the_rules_are_refused_with_nothing_saved(setup, impact, reach, problem):
    entry, judge = setup
    with pytest.raises(ScoringRefused) as excinfo:
        save(entry, judge, impact=impact, reach=reach)
    assert excinfo.value.problems == problem
    assert not Scorecard.objects.exists() and not Score.objects.exists()


def test_an_unknown_criterion_is_refused(setup):
    entry, judge = setup
    with pytest.raises(ScoringRefused) as excinfo:
        scorecard_save(
            entry=entry,
            judge=judge,
            scores={"bogus": ScoreInput("1")},
            overall_comment="",
            version=0,
            now=timezone.now(),
        )
    assert excinfo.value.problems == {"bogus": "This is not a criterion of the award"}


def test_submitting_needs_every_criterion_and_then_locks(setup):
    entry, judge = setup
    with pytest.raises(ScoringRefused) as excinfo:
        save(entry, judge, submit=True, impact="")
    assert excinfo.value.problems == {"impact": "Choose a score for “Impact”"}
    card = save(entry, judge, submit=True)
    assert card.status == "submitted"
    with pytest.raises(ScoringRefused, match="ask the chair to reopen it"):
        save(entry, judge, version=card.version)
    reopened = scorecard_reopen(scorecard=card, now=timezone.now())
    assert save(entry, judge, version=reopened.version).status == "draft"


def test_a_judge_not_assigned_or_conflicted_saves_nothing(setup):
    entry, judge = setup
    stranger = UserFactory(username="stranger")
    with pytest.raises(ScoringRefused, match="not assigned to you"):
        save(entry, stranger)
    Conflict.objects.create(judge=judge, nomination=entry.nomination)
    with pytest.raises(ScoringRefused, match="conflict of interest"):
        save(entry, judge)
    assert not Scorecard.objects.exists()


def test_after_the_stage_closes_nothing_is_saved(setup):
    entry, judge = setup
    Stage.objects.filter(pk=entry.stage_id).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    entry.refresh_from_db()
    with pytest.raises(ScoringRefused, match="This stage has closed"):
        save(entry, judge)
    assert not Scorecard.objects.exists()
