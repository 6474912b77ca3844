"""Nominations, their answers, the secret links that reach them, and dossiers.

Answers are rows (one per nomination and question), not a blob, so they can be
reported on and exported per question. Each answer keeps two values: `value`,
what was last submitted (what judges see), and `draft`, the nominator's working
copy, saved exactly as typed. Editing a submitted nomination changes only the
draft until it is resubmitted, so a half-finished edit never reaches a judge and
an unfinished draft is never lost.
"""

import hashlib
import secrets

from django.db import models

from awards.models import Award, Question
from plaudit import addresses
from plaudit.storage import private_storage


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A secret for a link, and the hash we store instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


class Dossier(models.Model):
    """Several nominations of the same person or team in one award, judged once."""

    programme_path = "award__programme"

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="dossiers")
    title = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["award", "title"]

    def __str__(self):
        return self.title


class Nomination(models.Model):
    """One nominator's entry for one nominee in one award."""

    programme_path = "award__programme"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        INELIGIBLE = "ineligible", "Ineligible"

    class Consent(models.TextChoices):
        NOT_NEEDED = "not_needed", "Not needed"
        PENDING = "pending", "Waiting for the nominee"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"

    class NomineeKind(models.TextChoices):
        INDIVIDUAL = "individual", "A person"
        TEAM = "team", "A team"
        ORGANISATION = "organisation", "An organisation"

    # PROTECT: an award with nominations is retired, never deleted with them.
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="nominations")
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    nominator_email = addresses.AddressColumn()

    # The identity block, as last submitted. Text fields, so that nothing is ever cut short.
    nominee_kind = models.CharField(max_length=20, choices=NomineeKind.choices, blank=True)
    nominee_name = models.TextField(blank=True)
    nominee_job_title = models.TextField(blank=True)
    nominee_organisation = models.TextField(blank=True)
    nominee_email = addresses.AddressTextColumn(blank=True)
    nominator_name = models.TextField(blank=True)
    nominator_organisation = models.TextField(blank=True)
    nominator_relationship = models.TextField(blank=True)
    self_nomination = models.BooleanField(default=False)
    # The identity block as the nominator last typed it (a working copy, like Answer.draft).
    identity_draft = models.JSONField(default=dict, blank=True)
    # The steps of a form in steps (nominations.steps) the nominator has saved and gone on from:
    # a step of optional questions left blank counts as done once they have.
    steps_done = models.JSONField(default=list, blank=True)
    # A supporting statement the award waits for has not arrived (nominations.endorsements keeps
    # it): the nomination is not judged until it has.
    statements_waiting = models.BooleanField(default=False)
    has_unsubmitted_changes = models.BooleanField(default=False)
    # Which page view saved the draft last, and its save counter: a slow autosave that arrives
    # after a later save from the same page is stale and is not applied.
    draft_page = models.CharField(max_length=40, blank=True)
    draft_sequence = models.PositiveBigIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    deadline_override = models.DateTimeField(
        "deadline for this nomination",
        null=True,
        blank=True,
        help_text="Extends (or shortens) the award's closing time for this nomination only.",
    )
    ineligible_reason = models.TextField(blank=True)
    # Set when the office screens the nomination (eligible, or not eligible with a reason); a
    # programme that screens judges only nominations screened eligible (nominations.screening).
    screened_at = models.DateTimeField(null=True, blank=True)
    # The nominator asked for no more reminders (the link in every reminder).
    reminders_stopped_at = models.DateTimeField(null=True, blank=True)

    consent_status = models.CharField(max_length=20, choices=Consent.choices, default=Consent.NOT_NEEDED)
    consent_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    consent_responded_at = models.DateTimeField(null=True, blank=True)
    nominee_data_removed_at = models.DateTimeField(null=True, blank=True)

    dossier = models.ForeignKey(Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="nominations")

    class Meta:
        ordering = ["award", "reference"]
        indexes = [models.Index(fields=["award", "status"])]

    def __str__(self):
        return self.reference

    @property
    def closes_at(self):
        return self.deadline_override or self.award.closes_at

    def is_open(self, now) -> bool:
        # An extended deadline keeps a draft open after the award's window, never after the office closes it.
        return self.award.takes_nominations(now) and self.award.opens_at <= now < self.closes_at

    @property
    def closed_to_nominator(self) -> bool:
        """Withdrawn, ruled out, or declined by the nominee: the nominator reads it, never changes it
        (so a resubmission cannot bring back details the nominee asked to be removed)."""
        return self.status in (self.Status.WITHDRAWN, self.Status.INELIGIBLE) or (
            self.consent_status == self.Consent.DECLINED
        )

    @property
    def screenable(self) -> bool:
        """Whether the office may screen it (mark it eligible or not): submitted, or ruled out
        after submission. Never a draft, and never a withdrawn nomination: withdrawing is final,
        and no office action brings one back."""
        if self.withdrawn_at is not None:
            return False
        return self.status == self.Status.SUBMITTED or (
            self.status == self.Status.INELIGIBLE and self.submitted_at is not None
        )

    def names_same_nominee(self, identity: dict) -> bool:
        """Whether these identity values name the nominee this nomination names now (the same
        address by the address rule, the same name but for case and spacing). Consent, screening
        and dossiers were given for the nominee named: a change re-asks them (domain.nomination_submit)."""

        def name(text):
            return " ".join(str(text or "").split()).casefold()

        return name(self.nominee_name) == name(identity.get("nominee_name", self.nominee_name)) and (
            addresses.normalised_or_none(self.nominee_email)
            == addresses.normalised_or_none(identity.get("nominee_email", self.nominee_email))
        )

    @property
    def display_nominee(self) -> str:
        """The nominee's name as submitted, or as drafted before the first submission."""
        return self.nominee_name or self.identity_draft.get("nominee_name", "") or "(not named yet)"

    # The nominator's working copy and the autosave's bookkeeping: what an autosave writes on the
    # nomination itself. Nothing a judge, a chair or a ranking reads (results.ranking leaves
    # writes to these alone).
    WORKING_COPY = (
        "identity_draft",
        "last_saved_at",
        "has_unsubmitted_changes",
        "draft_page",
        "draft_sequence",
        "updated_at",
        "steps_done",
    )

    # The identity block every nomination form asks, in form order, whatever the award: the
    # field, its label on the nominator's own pages, and its label for the office (exports).
    IDENTITY = (
        ("nominee_kind", "Nominating", "Nominee is"),
        ("nominee_name", "Nominee", "Nominee"),
        ("nominee_job_title", "Job title or role", "Job title or role"),
        ("nominee_organisation", "Organisation", "Nominee organisation"),
        ("nominee_email", "Nominee's email", "Nominee email"),
        ("nominator_name", "Your name", "Nominator"),
        ("nominator_organisation", "Your organisation", "Nominator organisation"),
        ("nominator_relationship", "How you know the nominee", "Relationship"),
    )
    # What judges (and chairs' packs) read of the identity block, in words written for them; never
    # an email address, which a judge has no need of.
    FOR_JUDGES = (
        ("nominee_kind", "Nominee is"),
        ("nominee_name", "Nominee"),
        ("nominee_job_title", "Job title or role"),
        ("nominee_organisation", "Organisation"),
        ("nominator_name", "Nominated by"),
        ("nominator_organisation", "Nominator's organisation"),
        ("nominator_relationship", "How the nominator knows them"),
    )
    # What a nominee's "remove my details" removes.
    NOMINEE_DETAILS = ("nominee_name", "nominee_job_title", "nominee_organisation", "nominee_email")

    # What judging may see: submitted (so neither withdrawn nor ruled not eligible), the nominee
    # agreed or was not asked, the nominee's details are still there, and screened eligible where
    # the programme screens nominations first. The one rule, as a
    # filter (judgeable_q, used by nominations.selectors.judgeable and judging's entries) and
    # for one nomination in hand (goes_to_judging, and why_not_judged for the reason).
    JUDGEABLE_CONSENT = (Consent.NOT_NEEDED, Consent.CONFIRMED)

    @classmethod
    def judgeable_q(cls, prefix: str = "") -> models.Q:
        screened = models.Q(**{f"{prefix}award__programme__screening": False}) | models.Q(
            **{f"{prefix}screened_at__isnull": False}
        )
        return (
            models.Q(
                **{
                    f"{prefix}status": cls.Status.SUBMITTED,
                    f"{prefix}consent_status__in": cls.JUDGEABLE_CONSENT,
                    f"{prefix}nominee_data_removed_at__isnull": True,
                    f"{prefix}statements_waiting": False,
                }
            )
            & screened
        )

    @property
    def goes_to_judging(self) -> bool:
        return self.why_not_judged is None

    @property
    def why_not_judged(self) -> str | None:
        """Why the nomination is not judged, in words for a chair, or None if it is."""
        if self.status == self.Status.WITHDRAWN:
            return "withdrawn by the nominator"
        if self.status == self.Status.INELIGIBLE:
            return "marked not eligible"
        if self.status != self.Status.SUBMITTED:
            return "not submitted"
        if self.nominee_data_removed_at:
            return "the nominee asked for their details to be removed"
        if self.consent_status == self.Consent.DECLINED:
            return "the nominee declined to be considered"
        if self.consent_status not in self.JUDGEABLE_CONSENT:
            return "waiting for the nominee's consent"
        if self.screened_at is None and self.award.programme.screening:
            return "waiting for the awards office to screen it"
        if self.statements_waiting:
            return "waiting for a supporting statement the award requires"
        return None


