"""Messages from the awards office to a segment of the programme's people: nominators of an award
with drafts or with submitted nominations, nominees whose answer is awaited, judges of a stage
with scorecards left.

The office writes a subject and a body with placeholders (`{name}`, `{award}`…), checked by name
against what the segment offers; previews it as one real recipient would read it; confirms it
with the number it goes to. Confirming freezes who receives it; the task worker sends it, and each
message goes at most once (plaudit.schedule's delivery log: a second run skips what has gone).
Placeholders are filled by plain replacement: nothing anyone typed is compiled as a template.
"""

import dataclasses
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from audit import log as audit
from awards.models import Award
from judging.models import Stage
from judging.selectors import judge_progress
from nominations.links import mine_url
from nominations.models import Nomination
from nominations.reminders import consent_link_renew
from plaudit import addresses
from plaudit import text as text_rules
from plaudit.emails import build
from plaudit.models import Delivery
from plaudit.people import display_name
from plaudit.schedule import Message, deliver
from plaudit.text import one_line

from .models import OfficeMessage

LINK_IN_PREVIEW = "[a link of their own, made when the message is sent]"


@dataclasses.dataclass(frozen=True)
class Recipient:
    key: str  # unique within the segment: "nomination:12", "judge:5"
    email: str
    values: dict[str, str]  # every placeholder but the link
    link: Callable[[], str]  # made only when the message is built (a nominee's is new each time)


@dataclasses.dataclass(frozen=True)
class Segment:
    key: str
    label: str  # "Nominators with a draft not submitted"
    target: str  # "award" or "stage": what the office chooses it for
    placeholders: dict[str, str]  # name: what it becomes, as the compose page lists them
    recipients: Callable[[object], list[Recipient]]
    why: str  # the line at the foot of the email: why this person receives it


COMMON = {
    "name": "the person's name",
    "programme": "the programme's name",
    "award": "the award's title",
}
ABOUT_A_NOMINATION = {
    "reference": "the nomination's reference, like EPX26-0042",
    "nominee": "who is nominated",
    "deadline": "when nominations close, in the programme's time zone",
}

SEGMENTS: dict[str, Segment] = {}


def segment(key: str, label: str, target: str, placeholders: dict, why: str):
    def register(fn):
        SEGMENTS[key] = Segment(key, label, target, placeholders, fn, why)
        return fn

    return register


def _when(moment, programme) -> str:
    if moment is None:
        return "(no closing date set)"
    return format_date(moment.astimezone(programme.zone), "l j F Y, g:i a")


def _nomination_values(nomination: Nomination, name: str) -> dict[str, str]:
    programme = nomination.award.programme
    draft = nomination.identity_draft or {}
    return {
        "name": name,
        "programme": programme.name,
        "award": nomination.award.title,
        "reference": nomination.reference,
        "nominee": nomination.nominee_name or str(draft.get("nominee_name") or ""),
        "deadline": _when(nomination.closes_at, programme),
    }


def _nominators(award: Award, status: str) -> list[Recipient]:
    nominations = (
        Nomination.objects.filter(award=award, status=status)
        .exclude(nominator_email="")
        .select_related("award__programme")
        .order_by("pk")
    )
    if status == Nomination.Status.DRAFT:
        nominations = nominations.filter(reminders_stopped_at__isnull=True)  # they asked for no more
    return [
        Recipient(
            f"nomination:{n.pk}",
            n.nominator_email,
            _nomination_values(n, n.nominator_name or str((n.identity_draft or {}).get("nominator_name") or "")),
            lambda email=n.nominator_email: mine_url(email),
        )
        for n in nominations
    ]


@segment(
    "drafts",
    "Nominators with a draft not submitted",
    "award",
    COMMON | ABOUT_A_NOMINATION | {"link": "a link to their nominations"},
    "You are receiving this because you started a nomination for {award}.",
)
def drafts(award: Award) -> list[Recipient]:
    return _nominators(award, Nomination.Status.DRAFT)


