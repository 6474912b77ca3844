"""Service functions of the nomination journey. Every write is here, each in a transaction.

Deadlines are checked on the server against the nomination's own closing time
(the award's, unless an admin extended it), in the programme's time zone.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, ProtectedError
from django.urls import reverse
from django.utils import timezone

from audit import log as audit
from awards.models import Award
from plaudit import addresses

from . import endorsements
from .builder import AwardForm, is_file, questions_by_section, stored
from .emails import send_email
from .forms import IdentityForm, nomination_forms
from .links import link_create, link_url, mine_url
from .models import Answer, Dossier, Nomination, NominationLink, hash_token, new_token
from .tasks import send_mine_link, send_receipt
from .uploads import check_upload


class NominationClosed(Exception):
    """The nomination's window has closed (or not opened): nothing was changed."""

    def __init__(self, nomination_or_award):
        self.closes_at = getattr(nomination_or_award, "closes_at", None)
        super().__init__("Nominations are closed")


class NotEditable(Exception):
    """A withdrawn, ineligible or declined nomination cannot be changed."""


@dataclass
class SubmissionProblems(Exception):
    identity_form: IdentityForm
    award_form: AwardForm


def next_reference(award: Award) -> str:
    """EPX26-0042: the award's prefix, its programme's year and the award's next number, taken
    atomically. References are unique site-wide and never reused: next year's copy of an award, or
    another award with the same initials, skips any number already taken."""
    programme = award.programme
    year = programme.nominations_open.astimezone(programme.zone).year % 100
    while True:
        Award.objects.filter(pk=award.pk).update(reference_counter=F("reference_counter") + 1)
        counter = Award.objects.values_list("reference_counter", flat=True).get(pk=award.pk)
        reference = f"{award.reference_prefix}{year:02d}-{counter:04d}"
        if not Nomination.objects.filter(reference=reference).exists():
            return reference


def nomination_start(*, award: Award, nominator_email: str, now) -> tuple[Nomination, str]:
    """Create a draft for a nominator and a secret link back to it; email them the link.

    Returns the nomination and the link's token (shown nowhere else; only its hash is stored).
    """
    if not award.is_open(now):
        raise NominationClosed(award)
    with transaction.atomic():
        for attempt in range(5):
            try:
                # Its own savepoint: another award sharing the prefix may take the same number at
                # the same moment; the loser takes the next one.
                with transaction.atomic():
                    nomination = Nomination.objects.create(
                        award=award,
                        reference=next_reference(award),
                        nominator_email=nominator_email,
                        last_saved_at=now,
                    )
                break
            except IntegrityError:
                if attempt == 4:
                    raise
        token = link_create(nomination=nomination)
    transaction.on_commit(lambda: _send_link_email(nomination, token))
    return nomination, token


