"""Assignments: which judge scores which entry. By rule (everyone, or the balanced split of
judging.assignment), by hand, moving a leaving judge's work, and as a CSV file. Never a
conflicted judge; assignments to a judge who has not declared for the entry yet are allowed
and flagged (judging.conflicts.awaiting_declaration).
"""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from audit import log as audit
from plaudit import addresses
from plaudit.people import display_name
from plaudit.spreadsheets import neutralise

from .assignment import Split, balanced_split
from .conflicts import awaiting_declaration, conflict_pairs, is_conflicted
from .entries import judgeable
from .models import Assignment, Entry, PanelMember, Scorecard, Stage


def stage_assign(*, stage: Stage, by=None) -> Split:
    """Replace the stage's assignments: everyone on everything, or the balanced split; never a conflict."""
    members = list(stage.members.filter(role=PanelMember.Role.JUDGE).select_related("group"))
    judges = {member.user_id: (member.group.name if member.group else None) for member in members}
    entries = list(judgeable(stage.entries.all()).values_list("pk", flat=True))
    conflicts = conflict_pairs(stage)
    if stage.assigning == Stage.Assigning.EVERYONE:
        split = Split(
            assignments={entry: [judge for judge in judges if (judge, entry) not in conflicts] for entry in entries}
        )
    else:
        split = balanced_split(
            entries=entries,
            judges=judges,
            per_entry=stage.judges_per_entry,
            cap=stage.cap_per_judge,
            conflicts=conflicts,
            seed=stage.assignment_seed,
        )
    with transaction.atomic():
        Assignment.objects.filter(entry__stage=stage).delete()
        Assignment.objects.bulk_create(
            Assignment(entry_id=entry, judge_id=judge)
            for entry, chosen in split.assignments.items()
            for judge in chosen
        )
        audit.record(
            audit.Action.ASSIGNMENT,
            f"{stage}: judges assigned ({stage.get_assigning_display().lower()}), "
            f"{sum(len(c) for c in split.assignments.values())} assignments",
            actor=by,
            subject=f"stage:{stage.pk}",
        )
    return split


class AssignmentRefused(Exception):
    """A change to the assignments that the rules forbid; nothing was changed."""


def _eligible_judges(stage: Stage) -> dict[int, PanelMember]:
    return {m.user_id: m for m in stage.members.filter(role=PanelMember.Role.JUDGE).select_related("user")}


def assignment_add(*, entry: Entry, judge_id: int, by=None) -> Assignment:
    """Give an entry one more judge by hand: a judge of the panel, not conflicted, not already on it."""
    judges = _eligible_judges(entry.stage)
    if judge_id not in judges:
        raise AssignmentRefused("Choose a judge on this stage's panel.")
    if is_conflicted(judge_id, entry):
        raise AssignmentRefused(f"{_name(judges[judge_id])} has a conflict of interest with {entry.reference}.")
    with transaction.atomic():
        assignment, created = Assignment.objects.get_or_create(entry=entry, judge_id=judge_id)
        if created:
            audit.record(
                audit.Action.ASSIGNMENT,
                f"{_name(judges[judge_id])} added to {entry.reference}",
                actor=by,
                subject=f"entry:{entry.pk}",
            )
    if not created:
        raise AssignmentRefused(f"{_name(judges[judge_id])} is already assigned {entry.reference}.")
    return assignment


def assignment_remove(*, entry: Entry, judge_id: int, by=None) -> None:
    """Take a judge off an entry. A submitted scorecard keeps its judge on; a draft goes with the assignment."""
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().filter(entry=entry, judge_id=judge_id).first()
        if assignment is None:
            raise AssignmentRefused("That judge is not assigned this entry.")
        cards = Scorecard.objects.filter(entry=entry, judge_id=judge_id)
        if cards.filter(status=Scorecard.Status.SUBMITTED).exists():
            raise AssignmentRefused(
                f"The judge has submitted a scorecard for {entry.reference}; it stays theirs. Reopen it first if it must go."
            )
        cards.delete()
        assignment.delete()
        audit.record(
            audit.Action.ASSIGNMENT,
            f"{display_name(assignment.judge)} taken off {entry.reference}",
            actor=by,
            subject=f"entry:{entry.pk}",
        )


def _name(member: PanelMember) -> str:
    return display_name(member.user)


@dataclass
class Move:
    moved: list[tuple[str, str]]  # (entry reference, judge it went to)
    kept: list[tuple[str, str]]  # (entry reference, why it stayed)


