"""Supporting statements: an award's `endorsement` question asks the nominator to name a referee
(a line manager, a patient, a partner organisation); once the nomination is submitted, the
referee is emailed a link of their own to a page where they write a statement (within the
question's word limit) or upload a letter, with what the nominator chose to tell them.

- A link works once (a statement given, it opens nothing) and until the nomination's deadline.
- Resubmitting with the same referee asks nothing again; naming someone else cancels the first
  request (their link stops working) and asks the new referee.
- The nominator and the awards office see each request's status and can send it again (with a
  new link: the old one stops working).
- Where the question says so (`wait_for_statement`), the nomination is judged only once the
  statement has arrived (`Nomination.statements_waiting`, part of `Nomination.judgeable_q`).
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit import log as audit
from plaudit import addresses
from plaudit.emails import build, links_in

from .models import Endorsement, Nomination, hash_token, new_token
from .uploads import check_upload
from .words import count_words

logger = logging.getLogger(__name__)
RESEND_AFTER = dt.timedelta(minutes=10)  # a second click, or an impatient one, sends nothing more
DEFAULT_WORDS = 500


class StatementClosed(Exception):
    """The referee's link no longer works: answered already, no longer asked, or past the deadline."""


class TooSoon(Exception):
    pass


def words_allowed(endorsement: Endorsement) -> int:
    return endorsement.question.max_words or DEFAULT_WORDS


def deadline(endorsement: Endorsement):
    """Until when the referee may answer: the nomination's own deadline."""
    return endorsement.nomination.closes_at


def is_open(endorsement: Endorsement, now) -> bool:
    closes = deadline(endorsement)
    nomination = endorsement.nomination
    return (
        endorsement.status == Endorsement.Status.REQUESTED
        and nomination.status == Nomination.Status.SUBMITTED
        # A nominee who declined (or had their details removed) is not supported behind their back;
        # if the office records a change of mind, the request is open again.
        and nomination.consent_status != Nomination.Consent.DECLINED
        and nomination.nominee_data_removed_at is None
        and (closes is None or now < closes)
    )


def requests_for_submission(nomination: Nomination, questions, answers: dict, now) -> list[tuple[int, str]]:
    """Within the submission's transaction: the referees named now, asked (new ones), kept (the
    same address) or no longer asked (the question left blank or hidden, or someone else named).
    Returns (endorsement id, link key) for each request to email once the submission commits."""
    current = {
        e.question_id: e
        for e in nomination.endorsements.exclude(status=Endorsement.Status.CANCELLED).select_for_update()
    }
    to_send = []
    for question in questions:
        if question.type != "endorsement":
            continue
        referee = answers.get(question.key)
        existing = current.pop(question.pk, None)
        if existing is not None and referee and addresses.same(existing.referee_email, referee["email"]):
            existing.referee_name, existing.referee_role, existing.note = (
                referee["name"],
                referee["role"],
                referee["note"],
            )
            existing.save(update_fields=["referee_name", "referee_role", "note"])
            continue
        if existing is not None:
            _cancel(existing)
        if referee:
            token, token_hash = new_token()
            endorsement = Endorsement.objects.create(
                nomination=nomination,
                question=question,
                referee_name=referee["name"],
                referee_role=referee["role"],
                referee_email=referee["email"],
                note=referee["note"],
                token_hash=token_hash,
                requested_at=now,
            )
            to_send.append((endorsement.pk, token))
    for left in current.values():  # a question no longer asked
        _cancel(left)
    waiting_refresh(nomination)
    return to_send


def _cancel(endorsement: Endorsement):
    endorsement.status = Endorsement.Status.CANCELLED
    endorsement.token_hash = ""
    endorsement.save(update_fields=["status", "token_hash"])


def waiting_refresh(nomination: Nomination) -> bool:
    """Whether a statement the award waits for has still to arrive; stored on the nomination."""
    waiting = nomination.endorsements.filter(
        status=Endorsement.Status.REQUESTED, question__wait_for_statement=True
    ).exists()
    Nomination.objects.filter(pk=nomination.pk).update(statements_waiting=waiting)
    nomination.statements_waiting = waiting
    return waiting


def cancel_all(nomination: Nomination) -> None:
    """The nomination is withdrawn: no referee is asked any more."""
    for endorsement in nomination.endorsements.filter(status=Endorsement.Status.REQUESTED):
        _cancel(endorsement)


def statement_url(token: str) -> str:
    return settings.SITE_URL + reverse("nominations:statement_open", args=[token])


