"""The schedule's reminders about nominations (plaudit.schedule): to nominators whose draft is
not submitted as the deadline nears, and to nominees whose answer is awaited.

Each reminder has a key, so it goes once. A draft holder gets the reminder of the nearest of the
programme's days before the deadline (7 and 1 by default), never after the deadline, never for a
draft saved in the last day, and never after asking for no more (the link in each reminder). A
nominee gets at most two reminders, a week and two weeks after the nomination, each with a new
link to answer (the old one stops working), and none once judging has ended.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from audit import log as audit
from awards.models import Status
from plaudit import addresses
from plaudit.emails import build
from plaudit.schedule import Message, job

from . import endorsements
from .domain import consent_link_expires_at
from .links import mine_url
from .models import Endorsement, Nomination, new_token

STOP_SALT = "plaudit.nominations.reminders.stop"
QUIET_AFTER_SAVING = dt.timedelta(days=1)
CONSENT_REMINDERS = (dt.timedelta(days=7), dt.timedelta(days=14))


def stop_token(email: str) -> str:
    """The key in every reminder to a nominator that stops them (signed, for that address)."""
    return signing.dumps(addresses.normalised_or_none(email) or "", salt=STOP_SALT)


def stop_resolve(token: str) -> str | None:
    try:
        return signing.loads(token, salt=STOP_SALT)
    except signing.BadSignature:
        return None


def reminders_stop(email: str, now) -> int:
    """No more reminders about drafts started with this address; returns how many drafts."""
    address = addresses.normalised_or_none(email)
    if address is None:
        return 0
    drafts = Nomination.objects.filter(
        nominator_email=address, status=Nomination.Status.DRAFT, reminders_stopped_at__isnull=True
    )
    return drafts.update(reminders_stopped_at=now)


def noted(summary: str, subject: str):
    """Recorded in the audit log once a reminder has gone: what and about which, never the address
    (which stays in the delivery log, under the retention rules, not in the append-only log)."""
    return lambda: audit.record(audit.Action.REMINDER, f"Sent: {summary}", subject=subject)


def due_day(days: list[int], left: dt.timedelta) -> int | None:
    """Of the programme's reminder days, the nearest one the time left has reached (or None)."""
    reached = [day for day in days if left <= dt.timedelta(days=day)]
    return min(reached) if reached else None


@job
def draft_deadlines(now: dt.datetime):
    drafts = (
        Nomination.objects.filter(
            status=Nomination.Status.DRAFT,
            reminders_stopped_at__isnull=True,
            award__programme__status=Status.PUBLISHED,
            last_saved_at__lt=now - QUIET_AFTER_SAVING,
        )
        .exclude(nominator_email="")
        .select_related("award__programme")
    )
    for nomination in drafts:
        closes = nomination.closes_at
        if closes is None or closes <= now or not nomination.is_open(now):
            continue
        day = due_day(list(nomination.award.programme.draft_reminder_days or []), closes - now)
        if day is None:
            continue
        yield Message(
            key=f"draft-deadline:{nomination.pk}:{day}",
            kind="draft_deadline",
            to=nomination.nominator_email,
            subject=f"Your nomination for {nomination.award.title} is not submitted yet",
            build=lambda n=nomination, c=closes: _draft_email(n, c),
            programme_ref=nomination.award.programme_id,
            on_sent=noted(
                f"reminder of the deadline for {nomination.reference} ({day} days)", f"nomination:{nomination.pk}"
            ),
        )


def _draft_email(nomination: Nomination, closes: dt.datetime):
    programme = nomination.award.programme
    context = {
        "nomination": nomination,
        "award": nomination.award,
        "closes": closes.astimezone(programme.zone),
        "mine_url": mine_url(nomination.nominator_email),
        "stop_url": stop_url(nomination.nominator_email),
    }
    return build(
        subject=f"Your nomination for {nomination.award.title} is not submitted yet",
        text=render_to_string("nominations/email/draft_reminder.txt", context),
        to=nomination.nominator_email,
        programme=programme,
    )


