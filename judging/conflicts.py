"""Conflicts of interest: the one definition of "conflicted", declarations, and the services that change them.

A person is conflicted with an entry when they have a confirmed conflict with any nomination
of the nominee it judges: the entry's own nomination, any nomination in the same dossier (a
dossier is one nominee), or any member of the dossier the entry is. The rule is asked here in
three forms that agree (tests/judging/test_conflicts.py proves it on generated data):

- `conflicted_q(user)`: a filter on Entry querysets (access, rankings, exports, packs);
- `conflict_pairs(stage)`: the set of (person id, entry id) of a stage (assignment, progress);
- `is_conflicted(user, entry)`: one check (writes re-check inside their transaction).

A judge sees an entry only once their declarations cover it: they have declared, in that
stage, for every nomination the entry shows (`declared_q`, `awaiting_declaration`). Entries
that arrive later (brought in, promoted, grown by a dossier merge, assigned by hand) are
therefore declared for, with suggestions computed for them, before their content is shown.

Confirmed conflicts are sticky: a judge adds conflicts at any time, but only the awards
office removes a confirmed one, with a reason, audited (`conflict_remove`).
"""

import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from audit import log as audit
from nominations.dossiers import normalise_organisation
from nominations.models import Nomination
from nominations.selectors import judgeable as judgeable_nominations
from plaudit import addresses

from .entries import judgeable, nominations_of
from .models import Assignment, Conflict, ConflictDeclaration, Entry, PanelMember, Stage

# Addresses shared by whole sectors or the public: the same domain says nothing about a conflict.
SHARED_DOMAINS = {
    "nhs.net",
    "nhs.uk",
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "live.co.uk",
    "yahoo.com",
    "yahoo.co.uk",
    "icloud.com",
    "me.com",
    "btinternet.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
}


class ConflictRefused(Exception):
    """A change to conflicts or declarations that the rules forbid; nothing was changed."""


def _user_id(user):
    """A person as their id: a user, an id, or an expression (OuterRef("judge_id")) passed through."""
    if user is None or isinstance(user, int) or hasattr(user, "resolve_expression"):
        return user
    return user.pk


# The one definition ---------------------------------------------------------------------------


def conflicted_q(person, *, entry: str = "") -> Q:
    """A filter: the rows whose entry this person is conflicted with (see the module's docstring).

    On Entry by default; `entry` is the path to the entry from another model (`"entry__"` on
    Scorecard or Vote), and `person` may then be the row's own judge (`OuterRef("judge_id")`),
    so that scores of a judge conflicted with the entry are left out where they are counted.
    """
    confirmed = Conflict.objects.filter(judge_id=_user_id(person), status=Conflict.Status.CONFIRMED)
    return (
        Q(Exists(confirmed.filter(nomination_id=OuterRef(f"{entry}nomination_id"))))
        | Q(Exists(confirmed.filter(nomination__dossier_id=OuterRef(f"{entry}nomination__dossier_id"))))
        | Q(Exists(confirmed.filter(nomination__dossier_id=OuterRef(f"{entry}dossier_id"))))
    )


def is_conflicted(user, entry: Entry) -> bool:
    """Whether this person is conflicted with this entry, asked of the database now."""
    return Entry.objects.filter(pk=entry.pk).filter(conflicted_q(user)).exists()


def conflict_pairs(stage: Stage, people=None) -> set[tuple[int, int]]:
    """(person id, entry id) for every confirmed conflict of the stage's panel (or of the given
    person ids) with an entry of the stage. Reads only the entries the conflicts touch."""
    people = stage.members.values("user_id") if people is None else list(people)
    conflicts = list(
        Conflict.objects.filter(judge_id__in=people, status=Conflict.Status.CONFIRMED).values_list(
            "judge_id", "nomination_id", "nomination__dossier_id"
        )
    )
    if not conflicts:
        return set()
    by_nomination: dict[int, set[int]] = {}
    by_dossier: dict[int, set[int]] = {}
    for person, nomination_id, dossier_id in conflicts:
        by_nomination.setdefault(nomination_id, set()).add(person)
        if dossier_id:
            by_dossier.setdefault(dossier_id, set()).add(person)
    touched = stage.entries.filter(
        Q(nomination_id__in=list(by_nomination))
        | Q(nomination__dossier_id__in=list(by_dossier))
        | Q(dossier_id__in=list(by_dossier))
    ).values_list("pk", "nomination_id", "nomination__dossier_id", "dossier_id")
    pairs = set()
    for entry_id, nomination_id, nomination_dossier_id, dossier_id in touched:
        people_here = (
            by_nomination.get(nomination_id, set())
            | by_dossier.get(nomination_dossier_id, set())
            | by_dossier.get(dossier_id, set())
        )
        pairs.update((person, entry_id) for person in people_here)
    return pairs


