"""A stage's cached results are never stale, whichever way the data under them changes.

The cache (results.ranking.stage_results) is keyed by the "ranking" generation, which moves on
after any committed write to the tables a ranking is computed from (plaudit/generations.py). A
state machine writes those tables every way the site does (model saves, queryset updates and
deletes, bulk operations, service functions) and after every step asks for the chair's and the
office's rankings, both orders, through the cache, and compares each with one computed afresh.
It also checks the cache is used at all: asked twice with nothing written, it answers with the
very same results.
"""

import dataclasses
import os

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from awards.models import Criterion
from judging import selectors
from judging.models import Conflict, Entry, JudgeGroup, PanelMember, Score, Scorecard, Stage
from nominations.models import Nomination
from plaudit import generations
from results import decisions, ranking
from tests.factories import AwardFactory, CriterionFactory, NominationFactory, UserFactory
from tests.panels import LEVELS, submit

pytestmark = pytest.mark.django_db(transaction=True)

JUDGES = ("alice", "bob", "carol")
ENTRIES = 4


def summary(results: ranking.StageResults) -> list:
    """Everything a chair reads off a ranking, in plain values."""
    return [
        (
            row.entry.pk,
            row.title,
            row.nominee,
            dataclasses.asdict(row.result),
            (row.decision.outcome, row.decision.status) if row.decision else None,
        )
        for row in results.rows
    ] + [results.alpha, sorted(results.shares.items()), [c.weight for c in results.criteria]]


class RankingCache(RuleBasedStateMachine):
    @initialize()
    def panel(self):
        award = AwardFactory()
        self.criteria = [
            CriterionFactory(award=award, key="impact", levels=LEVELS),
            CriterionFactory(award=award, key="reach", levels=LEVELS, position=2),
        ]
        self.stage = Stage.objects.create(award=award, name="Shortlisting", min_scorecards=2)
        self.group = JudgeGroup.objects.create(stage=self.stage, name="Patient leaders")
        self.judges = {}
        for name in JUDGES:
            self.judges[name] = UserFactory()
            PanelMember.objects.create(
                stage=self.stage, user=self.judges[name], group=self.group if name == "carol" else None
            )
        self.chair = UserFactory()
        PanelMember.objects.create(stage=self.stage, user=self.chair, role="chair")
        self.office = UserFactory(is_superuser=True, is_staff=True)
        self.entries = [
            Entry.objects.create(
                stage=self.stage, nomination=NominationFactory(award=award, status="submitted", nominee_name=f"N{i}")
            )
            for i in range(ENTRIES)
        ]
        # Scored already, so that the rules that change scorecards have some to change.
        for i, entry in enumerate(self.entries):
            for j, name in enumerate(JUDGES):
                submit(entry, self.judges[name], {"impact": (i + j) % 6, "reach": (i * j) % 6})

    def _existing(self, pick: int):
        """One of the stage's scorecards, whichever there are (None before the first)."""
        cards = list(Scorecard.objects.filter(entry__stage=self.stage).order_by("pk"))
        return cards[pick % len(cards)] if cards else None

    @rule(judge=st.sampled_from(JUDGES), entry=st.integers(0, ENTRIES - 1), impact=st.integers(0, 5))
    def score(self, judge, entry, impact):
        if not Scorecard.objects.filter(entry=self.entries[entry], judge=self.judges[judge]).exists():
            submit(self.entries[entry], self.judges[judge], {"impact": impact, "reach": 5 - impact})

    @rule(pick=st.integers(0, 50), impact=st.integers(0, 5))
    def change_a_score(self, pick, impact):
        card = self._existing(pick)
        if card is not None:  # a changed score, written by a queryset update
            Score.objects.filter(scorecard=card, criterion__key="impact").update(value=impact)

    @rule(pick=st.integers(0, 50))
    def reopen_or_resubmit(self, pick):
        card = self._existing(pick)
        if card is not None:
            card.status = "draft" if card.status == "submitted" else "submitted"
            card.save()

    @rule(pick=st.integers(0, 50))
    def delete_a_scorecard(self, pick):
        card = self._existing(pick)
        if card is not None:
            Scorecard.objects.filter(pk=card.pk).delete()

    @rule(entry=st.integers(0, ENTRIES - 1), outcome=st.sampled_from(["shortlisted", "not_progressed", "winner"]))
    def decide(self, entry, outcome):
        decisions.decisions_record(
            stage=self.stage,
            entries=[self.entries[entry]],
            outcome=outcome,
            reason="",
            by=self.office,
            now=timezone.now(),
        )

    @rule(who=st.sampled_from(["alice", "bob", "carol", "chair"]), entry=st.integers(0, ENTRIES - 1))
    def conflict_or_clear(self, who, entry):
        user = self.chair if who == "chair" else self.judges[who]
        nomination = self.entries[entry].nomination
        found = Conflict.objects.filter(judge=user, nomination=nomination)
        if found.exists():
            found.delete()
        else:
            Conflict.objects.create(judge=user, nomination=nomination)

    @rule(criterion=st.integers(0, 1), weight=st.sampled_from(["0.5", "1", "2", "3"]))
    def reweight(self, criterion, weight):
        Criterion.objects.filter(pk=self.criteria[criterion].pk).update(weight=weight)

    @rule(share=st.sampled_from([None, "0.2", "0.5"]))
    def group_share(self, share):
        JudgeGroup.objects.filter(pk=self.group.pk).update(share=share)

    @rule(entry=st.integers(0, ENTRIES - 1), status=st.sampled_from(["withdrawn", "submitted"]))
    def withdraw_or_restore(self, entry, status):
        Nomination.objects.filter(pk=self.entries[entry].nomination_id).update(status=status)

    @rule(entry=st.integers(0, ENTRIES - 1), name=st.sampled_from(["Grace", "Ada <b>", "{{ x }}"]))
    def rename(self, entry, name):
        nomination = Nomination.objects.get(pk=self.entries[entry].nomination_id)
        nomination.nominee_name = name
        nomination.save()

    @rule(entry=st.integers(0, ENTRIES - 1))
    def nominator_autosave(self, entry):
        # A working copy only (a column the generation ignores): the ranking must still be right.
        Nomination.objects.filter(pk=self.entries[entry].nomination_id).update(draft_page="edit", identity_draft={})

    @rule(minimum=st.integers(1, 3))
    def stage_setting(self, minimum):
        Stage.objects.filter(pk=self.stage.pk).update(min_scorecards=minimum)

    @invariant()
    def cached_rankings_are_fresh(self):
        if not hasattr(self, "stage"):
            return
        stage = Stage.objects.get(pk=self.stage.pk)
        for viewer in (self.chair, self.office):
            for order in ("raw", "normalised"):
                cached = ranking.stage_results(stage, viewer, order_by=order)
                fresh = ranking.stage_results(stage, viewer, order_by=order, cached=False)
                assert summary(cached) == summary(fresh), (viewer, order)
                # Nothing written since: the same results, not a recomputation.
                assert ranking.stage_results(stage, viewer, order_by=order) is cached
            # The chair's list of entries no longer judged (withdrawals, conflicts) is kept the same way.
            left = ranking.left_judging(stage, viewer)
            fresh_left = selectors.left_judging(viewer, stage)
            assert [(x.entry.pk, x.reason) for x in left["left"]] == [
                (x.entry.pk, x.reason) for x in fresh_left["left"]
            ], viewer
            assert ranking.left_judging(stage, viewer) is left