@segment(
    "submitted",
    "Nominators of submitted nominations",
    "award",
    COMMON | ABOUT_A_NOMINATION | {"link": "a link to their nominations"},
    "You are receiving this because you submitted a nomination for {award}.",
)
def submitted(award: Award) -> list[Recipient]:
    return _nominators(award, Nomination.Status.SUBMITTED)


@segment(
    "consent",
    "Nominees who have not yet said whether they agree to be considered",
    "award",
    COMMON | ABOUT_A_NOMINATION | {"link": "a new link to answer (their earlier one stops working)"},
    "You are receiving this because you were nominated for {award}.",
)
def consent_pending(award: Award) -> list[Recipient]:
    nominations = (
        Nomination.objects.filter(
            award=award, status=Nomination.Status.SUBMITTED, consent_status=Nomination.Consent.PENDING
        )
        .exclude(nominee_email="")
        .select_related("award__programme")
        .order_by("pk")
    )
    return [
        Recipient(
            f"nomination:{n.pk}",
            n.nominee_email,
            _nomination_values(n, n.nominee_name),
            lambda n=n: consent_link_renew(n),
        )
        for n in nominations
    ]


@segment(
    "behind",
    "Judges with scorecards left",
    "stage",
    COMMON
    | {
        "stage": "the stage's name",
        "deadline": "when the stage closes, in the programme's time zone",
        "left": "how many of their entries are left to score",
        "link": "a link to their list of entries",
    },
    "You are receiving this because you are a judge of {award}.",
)
def judges_behind(stage: Stage) -> list[Recipient]:
    programme = stage.award.programme
    url = settings.SITE_URL + reverse("judging:queue", args=[stage.pk])
    rows = sorted(judge_progress(stage).values(), key=lambda row: row.member.user_id)
    return [
        Recipient(
            f"judge:{row.member.user_id}",
            row.member.user.email,
            {
                "name": display_name(row.member.user),
                "programme": programme.name,
                "award": stage.award.title,
                "stage": stage.name,
                "deadline": _when(stage.closes_at, programme),
                "left": str(row.remaining),
            },
            lambda: url,
        )
        for row in rows
        if row.remaining > 0 and row.member.user.email
    ]


def unknown_placeholders(text: str, segment_key: str) -> list[str]:
    """The `{names}` in the text that the segment does not offer."""
    return text_rules.unknown_placeholders(text, SEGMENTS[segment_key].placeholders)


def fill(text: str, values: dict[str, str]) -> str:
    return text_rules.fill_placeholders(text, values)


def target_of(message: OfficeMessage):
    return message.stage if SEGMENTS[message.segment].target == "stage" else message.award


def recipients(message: OfficeMessage) -> list[Recipient]:
    """Who the message goes to now: before it is confirmed, the segment as it stands; afterwards,
    those confirmed who are still in it (someone who has since submitted, answered or asked for
    no more is left out; nobody new is added)."""
    current = SEGMENTS[message.segment].recipients(target_of(message))
    if message.status == OfficeMessage.Status.DRAFT:
        return current
    confirmed = set(message.recipients)
    return [r for r in current if r.key in confirmed]


def people_count(found: list[Recipient]) -> int:
    return len({addresses.normalised_or_none(r.email) or r.email for r in found})


def email_text(message: OfficeMessage, recipient: Recipient, link: str) -> tuple[str, str]:
    """(subject, body) as this recipient reads them."""
    values = recipient.values | {"link": link}
    why = fill(SEGMENTS[message.segment].why, values)
    subject = one_line(fill(message.subject, values), 250)
    return subject, f"{fill(message.body, values).rstrip()}\n\n---\n{why}\n"


def preview(message: OfficeMessage, found: list[Recipient]) -> tuple[Recipient, str, str] | None:
    """The message as its first recipient (of `found`, `recipients(message)`) would read it, their
    link left out (the office never sees a link that would let them in as someone else)."""
    if not found:
        return None
    return found[0], *email_text(message, found[0], LINK_IN_PREVIEW)


