"""Read-only views of a stage for chairs: each judge's progress and who is on each entry.

A fixed number of queries whatever the size of the stage, so the chair's pages stay quick.
"""

from dataclasses import dataclass, field

from django.utils import timezone

from plaudit.people import display_name

from . import access
from .conflicts import awaiting_declaration, conflict_pairs
from .entries import excluded, judgeable
from .models import Assignment, Ballot, PanelMember, Scorecard, Stage


@dataclass
class JudgeProgress:
    member: PanelMember
    assigned: int = 0
    submitted: int = 0
    drafts: int = 0
    ballot: str | None = None  # voting stages: the state of the judge's one ballot
    awaiting: int = 0  # assigned entries the judge has still to declare for

    @property
    def remaining(self) -> int:
        return self.assigned - self.submitted

    @property
    def not_started(self) -> int:
        return self.assigned - self.submitted - self.drafts

    @property
    def name(self) -> str:
        user = self.member.user
        return display_name(user)


def judge_progress(stage: Stage) -> dict[int, JudgeProgress]:
    """Per judge (by user id): judged entries assigned (less any they have since declared a conflict
    with), scorecards submitted, drafts started, and entries still to declare for."""
    members = stage.members.filter(role=PanelMember.Role.JUDGE).select_related("user", "group")
    progress = {member.user_id: JudgeProgress(member) for member in members}
    conflicts = conflict_pairs(stage)
    judged_ids = set(judgeable(stage.entries.all()).values_list("pk", flat=True))
    for judge_id, _entry_id in awaiting_declaration(stage):
        if judge_id in progress and (judge_id, _entry_id) not in conflicts:
            progress[judge_id].awaiting += 1
    for entry_id, judge_id in Assignment.objects.filter(entry__stage=stage).values_list("entry_id", "judge_id"):
        if judge_id in progress and entry_id in judged_ids and (judge_id, entry_id) not in conflicts:
            progress[judge_id].assigned += 1
    if stage.mode == Stage.Mode.VOTING:
        # One ballot covers all of a judge's entries: submitted, every entry is done.
        for judge_id, status in Ballot.objects.filter(stage=stage).values_list("judge_id", "status"):
            row = progress.get(judge_id)
            if row is not None:
                row.ballot = status
                if status == Ballot.Status.SUBMITTED:
                    row.submitted = row.assigned
        return progress
    cards = Scorecard.objects.filter(entry__stage=stage).values_list("entry_id", "judge_id", "status")
    for entry_id, judge_id, status in cards:
        row = progress.get(judge_id)
        if row is None or entry_id not in judged_ids or (judge_id, entry_id) in conflicts:
            continue
        if status == Scorecard.Status.SUBMITTED:
            row.submitted += 1
        else:
            row.drafts += 1
    return progress


def stage_is_overdue(stage: Stage, now=None) -> bool:
    return bool(stage.closes_at and (now or timezone.now()) >= stage.closes_at)


@dataclass
class EntryRow:
    entry: object
    # (judge id, name, scorecard status, whether the judge has still to declare for the entry)
    judges: list[tuple[int, str, str, bool]] = field(default_factory=list)


def entry_rows(stage: Stage, entries, conflicts: set | None = None) -> list[EntryRow]:
    """Each entry with its judges, the state of each judge's scorecard, and whether each judge has
    still to declare for it, for the chair's assignments page. A judge conflicted with an entry
    since being assigned is not listed on it."""
    entries = list(entries)
    rows = {entry.pk: EntryRow(entry) for entry in entries}
    conflicts = conflict_pairs(stage) if conflicts is None else conflicts
    awaiting = awaiting_declaration(stage, entries)
    names = {member.user_id: display_name(member.user) for member in stage.members.select_related("user")}
    statuses = {
        (entry_id, judge_id): status
        for entry_id, judge_id, status in Scorecard.objects.filter(entry_id__in=rows).values_list(
            "entry_id", "judge_id", "status"
        )
    }
    assignments = Assignment.objects.filter(entry_id__in=rows).select_related("judge").order_by("judge_id")
    for assignment in assignments:
        judge = assignment.judge
        if (judge.pk, assignment.entry_id) in conflicts:
            continue
        name = names.get(judge.pk) or display_name(judge)
        status = statuses.get((assignment.entry_id, judge.pk), "not started")
        rows[assignment.entry_id].judges.append((judge.pk, name, status, (judge.pk, assignment.entry_id) in awaiting))
    return list(rows.values())


def left_judging(user, stage: Stage) -> dict:
    """The chair's list of entries withdrawn or excluded since they were brought in, with why: for
    the progress and ranking pages (judging.entries says which and why). By reference only: what
    is no longer judged is not shown, and a nominee who declined or asked to be removed is not named."""
    return {
        "left": excluded(stage, access.left_judging_for_chair(user, stage)),
        "left_details": access.sees_identities(user, stage),
    }