class Answer(models.Model):
    """The answer to one question in one nomination: the submitted value and the working draft."""

    programme_path = "nomination__award__programme"

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="answers")
    # PROTECT: a question with answers is retired (kept, inactive), never deleted.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(null=True, blank=True)
    draft = models.JSONField(null=True, blank=True)
    file = models.FileField(storage=private_storage, upload_to="answers/%Y/%m/", blank=True)
    draft_file = models.FileField(storage=private_storage, upload_to="answers/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    draft_file_name = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nomination", "question"], name="one_answer_per_question"),
        ]

    def __str__(self):
        return f"{self.nomination.reference} / {self.question.key}"


class NominationLink(models.Model):
    """A secret link that lets a nominator back into their nomination. Only its hash is kept."""

    programme_path = "nomination__award__programme"

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"link to {self.nomination.reference}"


class Endorsement(models.Model):
    """A supporting statement asked of the referee a nominator named for an `endorsement` question
    (nominations.endorsements). The referee answers through their own emailed link, once, with a
    statement or a letter, until the nomination's deadline."""

    programme_path = "nomination__award__programme"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        RECEIVED = "received", "Received"
        CANCELLED = "cancelled", "No longer asked"  # the nominator named someone else, or withdrew

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="endorsements")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="endorsements")
    referee_name = models.CharField(max_length=200)
    referee_role = models.CharField(max_length=300)
    referee_email = addresses.AddressColumn()
    note = models.TextField(blank=True)  # what the nominator chose to tell the referee
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    statement = models.TextField(blank=True)
    letter = models.FileField(storage=private_storage, upload_to="statements/%Y/%m/", blank=True)
    letter_name = models.CharField(max_length=255, blank=True)
    requested_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True, blank=True)
    times_sent = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(null=True, blank=True)
    reminders_stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["nomination", "question__position", "pk"]

    def __str__(self):
        return f"{self.referee_name} for {self.nomination.reference}"

    @property
    def referee(self) -> str:
        return f"{self.referee_name}, {self.referee_role}"