# Declarations ---------------------------------------------------------------------------------


def declared_q(user) -> Q:
    """A filter on Entry: the entries whose every shown nomination the judge has declared for in its stage."""
    declared = ConflictDeclaration.objects.filter(judge_id=_user_id(user))
    undeclared_member = (
        judgeable_nominations()
        .filter(dossier_id=OuterRef("dossier_id"))
        .exclude(Exists(declared.filter(stage_id=OuterRef(OuterRef("stage_id")), nomination_id=OuterRef("pk"))))
    )
    own = Q(nomination__isnull=False) & Q(
        Exists(declared.filter(stage_id=OuterRef("stage_id"), nomination_id=OuterRef("nomination_id")))
    )
    return own | (Q(dossier__isnull=False) & ~Q(Exists(undeclared_member)))


def undeclared_nominations(stage: Stage, judge):
    """The nominations shown by the stage's judged entries that the judge has not declared for yet
    and has no confirmed conflict with (those entries are hidden from them anyway)."""
    entries = judgeable(stage.entries.all())
    shown = judgeable_nominations().filter(
        Q(pk__in=entries.filter(nomination__isnull=False).values("nomination_id"))
        | Q(dossier_id__in=entries.filter(dossier__isnull=False).values("dossier_id"))
    )
    declared = ConflictDeclaration.objects.filter(stage=stage, judge_id=_user_id(judge), nomination_id=OuterRef("pk"))
    confirmed = Conflict.objects.filter(
        judge_id=_user_id(judge), nomination_id=OuterRef("pk"), status=Conflict.Status.CONFIRMED
    )
    return shown.exclude(Exists(declared)).exclude(Exists(confirmed))


def has_declared_any(judge, stage: Stage) -> bool:
    """Whether the judge has made any declaration in the stage (the first visit goes to the declaration page)."""
    return ConflictDeclaration.objects.filter(stage=stage, judge_id=_user_id(judge)).exists()


def awaiting_declaration(stage: Stage, entries=None, pairs=None) -> set[tuple[int, int]]:
    """(judge id, entry id) of assignments (or of the given pairs) whose judge has not yet declared
    for the entry: the chair sees them flagged, and the judge is asked before the entry is shown.
    Over the given entries (default: the stage's judged entries), in a fixed number of queries."""
    if entries is None and pairs is None:
        return _awaiting_in_stage(stage)
    entries = list(judgeable(stage.entries.all()) if entries is None else entries)
    by_id = {entry.pk: entry for entry in entries}
    if pairs is None:
        pairs = Assignment.objects.filter(entry_id__in=list(by_id)).values_list("judge_id", "entry_id")
    pairs = [(judge_id, entry_id) for judge_id, entry_id in pairs if entry_id in by_id]
    dossiers = {by_id[entry_id].dossier_id for _judge, entry_id in pairs if by_id[entry_id].dossier_id}
    members: dict[int, list[int]] = {}
    for dossier_id, nomination_id in (
        judgeable_nominations().filter(dossier_id__in=dossiers).values_list("dossier_id", "pk")
    ):
        members.setdefault(dossier_id, []).append(nomination_id)
    shown = {
        entry_id: [entry.nomination_id] if entry.nomination_id else members.get(entry.dossier_id, [])
        for entry_id, entry in by_id.items()
    }
    # Only the declarations of the judges and nominations in question, not every one of the stage.
    judges = {judge_id for judge_id, _entry in pairs}
    wanted = {n for _judge, entry_id in pairs for n in shown[entry_id]}
    declared = (
        set(
            ConflictDeclaration.objects.filter(stage=stage, judge_id__in=judges, nomination_id__in=wanted).values_list(
                "judge_id", "nomination_id"
            )
        )
        if pairs
        else set()
    )
    return {
        (judge_id, entry_id)
        for judge_id, entry_id in pairs
        if not all((judge_id, nomination_id) in declared for nomination_id in shown[entry_id])
    }


def _awaiting_in_stage(stage: Stage) -> set[tuple[int, int]]:
    """awaiting_declaration over a whole stage, asked of the database: a stage of thousands of
    entries has tens of thousands of assignments and a hundred thousand declarations."""
    assigned = Assignment.objects.filter(entry__stage=stage, entry__in=judgeable(stage.entries.all()))
    undeclared_own = Exists(
        ConflictDeclaration.objects.filter(
            stage=stage, judge_id=OuterRef("judge_id"), nomination_id=OuterRef("entry__nomination_id")
        )
    )
    found = set(
        assigned.filter(entry__nomination__isnull=False).exclude(undeclared_own).values_list("judge_id", "entry_id")
    )
    dossier_entries = list(stage.entries.filter(dossier__isnull=False, pk__in=assigned.values("entry_id")))
    if dossier_entries:
        found |= awaiting_declaration(stage, entries=dossier_entries)
    return found