def test_a_cached_ranking_is_never_stale(monkeypatch):
    assert generations.cacheable(), "the cache is used outside a transaction"
    # Room for every ranking the invariant asks for, so that each is kept from one step to the next.
    monkeypatch.setattr(ranking, "RECENT_MAX", 16)
    run_state_machine_as_test(
        RankingCache,
        settings=settings(
            max_examples=int(os.environ.get("PLAUDIT_RANKING_CACHE_EXAMPLES", "12")),
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


def test_inside_a_transaction_the_ranking_is_computed_afresh_and_not_kept(scored_outside):
    from django.db import transaction

    stage, chair = scored_outside
    before = ranking.stage_results(stage, chair)
    with transaction.atomic():
        Score.objects.filter(scorecard__entry__stage=stage).update(value=0)
        inside = ranking.stage_results(stage, chair)
        assert inside is not before and inside is not ranking.stage_results(stage, chair)
        transaction.set_rollback(True)
    # Rolled back: what the transaction saw was never kept, and the ranking is as it was.
    assert summary(ranking.stage_results(stage, chair)) == summary(before)


@pytest.fixture
def scored_outside():
    award = AwardFactory()
    CriterionFactory(award=award, key="impact", levels=LEVELS)
    stage = Stage.objects.create(award=award, name="Shortlisting")
    chair, judge = UserFactory(), UserFactory()
    PanelMember.objects.create(stage=stage, user=chair, role="chair")
    PanelMember.objects.create(stage=stage, user=judge)
    for value in (2, 4):
        entry = Entry.objects.create(stage=stage, nomination=NominationFactory(award=award, status="submitted"))
        submit(entry, judge, {"impact": value})
    return stage, chair