@transaction.atomic
def message_save(*, programme, message: OfficeMessage | None, segment: str, target, subject: str, body: str, by):
    """Write a draft message (a new one, or a change to a draft); confirmed messages stay as sent."""
    if message is None:
        message = OfficeMessage(programme=programme, created_by=by)
    elif message.status != OfficeMessage.Status.DRAFT:
        return message
    message.segment = segment
    message.award = target if SEGMENTS[segment].target == "award" else target.award
    message.stage = target if SEGMENTS[segment].target == "stage" else None
    message.subject, message.body = subject, body
    message.save()
    return message


def delivery_counts(message_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per message: how many deliveries are sent, failed or still sending (one query)."""
    counts: dict[int, dict[str, int]] = {pk: {} for pk in message_ids}
    if not message_ids:
        return counts
    query = Q()
    for pk in message_ids:
        query |= Q(key__startswith=f"office-message:{pk}:")
    for key, status in Delivery.objects.filter(query, kind="office_message").values_list("key", "status"):
        pk = int(key.split(":")[1])
        if pk in counts:
            counts[pk][status] = counts[pk].get(status, 0) + 1
    return counts


def deliveries(message: OfficeMessage):
    """The delivery log of one message: to whom, whether it went, when, and why not."""
    return Delivery.objects.filter(kind="office_message", key__startswith=f"office-message:{message.pk}:").order_by(
        "pk"
    )


class RecipientsChanged(Exception):
    def __init__(self, count: int):
        self.count = count


@transaction.atomic
def message_confirm(*, message: OfficeMessage, expected: int, by, now) -> list[str]:
    """Freeze who receives the message and mark it queued (the caller then queues
    `tasks.send_office_message`; returns the recipients' keys, or [] if it was confirmed
    already). `expected` is the number the office was shown: if the segment has changed since,
    nothing changes (RecipientsChanged with the new number), so they confirm what will happen."""
    locked = OfficeMessage.objects.select_for_update().get(pk=message.pk)
    if locked.status != OfficeMessage.Status.DRAFT:
        return []
    found = recipients(locked)
    if len(found) != expected:
        raise RecipientsChanged(len(found))
    locked.recipients = [r.key for r in found]
    locked.status = OfficeMessage.Status.QUEUED
    locked.confirmed_at = now
    locked.confirmed_by = by
    locked.save(update_fields=["recipients", "status", "confirmed_at", "confirmed_by"])
    audit.record(
        audit.Action.MESSAGE,
        f"Message “{one_line(locked.subject, 100)}” confirmed for {len(found)} recipients "
        f"({SEGMENTS[locked.segment].label.lower()}: {target_of(locked)})",
        actor=by,
        subject=f"programme:{locked.programme_id}",
    )
    return locked.recipients


def delivery_key(message: OfficeMessage, recipient: Recipient) -> str:
    return f"office-message:{message.pk}:{recipient.key}"


def message_send(message_id: int) -> dict[str, int]:
    """Send a confirmed message to each recipient still in its segment, each at most once."""
    message = OfficeMessage.objects.select_related("programme", "award", "stage__award__programme").get(pk=message_id)
    if message.status == OfficeMessage.Status.DRAFT:
        return {}
    counts = {"sent": 0, "failed": 0, "already": 0}
    for recipient in recipients(message):

        def built(r=recipient):
            link = r.link()
            subject, body = email_text(message, r, link)
            return build(subject=subject, text=body, to=r.email, programme=message.programme, links=[link])

        outcome = deliver(
            Message(
                key=delivery_key(message, recipient),
                kind="office_message",
                to=recipient.email,
                subject=one_line(fill(message.subject, recipient.values), 250),
                build=built,
                programme_ref=message.programme_id,
            )
        )
        counts[outcome] += 1
    OfficeMessage.objects.filter(pk=message.pk).update(status=OfficeMessage.Status.SENT, sent_at=timezone.now())
    return counts