@dataclass(frozen=True)
class Suggestion:
    nomination_id: int
    because: str


def suggested_conflicts(*, member: PanelMember, nominations) -> list[Suggestion]:
    """Conflicts the app can see for a judge: they are the nominee or the nominator, or share an
    organisation or (a non-shared) email domain with either."""
    judge_email = addresses.normalised_or_none(member.user.email)
    judge_domain = addresses.domain(judge_email)
    judge_org = normalise_organisation(member.organisation)
    found = []
    for nomination in nominations:
        because = None
        if addresses.same(judge_email, nomination.nominee_email):
            because = "you are the nominee"
        elif addresses.same(judge_email, nomination.nominator_email):
            because = "you nominated them"
        elif judge_org and judge_org == normalise_organisation(nomination.nominee_organisation):
            because = "you work at the nominee's organisation"
        elif judge_org and judge_org == normalise_organisation(nomination.nominator_organisation):
            because = "you work at the nominator's organisation"
        elif judge_domain and judge_domain not in SHARED_DOMAINS:
            if judge_domain == addresses.domain(nomination.nominee_email):
                because = "your email domain is the nominee's"
            elif judge_domain == addresses.domain(nomination.nominator_email):
                because = "your email domain is the nominator's"
        if because:
            found.append(Suggestion(nomination.pk, because))
    return found


@dataclass(frozen=True)
class DeclarationRow:
    key: str  # stable across page loads: the form field's name
    label: str  # a nominee (or, in a blind stage, an organisation)
    nomination_ids: tuple[int, ...]
    because: str | None  # the conflict Plaudit suggests, if any


def _organisation_key(organisation: str) -> str:
    # Stable whatever else arrives between showing the page and posting it: an index would shift.
    return "org-" + hashlib.sha256(organisation.casefold().encode()).hexdigest()[:12]


def declaration_rows(*, stage: Stage, member: PanelMember) -> list[DeclarationRow]:
    """What a judge still has to declare against in a stage: each nominee (or, in a blind stage,
    each organisation) not yet declared for, with any conflict the app suggests."""
    nominations = list(undeclared_nominations(stage, member.user).order_by("nominee_name", "reference"))
    suggestions = {s.nomination_id: s.because for s in suggested_conflicts(member=member, nominations=nominations)}
    rows = []
    if stage.blind:
        by_org: dict[str, list] = {}
        for nomination in nominations:
            by_org.setdefault(nomination.nominee_organisation.strip() or "Organisation not given", []).append(
                nomination
            )
        for organisation, members in sorted(by_org.items()):
            because = next((suggestions[n.pk] for n in members if n.pk in suggestions), None)
            rows.append(
                DeclarationRow(_organisation_key(organisation), organisation, tuple(n.pk for n in members), because)
            )
    else:
        for nomination in nominations:
            label = nomination.nominee_name or "(name removed)"
            if nomination.nominee_organisation:
                label += f", {nomination.nominee_organisation}"
            rows.append(DeclarationRow(f"n-{nomination.pk}", label, (nomination.pk,), suggestions.get(nomination.pk)))
    return rows


def _confirm(*, judge, nomination_ids, source: str, because: str, reason: str, now) -> int:
    """Confirm a conflict with each nomination (a rejected one becomes confirmed). Returns how many changed."""
    changed = 0
    existing = {
        c.nomination_id: c
        for c in Conflict.objects.select_for_update().filter(judge=judge, nomination_id__in=nomination_ids)
    }
    for nomination_id in nomination_ids:
        conflict = existing.get(nomination_id)
        if conflict is not None and conflict.status == Conflict.Status.CONFIRMED:
            continue
        conflict = conflict or Conflict(judge=judge, nomination_id=nomination_id)
        conflict.status, conflict.source = Conflict.Status.CONFIRMED, source
        conflict.detected_because, conflict.reason, conflict.decided_at = because, reason, now
        conflict.save()
        changed += 1
    return changed


def _reject(*, judge, nomination_ids, because: str, reason: str, now) -> None:
    """Keep a suggestion the judge rejected as rejected, with their reason. Never touches a confirmed conflict."""
    existing = {
        c.nomination_id: c
        for c in Conflict.objects.select_for_update().filter(judge=judge, nomination_id__in=nomination_ids)
    }
    for nomination_id in nomination_ids:
        conflict = existing.get(nomination_id) or Conflict(judge=judge, nomination_id=nomination_id)
        if conflict.status == Conflict.Status.CONFIRMED and conflict.pk:
            continue
        conflict.status, conflict.source = Conflict.Status.REJECTED, Conflict.Source.DETECTED
        conflict.detected_because, conflict.reason, conflict.decided_at = because, reason, now
        conflict.save()


