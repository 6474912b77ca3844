"""Service functions of judging set-up: entries into a stage, suggested conflicts, assignments."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from nominations.dossiers import normalise_organisation
from nominations.selectors import judgeable

from .assignment import Split, balanced_split
from .models import Assignment, Conflict, Entry, PanelMember, Stage

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


def stage_sync_entries(*, stage: Stage) -> int:
    """Bring every eligible submitted nomination into the stage, a dossier as one entry. Returns how many were added.

    Only for stages that take all eligible entries; later stages receive the entries the chair promotes.
    """
    if stage.entries_from != Stage.EntriesFrom.ALL_ELIGIBLE:
        raise ValueError("This stage takes the entries promoted from the previous stage, not all eligible ones.")
    nominations = judgeable(stage.award.nominations.all())
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


@dataclass(frozen=True)
class Suggestion:
    nomination_id: int
    because: str


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in (email or "") else ""


def suggested_conflicts(*, member: PanelMember, nominations) -> list[Suggestion]:
    """Conflicts the app can see for a judge: they are the nominee or the nominator, or share an
    organisation or (a non-shared) email domain with either."""
    judge_email = (member.user.email or "").strip().lower()
    judge_domain = _domain(judge_email)
    judge_org = normalise_organisation(member.organisation)
    found = []
    for nomination in nominations:
        because = None
        if judge_email and judge_email == nomination.nominee_email.strip().lower():
            because = "you are the nominee"
        elif judge_email and judge_email == nomination.nominator_email.strip().lower():
            because = "you nominated them"
        elif judge_org and judge_org == normalise_organisation(nomination.nominee_organisation):
            because = "you work at the nominee's organisation"
        elif judge_org and judge_org == normalise_organisation(nomination.nominator_organisation):
            because = "you work at the nominator's organisation"
        elif judge_domain and judge_domain not in SHARED_DOMAINS:
            if judge_domain == _domain(nomination.nominee_email):
                because = "your email domain is the nominee's"
            elif judge_domain == _domain(nomination.nominator_email):
                because = "your email domain is the nominator's"
        if because:
            found.append(Suggestion(nomination.pk, because))
    return found


def conflicted_pairs(stage: Stage) -> set[tuple[int, int]]:
    """(judge id, entry id) for every confirmed conflict, an entry being conflicted through any of its nominations."""
    judges = stage.members.filter(role=PanelMember.Role.JUDGE).values_list("user_id", flat=True)
    conflicts = Conflict.objects.filter(judge_id__in=judges, status=Conflict.Status.CONFIRMED)
    by_nomination: dict[int, set[int]] = {}
    for judge_id, nomination_id in conflicts.values_list("judge_id", "nomination_id"):
        by_nomination.setdefault(nomination_id, set()).add(judge_id)
    pairs = set()
    for entry in stage.entries.prefetch_related("dossier__nominations"):
        members = [entry.nomination_id] if entry.nomination_id else [n.pk for n in entry.dossier.nominations.all()]
        for nomination_id in members:
            for judge_id in by_nomination.get(nomination_id, ()):
                pairs.add((judge_id, entry.pk))
    return pairs


def stage_assign(*, stage: Stage) -> Split:
    """Replace the stage's assignments: everyone on everything, or the balanced split; never a conflict."""
    members = list(stage.members.filter(role=PanelMember.Role.JUDGE).select_related("group"))
    judges = {member.user_id: (member.group.name if member.group else None) for member in members}
    entries = list(stage.entries.values_list("pk", flat=True))
    conflicts = conflicted_pairs(stage)
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
    return split


def judge_invite(*, stage: Stage, name: str, email: str, role: str, group=None) -> PanelMember:
    """Give a person a seat on a stage's panel, creating their account if need be, and email them a link.

    Accounts are personal (one per email address); an existing account is reused, never shared.
    """
    from django.contrib.auth import get_user_model

    from .accounts import send_sign_in_link

    User = get_user_model()
    email = email.strip()
    first, _, last = name.strip().partition(" ")
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).order_by("pk").first()
        if user is None:
            user = User(username=email.lower(), email=email, first_name=first, last_name=last)
            user.set_unusable_password()
            user.save()
        seat, _ = PanelMember.objects.update_or_create(stage=stage, user=user, defaults={"role": role, "group": group})
    transaction.on_commit(lambda: send_sign_in_link(user, invitation=True))
    return seat


def declaration_rows(*, stage: Stage, member: PanelMember):
    """What a judge declares against: each nominee (or, in a blind stage, each organisation),
    with any conflict the app suggests. Returns (key, label, nomination ids, suggestion or None)."""
    from nominations.models import Nomination

    nominations = list(
        Nomination.objects.filter(Q(entries__stage=stage) | Q(dossier__entries__stage=stage))
        .distinct()
        .order_by("nominee_name", "reference")
    )
    suggestions = {s.nomination_id: s.because for s in suggested_conflicts(member=member, nominations=nominations)}
    rows = []
    if stage.blind:
        by_org: dict[str, list] = {}
        for nomination in nominations:
            by_org.setdefault(nomination.nominee_organisation.strip() or "Organisation not given", []).append(
                nomination
            )
        for index, (organisation, members) in enumerate(sorted(by_org.items())):
            because = next((suggestions[n.pk] for n in members if n.pk in suggestions), None)
            rows.append((f"org-{index}", organisation, [n.pk for n in members], because))
    else:
        for nomination in nominations:
            label = nomination.nominee_name or "(name removed)"
            if nomination.nominee_organisation:
                label += f", {nomination.nominee_organisation}"
            rows.append((f"n-{nomination.pk}", label, [nomination.pk], suggestions.get(nomination.pk)))
    return rows


def conflict_declare(*, stage: Stage, judge, decisions: dict[str, tuple[bool, str]], rows, now) -> None:
    """Record a judge's declaration in one transaction: each row conflicted or not, with a reason.

    A suggestion the judge rejects is kept as rejected, with their reason, for the record.
    """
    from .models import ConflictDeclaration

    with transaction.atomic():
        for key, _label, nomination_ids, because in rows:
            conflicted, reason = decisions.get(key, (False, ""))
            if not conflicted and not because:
                continue  # nothing to record: no conflict, and none was suggested
            status = Conflict.Status.CONFIRMED if conflicted else Conflict.Status.REJECTED
            source = Conflict.Source.DETECTED if because else Conflict.Source.JUDGE
            for nomination_id in nomination_ids:
                Conflict.objects.update_or_create(
                    judge=judge,
                    nomination_id=nomination_id,
                    defaults={
                        "status": status,
                        "source": source,
                        "detected_because": because or "",
                        "reason": reason,
                        "decided_at": now,
                    },
                )
        ConflictDeclaration.objects.update_or_create(stage=stage, judge=judge, defaults={"declared_at": now})