@job
def consent_pending(now: dt.datetime):
    waiting = (
        Nomination.objects.filter(
            status=Nomination.Status.SUBMITTED,
            consent_status=Nomination.Consent.PENDING,
            submitted_at__lte=now - CONSENT_REMINDERS[0],
        )
        .exclude(nominee_email="")
        .select_related("award__programme")
    )
    for nomination in waiting:
        expires = consent_link_expires_at(nomination)
        if expires is not None and now >= expires:
            continue  # judging has ended: an answer would change nothing
        number = sum(1 for after in CONSENT_REMINDERS if now - nomination.submitted_at >= after)
        yield Message(
            key=f"consent-pending:{nomination.pk}:{number}",
            kind="consent_pending",
            to=nomination.nominee_email,
            subject=f"Reminder: you have been nominated for {nomination.award.title}",
            build=lambda n=nomination: _consent_email(n),
            programme_ref=nomination.award.programme_id,
            on_sent=noted(f"consent reminder {number} for {nomination.reference}", f"nomination:{nomination.pk}"),
        )


def consent_link_renew(nomination: Nomination) -> str:
    """A new link for the nominee to answer with; its hash replaces the old one's, which stops working."""
    token, token_hash = new_token()
    Nomination.objects.filter(pk=nomination.pk, consent_status=Nomination.Consent.PENDING).update(
        consent_token_hash=token_hash
    )
    return settings.SITE_URL + reverse("nominations:consent", args=[token])


def stop_url(email: str) -> str:
    return settings.SITE_URL + reverse("nominations:reminders_stop", args=[stop_token(email)])


def _consent_email(nomination: Nomination):
    """The request again, with a new link (the old one stops working)."""
    context = {
        "nomination": nomination,
        "award": nomination.award,
        "url": consent_link_renew(nomination),
        "expires": consent_link_expires_at(nomination),
        "reminder": True,
    }
    return build(
        subject=f"Reminder: you have been nominated for {nomination.award.title}",
        text=render_to_string("nominations/email/consent.txt", context),
        to=nomination.nominee_email,
        programme=nomination.award.programme,
    )


STATEMENT_STOP_SALT = "plaudit.nominations.statement.stop"
REFEREE_AFTER = dt.timedelta(days=7)
REFEREE_BEFORE_DEADLINE = dt.timedelta(days=2)


def statement_stop_token(endorsement: Endorsement) -> str:
    return signing.dumps(endorsement.pk, salt=STATEMENT_STOP_SALT)


def statement_stop_resolve(token: str) -> Endorsement | None:
    try:
        pk = signing.loads(token, salt=STATEMENT_STOP_SALT)
    except signing.BadSignature:
        return None
    return Endorsement.objects.select_related("nomination__award__programme").filter(pk=pk).first()


def statement_reminders_stop(endorsement: Endorsement, now) -> None:
    Endorsement.objects.filter(pk=endorsement.pk, reminders_stopped_at__isnull=True).update(reminders_stopped_at=now)


def referee_reminder_number(endorsement: Endorsement, now) -> int:
    """Which reminder is due (0: none): the first a week after asking, the second two days before
    the deadline; at most two, and none once the deadline has passed."""
    closes = endorsements.deadline(endorsement)
    if closes is None or now >= closes:
        return 0
    if closes - now <= REFEREE_BEFORE_DEADLINE and now - endorsement.requested_at >= dt.timedelta(days=1):
        return 2
    return 1 if now - endorsement.requested_at >= REFEREE_AFTER else 0


@job
def referees_pending(now: dt.datetime):
    waiting = (
        Endorsement.objects.filter(
            status=Endorsement.Status.REQUESTED,
            reminders_stopped_at__isnull=True,
            nomination__status=Nomination.Status.SUBMITTED,
            nomination__award__programme__status=Status.PUBLISHED,
            nomination__nominee_data_removed_at__isnull=True,
        )
        .exclude(nomination__consent_status=Nomination.Consent.DECLINED)
        .select_related("nomination__award__programme", "question")
    )
    for endorsement in waiting:
        number = referee_reminder_number(endorsement, now)
        if not number:
            continue
        nomination = endorsement.nomination
        yield Message(
            key=f"referee-pending:{endorsement.pk}:{number}",
            kind="referee_pending",
            to=endorsement.referee_email,
            subject=f"Reminder: Would you support a nomination for {nomination.award.title}?",
            build=lambda e=endorsement: endorsements.request_email(
                e,
                endorsements.link_renew(e),
                reminder=True,
                stop_url=settings.SITE_URL + reverse("nominations:statement_stop", args=[statement_stop_token(e)]),
            ),
            programme_ref=nomination.award.programme_id,
            on_sent=noted(
                f"reminder {number} to the referee for {nomination.reference}", f"nomination:{nomination.pk}"
            ),
        )