def assignments_move(*, stage: Stage, from_judge_id: int, to_judge_id: int | None = None, by=None) -> Move:
    """Move a leaving judge's unfinished assignments: to one named judge, or each to the least loaded
    judge who is free of conflicts and not already on that entry. Submitted scorecards stay where they are."""
    judges = _eligible_judges(stage)
    if from_judge_id not in judges:
        raise AssignmentRefused("Choose a judge on this stage's panel to move work from.")
    if to_judge_id is not None and (to_judge_id not in judges or to_judge_id == from_judge_id):
        raise AssignmentRefused("Choose another judge on this stage's panel to move the work to.")
    conflicts = conflict_pairs(stage)
    moved, kept = [], []
    with transaction.atomic():
        assignments = list(
            # of=("self",): PostgreSQL cannot lock the nullable side of the joins select_related makes.
            Assignment.objects.select_for_update(of=("self",))
            .filter(entry__stage=stage, judge_id=from_judge_id)
            .select_related("entry__nomination", "entry__dossier", "entry__stage__award")
            .order_by("entry_id")
        )
        submitted = set(
            Scorecard.objects.filter(
                entry__stage=stage, judge_id=from_judge_id, status=Scorecard.Status.SUBMITTED
            ).values_list("entry_id", flat=True)
        )
        on_entry: dict[int, set[int]] = {}
        load: dict[int, int] = dict.fromkeys(judges, 0)
        for entry_id, judge_id in Assignment.objects.filter(entry__stage=stage).values_list("entry_id", "judge_id"):
            on_entry.setdefault(entry_id, set()).add(judge_id)
            if judge_id in load:
                load[judge_id] += 1
        for assignment in assignments:
            entry = assignment.entry
            if entry.pk in submitted:
                kept.append((entry.reference, "their scorecard is submitted"))
                continue
            candidates = [
                judge_id
                for judge_id in ([to_judge_id] if to_judge_id else sorted(judges))
                if judge_id != from_judge_id
                and judge_id not in on_entry.get(entry.pk, set())
                and (judge_id, entry.pk) not in conflicts
                and (stage.cap_per_judge is None or to_judge_id or load[judge_id] < stage.cap_per_judge)
            ]
            if not candidates:
                kept.append((entry.reference, "no judge is free to take it"))
                continue
            chosen = min(candidates, key=lambda judge_id: (load[judge_id], judge_id))
            Scorecard.objects.filter(entry=entry, judge_id=from_judge_id).delete()
            assignment.delete()
            Assignment.objects.create(entry=entry, judge_id=chosen)
            on_entry.setdefault(entry.pk, set()).add(chosen)
            load[chosen] += 1
            moved.append((entry.reference, _name(judges[chosen])))
        audit.record(
            audit.Action.ASSIGNMENT,
            f"{stage}: {len(moved)} entries moved from {_name(judges[from_judge_id])}",
            actor=by,
            subject=f"stage:{stage.pk}",
            data={"moved": moved, "kept": kept},
        )
    return Move(moved=moved, kept=kept)


FORMER_JUDGE = "a judge no longer on the panel"


@dataclass
class AssignmentPlan:
    """What an assignments CSV would change, worked out before anything is written."""

    add: list[tuple[int, int]]  # (entry id, judge id)
    remove: list[tuple[int, int]]
    problems: list[str]
    labels: dict = None  # entry id -> reference, judge id -> name, for the preview
    # Added pairs whose judge has not declared for the entry yet: allowed, and flagged to the chair
    # (the judge is asked to declare before the entry is shown to them).
    awaiting: list[tuple[int, int]] = field(default_factory=list)

    def describe(self, pair):
        entry_id, judge_id = pair
        return self.labels["entries"][entry_id], self.labels["judges"].get(judge_id, FORMER_JUDGE)


ASSIGNMENT_COLUMNS = ["reference", "judge_email", "judge_name"]