def request_email(endorsement: Endorsement, token: str, *, reminder: bool = False, stop_url: str = ""):
    """The email that asks the referee (or reminds them), with their link."""
    nomination = endorsement.nomination
    context = {
        "endorsement": endorsement,
        "nomination": nomination,
        "award": nomination.award,
        "url": statement_url(token),
        "closes": deadline(endorsement).astimezone(nomination.award.programme.zone),
        "words": words_allowed(endorsement),
        "reminder": reminder,
        "stop_url": stop_url,
    }
    return build(
        subject=f"{'Reminder: ' if reminder else ''}Would you support a nomination for {nomination.award.title}?",
        text=render_to_string("nominations/email/statement_request.txt", context),
        to=endorsement.referee_email,
        programme=nomination.award.programme,
        links=links_in(context),
    )


def send_request(endorsement_id: int, token: str) -> None:
    """Email the referee their link (after the transaction that made it has committed); a mail
    server that fails is logged, and the nominator or the office can send it again."""
    endorsement = Endorsement.objects.select_related("nomination__award__programme", "question").get(pk=endorsement_id)
    try:
        request_email(endorsement, token).send()
    except Exception:
        logger.exception("Could not send the statement request %s", endorsement_id)


def link_renew(endorsement: Endorsement) -> str:
    """A new link for the referee (the old one stops working), while the request is open."""
    token, token_hash = new_token()
    Endorsement.objects.filter(pk=endorsement.pk, status=Endorsement.Status.REQUESTED).update(
        token_hash=token_hash, last_sent_at=timezone.now(), times_sent=F("times_sent") + 1
    )
    return token


def request_again(endorsement: Endorsement, now, *, by=None) -> None:
    """Send the request again with a new link (the old one stops working): for the nominator or
    the office. Not within a few minutes of the last time."""
    with transaction.atomic():
        locked = Endorsement.objects.select_for_update().select_related("nomination__award").get(pk=endorsement.pk)
        if not is_open(locked, now):
            raise StatementClosed
        if locked.last_sent_at and now - locked.last_sent_at < RESEND_AFTER:
            raise TooSoon
        token, locked.token_hash = new_token()
        locked.last_sent_at = now
        locked.times_sent += 1
        locked.save(update_fields=["token_hash", "last_sent_at", "times_sent"])
        audit.record(
            audit.Action.SUBMISSION,
            f"Request for a supporting statement for {locked.nomination.reference} sent again",
            actor=by,
            subject=f"nomination:{locked.nomination_id}",
        )
        transaction.on_commit(lambda: send_request(locked.pk, token))


def mark_sent(endorsement_id: int, now) -> None:
    Endorsement.objects.filter(pk=endorsement_id).update(last_sent_at=now, times_sent=1)


def find(token: str, now) -> Endorsement | None:
    """The request a referee's link is for, while it may still be answered."""
    if not token:
        return None
    endorsement = (
        Endorsement.objects.select_related("nomination__award__programme", "question")
        .filter(token_hash=hash_token(token))
        .first()
    )
    return endorsement if endorsement is not None and is_open(endorsement, now) else None


def statement_problem(endorsement: Endorsement, text: str, letter) -> tuple[str, str] | None:
    """Why a statement cannot be accepted as given: (the part it is about, "statement" or
    "letter", and the words for the referee), or None if it can."""
    if not text.strip() and letter is None:
        return "statement", "Write your statement or choose a letter to upload"
    limit = words_allowed(endorsement)
    if count_words(text) > limit:
        return "statement", f"Your statement must be {limit} words or fewer. You wrote {count_words(text)} words."
    if letter is not None and (message := check_upload(letter, _letter_rules(endorsement))):
        return "letter", message
    return None


class _LetterRules:
    """The question's upload rules for the letter (PDF or Word, 10 MB, unless it says otherwise)."""

    def __init__(self, question):
        self.file_types = question.file_types or ["pdf", "docx"]
        self.max_size_mb = question.max_size_mb or 10
        self.prompt = "Your letter"
        self.key = question.key


def _letter_rules(endorsement):
    return _LetterRules(endorsement.question)


def letter_types(endorsement) -> list[str]:
    return _letter_rules(endorsement).file_types


def statement_submit(*, endorsement: Endorsement, text: str, letter, now) -> Endorsement:
    """The referee's statement (or letter), once: the request is received, its link opens nothing
    more, and a nomination that waited for it goes to judging. Raises StatementClosed if the
    link no longer works (answered in another tab a moment ago, or the deadline passed)."""
    with transaction.atomic():
        locked = (
            Endorsement.objects.select_for_update()
            .select_related("nomination__award__programme", "question")
            .get(pk=endorsement.pk)
        )
        if not is_open(locked, now):
            raise StatementClosed
        locked.statement = text.replace("\x00", "").strip()
        if letter is not None:
            locked.letter_name = letter.name[:255]
            locked.letter.save(letter.name, letter, save=False)
        locked.status = Endorsement.Status.RECEIVED
        locked.received_at = now
        locked.token_hash = ""
        locked.save()
        waiting_refresh(locked.nomination)
        audit.record(
            audit.Action.SUBMISSION,
            f"Supporting statement received for {locked.nomination.reference}",
            subject=f"nomination:{locked.nomination_id}",
        )
    return locked
