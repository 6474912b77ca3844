"""Which entries of a stage are judged, and what is in each: the one place that says so.

An entry holds one nomination, or a dossier of nominations of the same nominee. It is judged
while what it holds may be judged (nominations.selectors.judgeable: submitted, not withdrawn
or ruled out, consent given or not needed, details not removed):

- a nomination's own entry, while the nomination is judgeable and its dossier (if it has
  been merged into one since) has no entry of its own in the stage, so nobody is judged twice;
- a dossier's entry, while at least one of its nominations is judgeable; only those are shown.

An entry that stops being judged is not deleted and keeps its scores: it leaves judges'
queues, scoring pages, rankings, exports and packs, and the chair sees it listed with the
reason (`excluded`). It comes back if what it holds becomes judgeable again.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from nominations.models import Nomination
from nominations.selectors import judgeable as judgeable_nominations

from .models import Decision, Entry, Stage


def judgeable_q() -> Q:
    """A filter on Entry: the entries that are judged (see the module's docstring)."""
    own_dossier_entry = Entry.objects.filter(stage=OuterRef("stage"), dossier_id=OuterRef("nomination__dossier_id"))
    member = judgeable_nominations().filter(dossier_id=OuterRef("dossier_id"))
    return (
        Q(nomination__isnull=False) & Nomination.judgeable_q(prefix="nomination__") & ~Exists(own_dossier_entry)
    ) | (Q(dossier__isnull=False) & Exists(member))


def judgeable(queryset):
    """The judged entries of a queryset of entries."""
    return queryset.filter(judgeable_q())


# How a page shows a blind stage's entries (judging.access.blindness): True, every entry by its
# reference only; False, every entry named; or the set of the ids of those shown by reference only.
Blindness = bool | frozenset


def blind_for(blind: Blindness, entry) -> bool:
    """Whether this entry (or entry id) is shown by its reference only, under a page's blindness."""
    if isinstance(blind, frozenset):
        return getattr(entry, "pk", entry) in blind
    return bool(blind)


def undecided(stage: Stage):
    """The stage's judged entries without an applied decision: while there is one, a blind stage
    is blind to its chairs, unblinded or not (judging.access.sees_identities)."""
    return judgeable(stage.entries.all()).exclude(decision__status=Decision.Status.APPLIED)


def nominations_of(entries) -> dict[int, list[Nomination]]:
    """The nominations each entry shows, in reference order: a nomination entry's own, a dossier
    entry's judgeable members. Two queries whatever the number of entries."""
    entries = list(entries)
    own = {entry.nomination_id for entry in entries if entry.nomination_id}
    dossiers = {entry.dossier_id for entry in entries if entry.dossier_id}
    by_id = {n.pk: n for n in Nomination.objects.filter(pk__in=own).select_related("award")}
    members: dict[int, list[Nomination]] = {}
    for nomination in (
        judgeable_nominations().filter(dossier_id__in=dossiers).select_related("award").order_by("reference")
    ):
        members.setdefault(nomination.dossier_id, []).append(nomination)
    return {
        entry.pk: [by_id[entry.nomination_id]] if entry.nomination_id else members.get(entry.dossier_id, [])
        for entry in entries
    }


@dataclass
class Excluded:
    entry: Entry
    reason: str  # in words, naming no one: safe in a blind stage
    detail: str = ""  # the office's own words (a reason for ineligibility), shown only where names may be


def excluded(stage: Stage, entries) -> list[Excluded]:
    """Each of the given entries that are no longer judged (judging.access.left_judging_for_chair:
    already scoped to the viewer), with why, for the chair's list of "withdrawn or excluded since
    brought in"."""
    rows = []
    left = entries.select_related("nomination__award__programme", "dossier").order_by("id")
    dossier_entries = set(stage.entries.exclude(dossier=None).values_list("dossier_id", flat=True))
    for entry in left:
        entry.stage = stage
        nomination = entry.nomination
        if nomination is not None:
            reason = nomination.why_not_judged
            if reason is None and nomination.dossier_id in dossier_entries:
                reason = "merged into a dossier judged as one entry"
            detail = nomination.ineligible_reason if nomination.status == Nomination.Status.INELIGIBLE else ""
            rows.append(Excluded(entry, reason or "no longer judged", detail))
        else:
            rows.append(Excluded(entry, "no nomination in the dossier can be judged now"))
    return rows


def stage_sync_entries(*, stage: Stage) -> int:
    """Bring every judgeable submitted nomination into the stage, a dossier as one entry. Returns how
    many entries were added. Judges declare for new entries before they see them (judging.conflicts).

    Only for stages that take all eligible entries; later stages receive the entries the chair promotes.
    """
    if stage.entries_from != Stage.EntriesFrom.ALL_ELIGIBLE:
        raise ValueError("This stage takes the entries promoted from the previous stage, not all eligible ones.")
    nominations = judgeable_nominations(stage.award.nominations.all())
    with transaction.atomic():
        have_nominations = set(stage.entries.exclude(nomination=None).values_list("nomination_id", flat=True))
        have_dossiers = set(stage.entries.exclude(dossier=None).values_list("dossier_id", flat=True))
        new = []
        for nomination in nominations.only("pk", "dossier_id"):
            if nomination.dossier_id:
                if nomination.dossier_id not in have_dossiers:
                    have_dossiers.add(nomination.dossier_id)
                    new.append(Entry(stage=stage, dossier_id=nomination.dossier_id))
            elif nomination.pk not in have_nominations:
                new.append(Entry(stage=stage, nomination_id=nomination.pk))
        Entry.objects.bulk_create(new)
    return len(new)