def _declared(*, stage: Stage, judge, nomination_ids, now) -> None:
    """Record that the judge has declared, in the stage, for these nominations (once each)."""
    ConflictDeclaration.objects.bulk_create(
        [ConflictDeclaration(stage=stage, judge=judge, nomination_id=pk, declared_at=now) for pk in nomination_ids],
        ignore_conflicts=True,
    )


def conflict_declare(*, stage: Stage, judge, decisions: dict[str, tuple[bool, str]], rows, now) -> int:
    """Record a judge's declaration for the rows they were shown, in one transaction: each row
    conflicted or not, with a reason. Returns how many rows were declared as conflicts.

    Only nominations still awaiting the judge's declaration are touched: a confirmed conflict is
    never taken back here (only the office removes one). A suggestion the judge rejects is kept
    as rejected with their reason, which it must have.
    """
    with transaction.atomic():
        pending = set(undeclared_nominations(stage, judge).values_list("pk", flat=True))
        confirmed = 0
        for row in rows:
            ids = [pk for pk in row.nomination_ids if pk in pending]
            if not ids:
                continue
            conflicted, reason = decisions.get(row.key, (False, ""))
            reason = reason.strip()
            if conflicted:
                _confirm(
                    judge=judge,
                    nomination_ids=ids,
                    source=Conflict.Source.DETECTED if row.because else Conflict.Source.JUDGE,
                    because=row.because or "",
                    reason=reason,
                    now=now,
                )
                confirmed += 1
            elif row.because:
                if not reason:
                    raise ConflictRefused(f"Say why you have no conflict with {row.label}.")
                _reject(judge=judge, nomination_ids=ids, because=row.because, reason=reason, now=now)
            _declared(stage=stage, judge=judge, nomination_ids=ids, now=now)
        audit.record(
            audit.Action.CONFLICT,
            f"Conflicts declared for {stage}: {confirmed} confirmed of {len(rows)}",
            actor=judge,
            subject=f"stage:{stage.pk}",
        )
    return confirmed


def conflict_add(*, entry: Entry, judge, reason: str, now) -> int:
    """A judge declares a conflict with an entry at any time (from the entry or their queue): the
    entry leaves their queue at once; scores they gave are kept, not counted. Returns how many
    nominations it covers."""
    reason = reason.strip()
    with transaction.atomic():
        ids = [n.pk for n in nominations_of([entry])[entry.pk]]
        if not ids:
            raise ConflictRefused("This entry has no nomination to declare a conflict with.")
        _confirm(judge=judge, nomination_ids=ids, source=Conflict.Source.JUDGE, because="", reason=reason, now=now)
        _declared(stage=entry.stage, judge=judge, nomination_ids=ids, now=now)
        audit.record(
            audit.Action.CONFLICT,
            f"Conflict declared with {entry.reference}",
            actor=judge,
            subject=f"entry:{entry.pk}",
            data={"reason": reason},
        )
    return len(ids)


def conflict_record(*, judge, nomination: Nomination, reason: str, by, now) -> Conflict:
    """The awards office records a conflict a judge did not declare: confirmed at once."""
    with transaction.atomic():
        _confirm(
            judge=judge,
            nomination_ids=[nomination.pk],
            source=Conflict.Source.ADMIN,
            because="",
            reason=reason.strip(),
            now=now,
        )
        audit.record(
            audit.Action.CONFLICT,
            f"Conflict of {judge} with {nomination.reference} recorded by the awards office",
            actor=by,
            subject=f"nomination:{nomination.pk}",
            data={"reason": reason.strip()},
        )
    return Conflict.objects.get(judge=judge, nomination=nomination)


def conflict_remove(*, conflict: Conflict, reason: str, by, now) -> Conflict:
    """Only the awards office takes back a confirmed conflict, and says why; the change is audited.
    The judge has then still to declare for the nomination if they never did."""
    reason = reason.strip()
    if not reason:
        raise ConflictRefused("Say why the conflict is removed.")
    with transaction.atomic():
        locked = Conflict.objects.select_for_update().get(pk=conflict.pk)
        if locked.status != Conflict.Status.CONFIRMED:
            raise ConflictRefused("Only a confirmed conflict can be removed.")
        previous = locked.reason
        locked.status, locked.reason, locked.decided_at = Conflict.Status.REJECTED, reason, now
        locked.save(update_fields=["status", "reason", "decided_at"])
        audit.record(
            audit.Action.CONFLICT,
            f"Conflict of {locked.judge} with {locked.nomination.reference} removed by the awards office",
            actor=by,
            subject=f"nomination:{locked.nomination_id}",
            data={"reason": reason, "previous_reason": previous, "source": locked.source},
        )
    return locked