def link_resolve(*, token: str, now) -> Nomination | None:
    """The nomination a secret link opens, or None: unknown tokens and closed programmes open nothing."""
    link = (
        NominationLink.objects.select_related("nomination__award__programme")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        return None
    nomination = link.nomination
    # The link stops working when the programme closes (an extended nomination keeps it until its own deadline).
    if now >= max(nomination.award.programme.nominations_close, nomination.closes_at):
        return None
    NominationLink.objects.filter(pk=link.pk).update(last_used_at=now)
    return nomination


def nominations_find(*, email: str) -> None:
    """Email the address a link to every nomination started with it, if there are any. The task
    queue decides, after the request (send_mine_link sends nothing to an address that started
    none), so the page answers the same, in the same time, whatever the address."""
    address = addresses.normalised_or_none(email)
    if address is not None:
        transaction.on_commit(lambda: send_mine_link.enqueue(address))


def _send_link_email(nomination: Nomination, token: str):
    # Drafts of the same award started earlier with this address: said here, to the address only.
    earlier = (
        Nomination.objects.filter(
            award=nomination.award, nominator_email=nomination.nominator_email, status=Nomination.Status.DRAFT
        )
        .exclude(pk=nomination.pk)
        .count()
    )
    context = {
        "nomination": nomination,
        "award": nomination.award,
        "url": link_url(token),
        "earlier": earlier,
        "mine_url": mine_url(nomination.nominator_email) if earlier else "",
    }
    send_email(
        subject=f"Your nomination for {nomination.award.title} ({nomination.reference})",
        template="nominations/email/link.txt",
        context=context,
        to=nomination.nominator_email,
    )


def _ensure_editable(nomination: Nomination, now):
    if nomination.closed_to_nominator:
        raise NotEditable(nomination.get_status_display())
    if not nomination.is_open(now):
        raise NominationClosed(nomination)


def _locked(nomination_id: int):
    return Nomination.objects.select_for_update().filter(pk=nomination_id).order_by()


def _drafts(nomination_id: int):
    return Answer.objects.filter(nomination_id=nomination_id).order_by().values_list("question_id", "pk", "draft")


def _locked_copy(nomination: Nomination) -> Nomination:
    """The nomination read again, locked until the transaction ends: every draft save and the
    submission start here."""
    found = list(_locked(nomination.pk))
    if not found:
        raise Nomination.DoesNotExist(nomination.pk)
    return found[0]


def nomination_save_draft(
    *,
    nomination: Nomination,
    identity: dict,
    answers: dict,
    uploads: dict | None = None,
    now,
    sequence=("", 0),
    step_done: str | None = None,
) -> bool:
    """Save exactly what the nominator typed, valid or not, so that nothing is ever lost.

    `identity` is the identity block as typed, by field name (`IdentityForm.IDENTITY_FIELDS`);
    `answers` what was typed for each question, by question key (text, or a list for several
    choices or a date's three boxes); `uploads` a file for each file question, by key. Keys the
    award does not ask (an inactive question, a field of another form) are not stored. An upload
    that breaks its question's rules is not stored (the form says why); the others are at once.
    `sequence` is (page view id, save counter) from the browser: a save that arrives after a
    later one from the same page is stale, and is dropped (returns False) rather than undoing it.
    `step_done` is the step of a form in steps (nominations.steps) that the nominator has just
    saved and gone on from, valid.
    """
    _ensure_editable(nomination, now)
    questions = {q.key: q for _, qs in questions_by_section(nomination.award) for q in qs}
    drafts = {
        key: storable_text(raw) for key, raw in answers.items() if key in questions and not is_file(questions[key])
    }
    identity_draft = {name: storable_text(identity[name]) for name in IdentityForm.IDENTITY_FIELDS if name in identity}
    files = {
        key: upload
        for key, upload in (uploads or {}).items()
        if key in questions and is_file(questions[key]) and check_upload(upload, questions[key]) is None
    }
    with transaction.atomic():
        locked = _locked_copy(nomination)
        # The award (dates only) is the one already read: no second read of it under the lock.
        locked.award = nomination.award
        _ensure_editable(locked, now)
        page, counter = sequence
        if page and page == locked.draft_page and counter <= locked.draft_sequence:
            nomination.last_saved_at = locked.last_saved_at
            return False
        locked.draft_page, locked.draft_sequence = page, counter
        locked.identity_draft = identity_draft
        locked.last_saved_at = now
        locked.has_unsubmitted_changes = locked.status == Nomination.Status.SUBMITTED
        saved_fields = [field for field in Nomination.WORKING_COPY if field != "steps_done"]
        if step_done and step_done not in locked.steps_done:
            locked.steps_done = [*locked.steps_done, step_done]
            saved_fields.append("steps_done")
        locked.save(update_fields=saved_fields)
        existing = {question_id: (pk, draft) for question_id, pk, draft in _drafts(locked.pk)}
        new, changed = [], []
        for key, raw in drafts.items():
            question = questions[key]
            pk, draft = existing.get(question.pk, (None, None))
            # Autosave sends the whole form every few seconds; only what changed is written (in
            # one statement for new answers and one for changed ones), and a question never
            # answered gets no row.
            if draft == raw and (pk is not None or raw is None):
                continue
            # A changed answer is written by its id, its draft and time only (bulk_update's
            # fields): nothing else of the row is read, so nothing else is written back.
            answer = Answer(pk=pk, nomination=locked, question=question, draft=raw, updated_at=now)
            (changed if pk else new).append(answer)
        Answer.objects.bulk_create(new)
        Answer.objects.bulk_update(changed, ["draft", "updated_at"])
        for key, upload in files.items():
            question = questions[key]
            # A file's answer is saved whole, so it is read whole (an upload comes with a button).
            answer = Answer.objects.filter(nomination=locked, question=question).first() or Answer(
                nomination=locked, question=question
            )
            answer.draft_file_name = upload.name[:255]
            answer.draft_file.save(upload.name, upload, save=False)
            answer.save()
    for name in saved_fields:
        setattr(nomination, name, getattr(locked, name))
    return True


def storable_text(value):
    """What a person typed, without NUL characters, which PostgreSQL cannot store in text or JSON
    (found by fuzzing: a NUL in a draft was a server error there). Nothing else is touched."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [storable_text(item) for item in value]
    if isinstance(value, dict):
        return {storable_text(key): storable_text(item) for key, item in value.items()}
    return value


def nomination_submit(*, nomination: Nomination, now) -> Nomination:
    """Validate the saved draft in full and make it the submitted nomination.

    Raises SubmissionProblems with the bound forms when anything is missing or wrong,
    NominationClosed after the deadline, NotEditable once withdrawn; nothing is written then.
    """
    _ensure_editable(nomination, now)
    identity_form, award_form = nomination_forms(nomination, bind_saved=True)
    if not (identity_form.is_valid() & award_form.is_valid()):
        raise SubmissionProblems(identity_form, award_form)
    answers = award_form.answers()
    identity = identity_form.identity()
    with transaction.atomic():
        locked = _locked_copy(nomination)
        # The award (dates only) is the one already read: no second read of it under the lock.
        locked.award = nomination.award
        _ensure_editable(locked, now)
        if locked.status == Nomination.Status.SUBMITTED and not locked.has_unsubmitted_changes:
            # A double click, or a second tab: already submitted with nothing new, so nothing to do
            # (and no second receipt).
            return locked
        first_time = locked.submitted_at is None
        new_nominee = not first_time and not locked.names_same_nominee(identity)
        if new_nominee and _in_judging(locked):
            identity_form.add_error(
                "nominee_name",
                "The nominee cannot be changed now: this nomination is being judged. Withdraw it and "
                "nominate them afresh, or ask the awards office.",
            )
            raise SubmissionProblems(identity_form, award_form)
        for name, value in identity.items():
            setattr(locked, name, value)
        locked.status = Nomination.Status.SUBMITTED
        locked.submitted_at = now
        locked.has_unsubmitted_changes = False
        asks_consent = locked.award.consent_required and not locked.self_nomination
        consent_token = None
        if new_nominee:
            # What was decided for the nominee named before is not theirs to keep: the new
            # nominee is asked, and the office screens the nomination again.
            locked.screened_at = None
            locked.consent_responded_at = None
        if first_time or new_nominee or locked.consent_status == Nomination.Consent.NOT_NEEDED:
            if asks_consent:
                consent_token, locked.consent_token_hash = new_token()
                locked.consent_status = Nomination.Consent.PENDING
            else:
                locked.consent_status = Nomination.Consent.NOT_NEEDED
        locked.save()
        shown = set(answers)
        for answer in locked.answers.select_related("question"):
            key = answer.question.key
            if key in shown:
                value = answers[key]
                if is_file(answer.question):
                    if answer.draft_file:
                        answer.file, answer.file_name = answer.draft_file, answer.draft_file_name
                    answer.value = answer.file_name or None
                else:
                    answer.value = stored(answer.question, value)
                answer.draft = None
                answer.draft_file, answer.draft_file_name = "", ""
                answer.save()
            else:
                # Hidden or unanswered: neither required nor stored.
                answer.delete()
        statement_requests = endorsements.requests_for_submission(locked, award_form.questions, answers, now)
        if new_nominee and locked.dossier_id:
            dossier_split(nomination=locked)  # a dossier holds one nominee's nominations
        audit.record(
            audit.Action.SUBMISSION,
            f"{locked.reference} {'submitted' if first_time else 'changed and resubmitted'}"
            + (" with a different nominee: consent and screening asked again" if new_nominee else ""),
            subject=f"nomination:{locked.pk}",
        )
        transaction.on_commit(lambda: _after_submit(locked.pk, consent_token, statement_requests, now))
    nomination.refresh_from_db()
    return nomination


def _in_judging(nomination: Nomination) -> bool:
    """Whether a judging stage holds the nomination as an entry, itself or in its dossier: its
    judges have declared for, and may have scored, the nominee it names."""
    return nomination.entries.exists() or bool(nomination.dossier_id and nomination.dossier.entries.exists())


def _after_submit(nomination_id: int, consent_token: str | None, statement_requests=(), now=None):
    send_receipt.enqueue(nomination_id)
    if consent_token:
        _send_consent_request(nomination_id, consent_token)
    for endorsement_id, token in statement_requests:
        endorsements.send_request(endorsement_id, token)
        endorsements.mark_sent(endorsement_id, now)


def _send_consent_request(nomination_id: int, consent_token: str):
    nomination = Nomination.objects.select_related("award__programme").get(pk=nomination_id)
    send_email(
        subject=f"You have been nominated for {nomination.award.title}",
        template="nominations/email/consent.txt",
        context={
            "nomination": nomination,
            "award": nomination.award,
            "url": settings.SITE_URL + reverse("nominations:consent", args=[consent_token]),
            "expires": consent_link_expires_at(nomination),
        },
        to=nomination.nominee_email,
    )


def nomination_withdraw(*, nomination: Nomination, now) -> Nomination:
    """Withdraw a nomination before its deadline. Nothing is deleted."""
    _ensure_editable(nomination, now)
    with transaction.atomic():
        updated = Nomination.objects.filter(pk=nomination.pk).exclude(status=Nomination.Status.WITHDRAWN)
        if updated.update(status=Nomination.Status.WITHDRAWN, withdrawn_at=now):
            endorsements.cancel_all(nomination)
            audit.record(
                audit.Action.SUBMISSION, f"{nomination.reference} withdrawn", subject=f"nomination:{nomination.pk}"
            )
    nomination.refresh_from_db()
    return nomination


def nomination_mark_ineligible(*, nomination: Nomination, reason: str, by=None) -> Nomination:
    """An admin rules a nomination out, with a reason kept for the record. A draft or a
    withdrawn nomination is refused (NotEditable): withdrawing is final."""
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if not locked.screenable:
            raise NotEditable(f"{locked.reference} is {locked.get_status_display().lower()}; it is not screened.")
        Nomination.objects.filter(pk=nomination.pk).update(
            status=Nomination.Status.INELIGIBLE, ineligible_reason=reason.strip(), screened_at=timezone.now()
        )
        audit.record(
            audit.Action.DECISION,
            f"{nomination.reference} marked not eligible: {reason.strip()}",
            actor=by,
            subject=f"nomination:{nomination.pk}",
        )
    nomination.refresh_from_db()
    return nomination


class ConsentDecided(Exception):
    """The nominee has answered already: the link shows their answer, and only the awards office
    records a change (when the nominee asks it to)."""


def consent_link_expires_at(nomination: Nomination):
    """When a nominee's consent link stops working: when the programme's judging ends (its last
    judging stage closes). None while no stage has a closing time."""
    # Through the programme's awards' stages by name: judging sits above nominations and is not imported.
    return Award.objects.filter(programme_id=nomination.award.programme_id).aggregate(ends=Max("stages__closes_at"))[
        "ends"
    ]


def consent_find(*, token: str, now) -> Nomination | None:
    """The nomination a consent link is for, or None if the link is unknown or has expired."""
    if not token:
        return None
    nomination = (
        Nomination.objects.select_related("award__programme").filter(consent_token_hash=hash_token(token)).first()
    )
    if nomination is None:
        return None
    expires = consent_link_expires_at(nomination)
    return None if expires is not None and now >= expires else nomination


def consent_respond(
    *, nomination: Nomination, agree: bool, remove_data: bool, now, by=None, note: str = ""
) -> Nomination:
    """The nominee agrees or declines; a declined nomination does not go to judging.

    Declining may also remove the nominee's details from the nomination for good (and the
    nominator can then no longer change it, so a resubmission cannot bring them back). The
    nominee answers once, through their link (ConsentDecided after that); the awards office
    records an answer given by phone or email, or a change the nominee asks for, with `by` and
    a note saying how it was given. Every answer is audited.
    """
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        decided = locked.consent_status in (Nomination.Consent.CONFIRMED, Nomination.Consent.DECLINED)
        if decided and by is None:
            raise ConsentDecided(locked.get_consent_status_display())
        previous = locked.get_consent_status_display()
        locked.consent_status = Nomination.Consent.CONFIRMED if agree else Nomination.Consent.DECLINED
        locked.consent_responded_at = now
        if remove_data and not agree:
            draft = dict(locked.identity_draft)
            for name in Nomination.NOMINEE_DETAILS:
                setattr(locked, name, "")
                draft.pop(name, None)
            locked.identity_draft = draft
            locked.nominee_data_removed_at = now
        locked.save()
        # Judging follows at once: a declined nomination, or one whose details are removed, leaves
        # judges' queues and rankings (its scores are kept).
        answer = "agreed to be considered" if agree else "declined"
        removal = " and asked for their details to be removed" if remove_data and not agree else ""
        who = " (recorded by the awards office)" if by is not None else ""
        audit.record(
            audit.Action.SUBMISSION,
            f"{locked.reference}: the nominee {answer}{removal}{who}",
            actor=by,
            subject=f"nomination:{locked.pk}",
            data={"previous": previous, "note": note.strip()} if by is not None else {},
        )
    nomination.refresh_from_db()
    return nomination


def consent_request_send(*, nomination: Nomination, by=None) -> bool:
    """Send the nominee (again) the request to agree, with a new link (the old one stops working).
    Only while their answer is awaited; returns whether it was sent."""
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if locked.consent_status != Nomination.Consent.PENDING or not locked.nominee_email:
            return False
        token, locked.consent_token_hash = new_token()
        locked.save(update_fields=["consent_token_hash"])
        audit.record(
            audit.Action.SUBMISSION,
            f"{locked.reference}: the consent request sent to the nominee again",
            actor=by,
            subject=f"nomination:{locked.pk}",
        )
        transaction.on_commit(lambda: _send_consent_request(locked.pk, token))
    return True


def dossier_merge(*, nominations: list[Nomination], by=None) -> "Dossier":
    """Put nominations of one nominee in one award into one dossier, judged once."""

    awards = {n.award_id for n in nominations}
    if len(nominations) < 2 or len(awards) != 1:
        raise ValueError("A dossier needs two or more nominations of the same award.")
    with transaction.atomic():
        existing = [n.dossier for n in nominations if n.dossier_id]
        dossier = existing[0] if existing else None
        if dossier is None:
            first = min(nominations, key=lambda n: n.reference)
            dossier = Dossier.objects.create(award_id=first.award_id, title=first.display_nominee)
        others = {d.pk for d in existing if d.pk != dossier.pk}
        Nomination.objects.filter(pk__in=[n.pk for n in nominations]).update(dossier=dossier)
        # Dossiers merged into this one take their members along.
        Nomination.objects.filter(dossier_id__in=others).update(dossier=dossier)
        for other in Dossier.objects.filter(pk__in=others):
            _delete_unless_judged(other)
        audit.record(
            audit.Action.CONFIGURATION,
            f"Dossier “{dossier.title}” now holds {', '.join(sorted(n.reference for n in nominations))}",
            actor=by,
            subject=f"dossier:{dossier.pk}",
        )
    return dossier


def _delete_unless_judged(dossier: Dossier) -> None:
    """Delete an emptied dossier, unless a judging stage holds it as an entry: that entry and its
    scores are kept (it leaves judging, with the reason, while it holds no nomination)."""
    try:
        with transaction.atomic():
            dossier.delete()
    except ProtectedError:
        pass


def dossier_split(*, nomination: Nomination, by=None) -> None:
    """Take a nomination out of its dossier; a dossier left with one nomination is dissolved
    (kept, empty, if a judging stage holds it as an entry)."""

    with transaction.atomic():
        # Its dossier as stored now, not as the object in hand remembers it.
        dossier_id = Nomination.objects.filter(pk=nomination.pk).values_list("dossier_id", flat=True).first()
        if dossier_id is None:
            return
        Nomination.objects.filter(pk=nomination.pk).update(dossier=None)
        remaining = Nomination.objects.filter(dossier_id=dossier_id)
        if remaining.count() < 2:
            remaining.update(dossier=None)
            for dossier in Dossier.objects.filter(pk=dossier_id):
                _delete_unless_judged(dossier)
        audit.record(
            audit.Action.CONFIGURATION,
            f"{nomination.reference} taken out of its dossier",
            actor=by,
            subject=f"dossier:{dossier_id}",
        )
    nomination.refresh_from_db()
