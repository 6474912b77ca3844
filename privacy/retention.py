"""Data protection: anonymising a programme once its retention period has passed, and
gathering everything held about one person (a subject access request).

Anonymising removes what identifies people (names, emails, organisations, answers and their
files, comments, reasons, sent emails, secret links) and keeps what the results are made of
(entries, scores, decisions, the ranking's figures), so a programme's outcome can still be
reported. The audit log is kept, as the record of what was done; it holds references and
account labels, not answers.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import log as audit
from audit.models import AuditEvent
from awards.models import Programme
from judging.models import (
    Conflict,
    Decision,
    DecisionLog,
    OutcomeEmail,
    PanelMember,
    Score,
    Scorecard,
    ShortlistPack,
)
from nominations.models import Answer, Dossier, Endorsement, Nomination, NominationLink
from plaudit import addresses
from plaudit.models import Delivery

REMOVED = "(removed)"


def due(now=None):
    """Programmes whose retention period has passed and that are not yet anonymised."""
    now = now or timezone.now()
    return [p for p in Programme.objects.filter(anonymised_at__isnull=True) if p.retain_until <= now]


def anonymise_programme(programme: Programme, *, now=None, by=None) -> dict:
    """Anonymise one programme in one transaction. Returns counts of what was removed."""
    now = now or timezone.now()
    nominations = Nomination.objects.filter(award__programme=programme)
    entries_q = Q(entry__nomination__in=nominations) | Q(entry__dossier__award__programme=programme)
    counts = {}
    with transaction.atomic():
        answers = Answer.objects.filter(nomination__in=nominations)
        for answer in answers.filter(~Q(file="") | ~Q(draft_file="")):
            for stored in (answer.file, answer.draft_file):
                if stored:
                    stored.delete(save=False)
        counts["answers"] = answers.delete()[0]
        counts["links"] = NominationLink.objects.filter(nomination__in=nominations).delete()[0]
        # Referees' statements go with the answers they sat beside (letters deleted first).
        statements = Endorsement.objects.filter(nomination__in=nominations)
        for endorsement in statements.exclude(letter=""):
            endorsement.letter.delete(save=False)
        counts["statements"] = statements.delete()[0]
        counts["nominations"] = nominations.update(
            nominator_email="",
            nominator_name="",
            nominator_organisation="",
            nominator_relationship="",
            nominee_name=REMOVED,
            nominee_job_title="",
            nominee_organisation="",
            nominee_email="",
            identity_draft={},
            ineligible_reason="",
            consent_token_hash="",
            # Not nominee_data_removed_at: that is the nominee's own request, which takes a nomination
            # out of judging; a programme anonymised at the end of retention keeps its results.
        )
        Dossier.objects.filter(award__programme=programme).update(title=REMOVED)
        counts["comments"] = (
            Score.objects.filter(
                Q(scorecard__entry__nomination__in=nominations)
                | Q(scorecard__entry__dossier__award__programme=programme)
            )
            .exclude(comment="")
            .update(comment="", feedback_approved=False, feedback_text="")
        )
        counts["overall_comments"] = (
            Scorecard.objects.filter(entries_q)
            .exclude(overall_comment="")
            .update(overall_comment="", feedback_approved=False, feedback_text="")
        )
        Conflict.objects.filter(nomination__in=nominations).update(reason="", detected_because="")
        Decision.objects.filter(entries_q).update(reason="")
        DecisionLog.objects.filter(entries_q).update(reason="")
        counts["emails"] = OutcomeEmail.objects.filter(nomination__in=nominations).update(to="", subject="", body="")
        counts["reminders"] = Delivery.objects.filter(programme_ref=programme.pk).update(to="", subject="")
        packs = ShortlistPack.objects.filter(stage__award__programme=programme)
        for pack in packs.exclude(pdf=""):
            pack.pdf.delete(save=False)
        packs.update(pdf="", status="failed", error="Removed at the end of the retention period.")
        Programme.objects.filter(pk=programme.pk).update(anonymised_at=now)
        audit.record(
            audit.Action.CONFIGURATION,
            f"Programme {programme.slug} anonymised at the end of its retention period",
            actor=by,
            subject=f"programme:{programme.pk}",
            data=counts,
        )
    return counts


def apply_retention(now=None) -> list[tuple[Programme, dict]]:
    """Anonymise every programme that is due. Run daily (command `apply_retention`, or the task)."""
    return [(programme, anonymise_programme(programme, now=now)) for programme in due(now)]


def subject_access(email: str, programmes=None) -> dict:
    """Everything held about the person with this email address, as plain data. With
    `programmes` (a programme manager's request), only what those programmes hold: their
    nominations, and the person's panels, conflicts and scorecards in them; the site's audit
    log is then left to a superuser's request."""
    email = addresses.normalised_or_none(email) or ""
    scoped = programmes is not None

    def when(value):
        return value.isoformat() if isinstance(value, dt.datetime) else value

    # Stored addresses are in the rule's form (plaudit.addresses): compared exactly, never folded.
    nominations = Nomination.objects.filter(Q(nominator_email=email) | Q(nominee_email=email), pk__isnull=not email)
    seats = PanelMember.objects.all()
    conflicts = Conflict.objects.all()
    cards = Scorecard.objects.all()
    if scoped:
        nominations = nominations.filter(award__programme__in=programmes)
        seats = seats.filter(stage__award__programme__in=programmes)
        conflicts = conflicts.filter(nomination__award__programme__in=programmes)
        cards = cards.filter(entry__stage__award__programme__in=programmes)
    held = {"email": email, "prepared_at": timezone.now().isoformat(), "nominations": [], "judging": {}, "audit": []}
    if scoped:
        held["programmes"] = sorted(str(p) for p in programmes)
    for nomination in nominations.select_related("award__programme").prefetch_related(
        "answers__question", "outcome_emails"
    ):
        held["nominations"].append(
            {
                "reference": nomination.reference,
                "programme": nomination.award.programme.name,
                "award": nomination.award.title,
                "role": "nominator" if nomination.nominator_email == email else "nominee",
                "status": nomination.status,
                "submitted_at": when(nomination.submitted_at),
                "identity": {
                    field: getattr(nomination, field)
                    for field in (
                        "nominee_name",
                        "nominee_job_title",
                        "nominee_organisation",
                        "nominee_email",
                        "nominator_name",
                        "nominator_email",
                        "nominator_organisation",
                        "nominator_relationship",
                    )
                },
                "consent": nomination.consent_status,
                "answers": {a.question.prompt: a.value for a in nomination.answers.all()},
                "outcome_emails": [
                    {
                        "outcome": e.outcome,
                        "to": e.audience,
                        "subject": e.subject,
                        "status": e.status,
                        "sent_at": e.sent_at,
                    }
                    # Both audiences' emails: each is about the nomination, so about both people.
                    for e in nomination.outcome_emails.all()
                ],
            }
        )
    users = list(addresses.accounts(email))
    for user in users:
        if scoped and not (seats.filter(user=user).exists() or conflicts.filter(judge=user).exists()):
            continue  # no part in these programmes' judging
        held["judging"][user.get_username()] = {
            "name": user.get_full_name(),
            "last_login": when(user.last_login),
            "panels": [
                {"stage": str(seat.stage), "role": seat.role, "group": seat.group.name if seat.group else ""}
                for seat in seats.filter(user=user).select_related("stage__award", "group")
            ],
            "conflicts": list(conflicts.filter(judge=user).values("nomination__reference", "status", "reason")),
            "scorecards": [
                {
                    "entry": card.entry.reference,
                    "status": card.status,
                    "overall_comment": card.overall_comment,
                    "scores": {s.criterion.title: (None if s.not_applicable else s.value) for s in card.scores.all()},
                    "comments": {s.criterion.title: s.comment for s in card.scores.all() if s.comment},
                }
                for card in cards.filter(judge=user)
                .select_related("entry__nomination", "entry__dossier", "entry__stage__award")
                .prefetch_related("scores__criterion")
            ],
        }
    statements = Endorsement.objects.filter(referee_email=email, pk__isnull=not email).select_related(
        "nomination__award__programme"
    )
    if scoped:
        statements = statements.filter(nomination__award__programme__in=programmes)
    held["statements"] = [
        {
            "nomination": e.nomination.reference,
            "programme": e.nomination.award.programme.name,
            "award": e.nomination.award.title,
            "as_named": {"name": e.referee_name, "role": e.referee_role, "email": e.referee_email},
            "note_from_the_nominator": e.note,
            "status": e.status,
            "statement": e.statement,
            "letter": e.letter_name,
            "received_at": when(e.received_at),
        }
        for e in statements
    ]
    if scoped:
        return held
    held["reminders"] = [
        {"sent": when(d.sent_at or d.created_at), "subject": d.subject, "status": d.status}
        for d in Delivery.objects.filter(to=email, pk__isnull=not email)
    ]
    held["audit"] = [
        {"at": e.at.isoformat(), "action": e.action, "summary": e.summary}
        # An event's label is its actor's address when it was written (audit.log.label), beside
        # the actor's id; the log is append-only, so an old label keeps the case it had.
        for e in AuditEvent.objects.filter(
            Q(actor_id__in=[u.pk for u in users]) | Q(actor_label=email, pk__isnull=not email)
        )[:5000]
    ]
    return held