def assignments_csv(*, stage: Stage, entries) -> str:
    """The assignments of the given entries (those the chair may see) as CSV, one row per judge and entry."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ASSIGNMENT_COLUMNS)
    # An assignment made before a conflict was declared is void: it is not listed, so not carried back.
    conflicts = conflict_pairs(stage)
    rows = (
        Assignment.objects.filter(entry__in=entries)
        .select_related("judge", "entry__nomination", "entry__dossier", "entry__stage__award")
        .order_by("entry_id", "judge__email")
    )
    for assignment in rows:
        user = assignment.judge
        if (user.pk, assignment.entry_id) in conflicts:
            continue
        writer.writerow(
            [neutralise(assignment.entry.reference), neutralise(user.email), neutralise(user.get_full_name())]
        )
    return out.getvalue()


def assignments_plan(*, stage: Stage, entries, text: str) -> AssignmentPlan:
    """Read an assignments CSV (reference, judge_email) as the whole wanted set for the given entries.

    Every row is checked: a known entry, a judge on the panel, no conflict, no repeat. Entries
    absent from the file lose their assignments; rows for submitted scorecards cannot be removed.
    """
    entries = list(entries.select_related("nomination", "dossier", "stage__award"))
    by_reference = {entry.reference.upper(): entry for entry in entries}
    judges = _eligible_judges(stage)
    by_email = {addresses.normalised_or_none(m.user.email): m for m in judges.values() if m.user.email}
    conflicts = conflict_pairs(stage)
    problems, wanted = [], set()
    reader = csv.reader(text.splitlines())
    header = [cell.strip().lower() for cell in next(reader, [])]
    if "reference" not in header or "judge_email" not in header:
        return AssignmentPlan([], [], ["The file needs a header row with the columns reference and judge_email."])
    at_reference, at_email = header.index("reference"), header.index("judge_email")
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        # An exported cell may carry the apostrophe that neutralises formulas; it is not part of the value.
        reference = cells[at_reference].strip().lstrip("'").upper()
        email = cells[at_email].strip().lstrip("'")
        entry, member = by_reference.get(reference), by_email.get(addresses.normalised_or_none(email) or "")
        if entry is None:
            problems.append(f"Row {line}: no entry {reference or '(blank)'} in this stage.")
        elif member is None:
            problems.append(f"Row {line}: {email or '(blank)'} is not a judge on this stage's panel.")
        elif (member.user_id, entry.pk) in conflicts:
            problems.append(f"Row {line}: {_name(member)} has a conflict of interest with {entry.reference}.")
        elif (entry.pk, member.user_id) in wanted:
            problems.append(f"Row {line}: {entry.reference} and {email} appear twice.")
        else:
            wanted.add((entry.pk, member.user_id))
    if len(wanted) > 50_000:
        problems.append("The file has too many rows.")
    entry_ids = [entry.pk for entry in entries]
    current = {
        (entry_id, judge_id)
        for entry_id, judge_id in Assignment.objects.filter(entry_id__in=entry_ids).values_list("entry_id", "judge_id")
        if (judge_id, entry_id) not in conflicts
    }
    submitted = set(
        Scorecard.objects.filter(entry_id__in=entry_ids, status=Scorecard.Status.SUBMITTED).values_list(
            "entry_id", "judge_id"
        )
    )
    labels = {
        "entries": {entry.pk: entry.reference for entry in entries},
        "judges": {judge_id: _name(member) for judge_id, member in judges.items()},
    }
    remove = sorted(current - wanted)
    for entry_id, judge_id in remove:
        if (entry_id, judge_id) in submitted:
            problems.append(
                f"{labels['entries'][entry_id]}: {labels['judges'].get(judge_id, FORMER_JUDGE)} has submitted "
                "a scorecard, so cannot be taken off it."
            )
    add = sorted(wanted - current)
    undeclared = awaiting_declaration(stage, entries=entries, pairs=[(j, e) for e, j in add])
    awaiting = [(e, j) for e, j in add if (j, e) in undeclared]
    return AssignmentPlan(add=add, remove=remove, problems=problems, labels=labels, awaiting=awaiting)


def assignments_apply(*, stage: Stage, entries, text: str, by=None) -> AssignmentPlan:
    """Apply an assignments CSV in one transaction, after checking it again; refuse it whole if any row is wrong."""
    with transaction.atomic():
        plan = assignments_plan(stage=stage, entries=entries, text=text)
        if plan.problems:
            raise AssignmentRefused("The file has problems; nothing was changed.")
        for entry_id, judge_id in plan.remove:  # none has a submitted scorecard (the plan refuses those)
            Scorecard.objects.filter(entry_id=entry_id, judge_id=judge_id).delete()
            Assignment.objects.filter(entry_id=entry_id, judge_id=judge_id).delete()
        # Assignments void by a conflict go; the conflicted judge's scorecards stay, kept and not counted.
        void = conflict_pairs(stage)
        for judge_id, entry_id in void:
            if entry_id in plan.labels["entries"]:
                Assignment.objects.filter(entry_id=entry_id, judge_id=judge_id).delete()
        Assignment.objects.bulk_create(Assignment(entry_id=e, judge_id=j) for e, j in plan.add)
        audit.record(
            audit.Action.ASSIGNMENT,
            f"{stage}: assignments uploaded, {len(plan.add)} added and {len(plan.remove)} removed",
            actor=by,
            subject=f"stage:{stage.pk}",
        )
    return plan
