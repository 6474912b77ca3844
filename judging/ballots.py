"""Voting stages: a judge approves up to k entries, or ranks entries (counted by Borda count in results).

As with scorecards, the view finds entries through the judge's scoped queryset and these
functions check the rules again inside the transaction that writes.
"""

from django.db import transaction

from .access import entries_for_judge
from .models import Ballot, Stage, Vote
from .scorecards import ScoringRefused, StaleScorecard


def ballot_check(*, stage: Stage, choices: dict[int, int | None], allowed: set[int], complete: bool) -> dict[str, str]:
    """Problems with a ballot, keyed by entry id (as a string) or "__all__"; empty when it may be saved.

    `choices` maps entry id to a rank (ranked voting) or None (an approval).
    """
    problems = {}
    for entry_id in choices:
        if entry_id not in allowed:
            problems["__all__"] = "The ballot names an entry you cannot vote on."
    if stage.voting == Stage.Voting.APPROVAL:
        limit = stage.approvals_allowed or 0
        if len(choices) > limit:
            problems["__all__"] = (
                f"You may approve at most {limit} {'entry' if limit == 1 else 'entries'}; you chose {len(choices)}."
            )
        if complete and not choices:
            problems["__all__"] = "Approve at least one entry before you submit."
    else:
        seen: dict[int, int] = {}
        for entry_id, rank in choices.items():
            if rank is None or not 1 <= rank <= len(allowed):
                problems[str(entry_id)] = f"Give a rank from 1 to {len(allowed)}"
            elif rank in seen:
                problems[str(entry_id)] = f"Rank {rank} is given to more than one entry"
            else:
                seen[rank] = entry_id
        if complete and not choices:
            problems["__all__"] = "Rank at least one entry before you submit."
        elif complete and sorted(seen) != list(range(1, len(seen) + 1)):
            problems["__all__"] = "Ranks must run 1, 2, 3 … without gaps."
    return problems


def ballot_save(
    *, stage: Stage, judge, choices: dict[int, int | None], version: int, now, submit: bool = False
) -> Ballot:
    """Save (or submit) a judge's ballot in one transaction, replacing its votes; refuse whole if anything is wrong."""
    if stage.mode != Stage.Mode.VOTING:
        raise ScoringRefused("This stage is scored, not voted on.")
    with transaction.atomic():
        if stage.closes_at and now >= stage.closes_at:
            raise ScoringRefused("This stage has closed: votes can no longer be changed.")
        if stage.opens_at and now < stage.opens_at:
            raise ScoringRefused("This stage has not opened yet.")
        allowed = set(entries_for_judge(judge, stage).values_list("pk", flat=True))
        problems = ballot_check(stage=stage, choices=choices, allowed=allowed, complete=submit)
        if problems:
            raise ScoringRefused(problems.get("__all__", "Some ranks need attention."), problems)
        ballot, _ = Ballot.objects.get_or_create(stage=stage, judge=judge)
        ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if ballot.status == Ballot.Status.SUBMITTED:
            raise ScoringRefused("You have submitted this ballot; ask the chair to reopen it to change it.")
        if ballot.version != version:
            raise StaleScorecard("Your ballot was changed in another tab or device. Reload to see the latest.")
        ballot.votes.all().delete()
        Vote.objects.bulk_create(
            Vote(ballot=ballot, entry_id=entry_id, rank=rank) for entry_id, rank in choices.items()
        )
        ballot.version += 1
        if submit:
            ballot.status = Ballot.Status.SUBMITTED
            ballot.submitted_at = now
        ballot.save()
    return ballot


def ballot_reopen(*, ballot: Ballot) -> Ballot:
    """The chair reopens a submitted ballot so its judge can change it."""
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        locked.status = Ballot.Status.DRAFT
        locked.submitted_at = None
        locked.version += 1
        locked.save()
    return locked
