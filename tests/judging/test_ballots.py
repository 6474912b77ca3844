"""Voting stages: approve up to k entries, or rank them; drafts, submission, locking and refusals."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from judging import ballots
from judging.models import Ballot, Stage, Vote
from judging.scorecards import ScoringRefused, StaleScorecard


def _voting(panel, method, approvals=None):
    stage = panel.stage
    stage.mode, stage.voting, stage.approvals_allowed = Stage.Mode.VOTING, method, approvals
    stage.save()
    return stage


def test_approval_ballots_allow_up_to_k(panel):
    stage = _voting(panel, "approval", approvals=1)
    bob, e = panel.people["bob"], panel.entries
    with pytest.raises(ScoringRefused, match="at most 1 entry"):
        ballots.ballot_save(
            stage=stage, judge=bob, choices={e[0].pk: None, e[1].pk: None}, version=0, now=timezone.now()
        )
    assert not Ballot.objects.exists()
    ballot = ballots.ballot_save(stage=stage, judge=bob, choices={e[1].pk: None}, version=0, now=timezone.now())
    assert ballot.version == 1 and ballot.status == "draft"
    with pytest.raises(StaleScorecard):
        ballots.ballot_save(stage=stage, judge=bob, choices={}, version=0, now=timezone.now())
    ballots.ballot_save(stage=stage, judge=bob, choices={e[2].pk: None}, version=1, now=timezone.now(), submit=True)
    assert list(Vote.objects.values_list("entry_id", flat=True)) == [e[2].pk]
    with pytest.raises(ScoringRefused, match="submitted"):
        ballots.ballot_save(stage=stage, judge=bob, choices={}, version=2, now=timezone.now())


def test_a_conflicted_or_unassigned_entry_cannot_be_voted_for(panel):
    stage = _voting(panel, "approval", approvals=3)
    with pytest.raises(ScoringRefused, match="cannot vote on"):
        ballots.ballot_save(
            stage=stage, judge=panel.people["alice"], choices={panel.entries[0].pk: None}, version=0, now=timezone.now()
        )
    with pytest.raises(ScoringRefused, match="cannot vote on"):
        ballots.ballot_save(
            stage=stage, judge=panel.people["bob"], choices={panel.other_entry.pk: None}, version=0, now=timezone.now()
        )


@pytest.mark.parametrize(
    "ranks, message",
    [
        ((1, 1), "more than one entry"),
        ((1, 4), "from 1 to 3"),
        ((1, 3), "without gaps"),
    ],
)
def test_ranked_ballots_need_distinct_ranks_without_gaps(panel, ranks, message):
    stage = _voting(panel, "ranked")
    choices = {entry.pk: rank for entry, rank in zip(panel.entries, ranks, strict=False)}
    with pytest.raises(ScoringRefused) as refused:
        ballots.ballot_save(
            stage=stage, judge=panel.people["bob"], choices=choices, version=0, now=timezone.now(), submit=True
        )
    assert message in str(refused.value) + " ".join(refused.value.problems.values())
    assert not Vote.objects.exists()


def test_a_closed_stage_takes_no_votes(panel):
    stage = _voting(panel, "ranked")
    stage.closes_at = timezone.now() - dt.timedelta(minutes=1)
    stage.save()
    with pytest.raises(ScoringRefused, match="closed"):
        ballots.ballot_save(stage=stage, judge=panel.people["bob"], choices={}, version=0, now=timezone.now())


def test_the_ballot_page_ranks_and_submits(client, panel):
    stage = _voting(panel, "ranked")
    client.force_login(panel.people["bob"])
    assert client.get(reverse("judging:queue", args=[stage.pk]))["Location"] == reverse(
        "judging:ballot", args=[stage.pk]
    )
    url = reverse("judging:ballot", args=[stage.pk])
    e = panel.entries
    page = client.post(url, {"version": 0, f"rank-{e[0].pk}": "1", f"rank-{e[1].pk}": "1", "submit": "1"})
    assert "Rank 1 is given to more than one entry" in page.content.decode()
    page = client.post(url, {"version": 0, f"rank-{e[0].pk}": "9"})
    assert "Choose a rank from 1 to 3" in page.content.decode()
    client.post(url, {"version": 0, f"rank-{e[2].pk}": "1", f"rank-{e[0].pk}": "2", "submit": "1"})
    ballot = Ballot.objects.get()
    assert ballot.status == "submitted"
    assert list(ballot.votes.order_by("rank").values_list("entry_id", flat=True)) == [e[2].pk, e[0].pk]
    page = client.get(url).content.decode()
    assert "You have submitted your ballot" in page and "Submit ballot" not in page
    # Reading an entry in a voting stage shows the entry, with no scorecard.
    read = client.get(reverse("judging:score", args=[stage.pk, e[1].pk])).content.decode()
    assert "Alan Turing listened to every patient." in read and "Submit scorecard" not in read


def test_the_chair_reopens_a_ballot(client, panel):
    stage = _voting(panel, "approval", approvals=2)
    ballot = Ballot.objects.create(stage=stage, judge=panel.people["bob"], status="submitted", version=2)
    client.force_login(panel.people["chidi"])
    client.post(reverse("judging:reopen", args=[stage.pk, 0]), {"judge": panel.people["bob"].pk})
    ballot.refresh_from_db()
    assert ballot.status == "draft" and ballot.version == 3
