"""Stages of judging, their panels, the entries they judge, conflicts and assignments.

A stage judges entries of one award; an entry is a nomination, or a dossier of
several nominations of the same nominee, judged once. Scorecards, decisions and
the judge-facing pages build on these.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from awards.models import Award
from nominations.models import Dossier, Nomination
from plaudit.storage import private_storage


class Stage(models.Model):
    """One round of judging for an award: its window, mode, blindness and how entries come in."""

    programme_path = "award__programme"

    class Mode(models.TextChoices):
        SCORING = "scoring", "Scoring against the criteria"
        VOTING = "voting", "Voting"

    class Voting(models.TextChoices):
        APPROVAL = "approval", "Approval: each judge approves up to a number of entries"
        RANKED = "ranked", "Ranked ballot (Borda count)"

    class EntriesFrom(models.TextChoices):
        ALL_ELIGIBLE = "all_eligible", "All eligible submitted nominations and dossiers"
        PROMOTED = "promoted", "Entries promoted from the previous stage"

    class OthersScores(models.TextChoices):
        NEVER = "never", "Never"
        AFTER_OWN = "after_own", "After submitting their own scorecard for that entry"

    class Comments(models.TextChoices):
        OPTIONAL = "optional", "Optional"
        ALWAYS = "always", "Required on every score"
        EXTREMES = "extremes", "Required on scores at either end of the scale"

    class TieBreak(models.TextChoices):
        PANEL = "panel", "Left to the panel"
        MEDIAN = "median", "The higher median scorecard total"
        NORMALISED = "normalised", "The other score (normalised when ordered by raw, raw when by normalised)"
        CRITERION = "criterion", "The higher mean score on one criterion"

    class Assigning(models.TextChoices):
        EVERYONE = "everyone", "Every judge scores every entry"
        BALANCED = "balanced", "A balanced split"

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="stages")
    name = models.CharField(max_length=100, help_text="For example Long-list, Shortlisting or Final.")
    position = models.PositiveIntegerField(default=0)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.SCORING)
    voting = models.CharField(max_length=10, choices=Voting.choices, blank=True)
    approvals_allowed = models.PositiveIntegerField(
        null=True, blank=True, help_text="Approval voting: most approvals per judge."
    )
    blind = models.BooleanField(
        default=False, help_text="Judges see entry references, never who is nominated or by whom."
    )
    entries_from = models.CharField(max_length=20, choices=EntriesFrom.choices, default=EntriesFrom.ALL_ELIGIBLE)
    others_scores = models.CharField(max_length=20, choices=OthersScores.choices, default=OthersScores.NEVER)
    # Several UK awards ask judges to justify their scores, or only the extreme ones.
    comments_required = models.CharField(
        "Judges' comments", max_length=10, choices=Comments.choices, default=Comments.OPTIONAL
    )
    assigning = models.CharField(max_length=10, choices=Assigning.choices, default=Assigning.EVERYONE)
    judges_per_entry = models.PositiveIntegerField(default=3)
    cap_per_judge = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most entries per judge; blank for no cap."
    )
    assignment_seed = models.PositiveIntegerField(default=0, help_text="The same seed always gives the same split.")
    # The ranking is honest about missing data (results.ranking): an entry with fewer submitted
    # scorecards than this is listed after the ranked ones, unranked, until it has them or the
    # chair includes it as it is.
    min_scorecards = models.PositiveIntegerField(
        "Scorecards an entry needs to be ranked",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Blank: every scorecard expected (judges assigned, less conflicts).",
    )
    tie_break = models.CharField(
        "How ties are broken",
        max_length=12,
        choices=TieBreak.choices,
        default=TieBreak.PANEL,
        help_text="Entries still equal after it stay tied, and are marked so.",
    )
    tie_break_criterion = models.CharField(
        "Criterion that breaks ties",
        max_length=100,
        blank=True,
        help_text="The key of one of the award's criteria, when ties are broken by a criterion.",
    )
    shortlist_size = models.PositiveIntegerField(
        "Entries the panel means to shortlist",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Flags every entry that normalising moves into or out of the top this many. Blank if not known.",
    )
    # A blind stage is blind for its chairs too, until the awards office deliberately unblinds
    # it once its decisions are applied (judging.access.sees_identities; recorded and audited).
    unblinded_at = models.DateTimeField(null=True, blank=True, editable=False)
    unblinded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        ordering = ["award", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["award", "name"], name="stage_name_unique_in_award")]

    def __str__(self):
        return f"{self.award.title}: {self.name}"

    def opens_before_nominations_close(self) -> bool:
        """Judging that opens while the award still takes nominations: entries may arrive after
        judges have started (they are brought in and declared for as they come, but the chair
        should know). A warning, not an error: some programmes long-list early on purpose."""
        return bool(self.opens_at and self.award_id and self.opens_at < self.award.closes_at)

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and not self.opens_at < self.closes_at:
            errors["closes_at"] = "The stage must close after it opens."
        if self.mode == self.Mode.VOTING and not self.voting:
            errors["voting"] = "Choose how judges vote."
        if self.mode == self.Mode.SCORING and self.voting:
            errors["voting"] = "Only voting stages have a voting method."
        if self.voting == self.Voting.APPROVAL and not self.approvals_allowed:
            errors["approvals_allowed"] = "Say how many entries each judge may approve."
        if self.assigning == self.Assigning.BALANCED and not self.judges_per_entry:
            errors["judges_per_entry"] = "A balanced split needs at least one judge per entry."
        if self.tie_break == self.TieBreak.CRITERION:
            keys = list(self.award.criteria.values_list("key", flat=True)) if self.award_id else []
            if self.tie_break_criterion not in keys:
                errors["tie_break_criterion"] = (
                    f"Enter the key of one of the award's criteria: {', '.join(keys)}."
                    if keys
                    else "The award has no criteria to break ties with."
                )
        elif self.tie_break_criterion:
            errors["tie_break_criterion"] = "Leave this empty unless ties are broken by a criterion."
        if errors:
            raise ValidationError(errors)


class JudgeGroup(models.Model):
    """Judges who share a perspective (such as patient leaders), optionally holding a share of the marks."""

    programme_path = "stage__award__programme"

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=100)
    share = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Share of the marks, from 0 to 1 (0.2 is 20%). Blank for no fixed share.",
    )

    class Meta:
        ordering = ["stage", "name"]
        constraints = [models.UniqueConstraint(fields=["stage", "name"], name="group_name_unique_in_stage")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.share is not None and not Decimal(0) <= self.share <= Decimal(1):
            raise ValidationError({"share": "A share is between 0 and 1 (0.2 is 20% of the marks)."})


class PanelMember(models.Model):
    """A judge or chair on a stage's panel."""

    programme_path = "stage__award__programme"

    class Role(models.TextChoices):
        JUDGE = "judge", "Judge"
        CHAIR = "chair", "Chair"

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.JUDGE)
    group = models.ForeignKey(JudgeGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="members")
    organisation = models.CharField(
        max_length=200, blank=True, help_text="Where the judge works: used to suggest conflicts of interest."
    )
    reminded_at = models.DateTimeField(null=True, blank=True, help_text="When the chair last sent a reminder.")

    class Meta:
        ordering = ["stage", "role", "user__last_name", "user__first_name"]
        constraints = [models.UniqueConstraint(fields=["stage", "user"], name="one_seat_per_stage")]

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.get_role_display()})"

    def clean(self):
        if self.group_id and self.stage_id and self.group.stage_id != self.stage_id:
            raise ValidationError({"group": "Choose a group of this stage."})


class Entry(models.Model):
    """What a stage judges: one nomination, or a dossier of nominations of the same nominee."""

    programme_path = "stage__award__programme"

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="entries")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="entries")
    # A chair's deliberate choice to rank an entry with fewer scorecards than the stage needs
    # (results.decisions.entries_rank_incomplete; audited).
    ranked_incomplete_at = models.DateTimeField(null=True, blank=True, editable=False)
    ranked_incomplete_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        ordering = ["stage", "id"]
        verbose_name_plural = "entries"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(nomination__isnull=False) & models.Q(dossier__isnull=True))
                | (models.Q(nomination__isnull=True) & models.Q(dossier__isnull=False)),
                name="entry_is_a_nomination_or_a_dossier",
            ),
            models.UniqueConstraint(fields=["stage", "nomination"], name="nomination_once_per_stage"),
            models.UniqueConstraint(fields=["stage", "dossier"], name="dossier_once_per_stage"),
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        if self.nomination_id:
            return self.nomination.reference
        if not self.dossier_id:
            return "New entry"  # an unsaved one, shown again with its form's errors
        return self.dossier_reference(self.stage.award.reference_prefix, self.dossier_id)

    @staticmethod
    def dossier_reference(prefix: str, dossier_id: int) -> str:
        # A dossier is named by the award's prefix and its number, like EPE-D007.
        return f"{prefix}-D{dossier_id:03d}"

    @property
    def nominee(self) -> str:
        """Who the entry is about: the nominee's name, or the dossier's title."""
        return self.nomination.nominee_name if self.nomination_id else self.dossier.title


class Conflict(models.Model):
    """A judge's interest in a nomination: declared, suggested by the app, or added by an admin.

    Confirmed conflicts hide the entry (and every entry containing the nomination) from the judge.
    """

    programme_path = "nomination__award__programme"

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested, waiting for the judge"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    class Source(models.TextChoices):
        JUDGE = "judge", "Declared by the judge"
        DETECTED = "detected", "Detected by Plaudit"
        ADMIN = "admin", "Added by the awards office"

    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conflicts")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="conflicts")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.JUDGE)
    detected_because = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True, help_text="The judge's (or the office's) reason, kept for the record.")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["judge", "nomination"], name="one_conflict_per_pair")]

    def __str__(self):
        return f"{self.judge} / {self.nomination.reference}: {self.get_status_display()}"


class Assignment(models.Model):
    """A judge is to score an entry in its stage."""

    programme_path = "entry__stage__award__programme"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "judge"], name="one_assignment_per_pair")]

    def __str__(self):
        return f"{self.judge} → {self.entry}"


class Scorecard(models.Model):
    """One judge's scores for one entry in one stage: draft until submitted, then locked.

    `version` rises with every save; a save that names an older version is refused, so two
    tabs (or two devices) never silently overwrite each other.
    """

    programme_path = "entry__stage__award__programme"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="scorecards")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    overall_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    # The awards office may pass the overall comment on to the nominator, never with the judge's name,
    # as written or as the office edited it (feedback_text, to take out what should not go).
    feedback_approved = models.BooleanField(default=False)
    feedback_text = models.TextField(blank=True)
    feedback_reviewed = models.BooleanField(default=False)
    # The scorecard's total on 0-100 (judging.scoring), kept from submission so that a ranking of
    # 100,000 scorecards reads 100,000 numbers. Empty while a draft; recomputed when the award's
    # criteria change (judging.scorecards.totals_refresh). The ranking computes any missing one.
    total = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "judge"], name="one_scorecard_per_judge_and_entry")]

    def __str__(self):
        return f"{self.judge} on {self.entry}"


class Score(models.Model):
    """A judge's score for one criterion: a value on its scale, or N/A where the criterion allows it."""

    programme_path = "scorecard__entry__stage__award__programme"

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="scores")
    # PROTECT: a criterion that has been scored is never deleted with its scores.
    criterion = models.ForeignKey("awards.Criterion", on_delete=models.PROTECT, related_name="scores")
    value = models.IntegerField(null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    # As on the scorecard: approved for the nominator, as written or as edited, and reviewed at all.
    feedback_approved = models.BooleanField(default=False)
    feedback_text = models.TextField(blank=True)
    feedback_reviewed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=~(models.Q(not_applicable=True) & models.Q(value__isnull=False)),
                name="score_is_a_value_or_not_applicable",
            ),
        ]

    def __str__(self):
        return f"{self.criterion.key}: {'N/A' if self.not_applicable else self.value}"


class ConflictDeclaration(models.Model):
    """A judge has declared, in a stage, whether they have a conflict with one nomination.

    An entry is shown to a judge only when their declarations cover every nomination in it
    (judging.conflicts): an entry brought in, promoted or grown by a dossier merge after the
    judge declared is declared for first. Whether they declared a conflict is in Conflict.
    """

    programme_path = "stage__award__programme"

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="declarations")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="declarations")
    declared_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stage", "judge", "nomination"], name="one_declaration_per_nomination")
        ]

    def __str__(self):
        return f"{self.judge} declared for {self.nomination.reference} in {self.stage}"


class Ballot(models.Model):
    """One judge's vote in a voting stage: approvals (up to the stage's number) or a ranking.

    Like a scorecard it is a draft until submitted, then locked, and `version` guards
    against two tabs overwriting each other.
    """

    programme_path = "stage__award__programme"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="ballots")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ballots")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage", "judge"], name="one_ballot_per_judge_and_stage")]

    def __str__(self):
        return f"{self.judge}'s ballot in {self.stage}"


class Vote(models.Model):
    """An entry on a ballot: approved (approval voting) or given a rank (1 is the judge's first choice)."""

    programme_path = "ballot__stage__award__programme"

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="votes")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="votes")
    rank = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["ballot", "rank", "entry"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "entry"], name="one_vote_per_entry"),
            models.UniqueConstraint(fields=["ballot", "rank"], name="one_entry_per_rank"),
        ]

    def __str__(self):
        return f"{self.entry}: {self.rank or 'approved'}"


class Decision(models.Model):
    """The chair's outcome for an entry in a stage, with reasons: pending until applied."""

    programme_path = "entry__stage__award__programme"

    class Outcome(models.TextChoices):
        PROMOTED = "promoted", "Promoted to the next stage"
        SHORTLISTED = "shortlisted", "Shortlisted"
        HIGHLY_COMMENDED = "highly_commended", "Highly commended"
        WINNER = "winner", "Winner"
        NOT_PROGRESSED = "not_progressed", "Not progressed"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPLIED = "applied", "Applied"

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    applied_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.entry}: {self.get_outcome_display()} ({self.get_status_display()})"


class DecisionLog(models.Model):
    """Every change to a decision, appended, never edited: who, when, from what to what, and why."""

    programme_path = "entry__stage__award__programme"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="decision_log")
    action = models.CharField(max_length=20)  # recorded, changed, cleared, applied
    outcome = models.CharField(max_length=20, blank=True)
    previous = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.entry}: {self.action} {self.outcome}"


class Audience(models.TextChoices):
    """Who an outcome email is for: the nominator, or the nominee (who agreed to be nominated,
    and was promised the outcome when they did)."""

    NOMINATOR = "nominator", "Nominators"
    NOMINEE = "nominee", "Nominees"


class OutcomeTemplate(models.Model):
    """The email nominators (or nominees) get for one outcome of a stage, editable by the awards office."""

    programme_path = "stage__award__programme"

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="outcome_templates")
    outcome = models.CharField(max_length=20, choices=Decision.Outcome.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.NOMINATOR)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    include_feedback = models.BooleanField(
        default=False, help_text="Add the judges' comments the awards office has approved (never judges' names)."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "outcome", "audience"], name="one_template_per_outcome_and_audience"
            )
        ]

    def __str__(self):
        return f"{self.stage}: {self.get_outcome_display()}"


class OutcomeEmail(models.Model):
    """One outcome email to one nominator or nominee: the send log."""

    programme_path = "stage__award__programme"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="outcome_emails")
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="outcome_emails")
    outcome = models.CharField(max_length=20, choices=Decision.Outcome.choices)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.NOMINATOR)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    queued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    queued_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-queued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "nomination", "outcome", "audience"],
                name="one_outcome_email_per_nomination_and_audience",
            )
        ]

    def __str__(self):
        return f"{self.nomination} → {self.to}: {self.get_status_display()}"


class ShortlistPack(models.Model):
    """A shortlist PDF (or a large export) built in the background: its options, progress, and the file when done."""

    programme_path = "stage__award__programme"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being built"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        # What it holds changed after it was built (results.shortlist.packs_withdraw_changed).
        WITHDRAWN = "withdrawn", "Withdrawn"

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="shortlist_packs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Empty for the shortlist PDF; "<table>.<format>" (scores.xlsx, say) for an export too big to
    # build inside a web request, built by the same worker and handed out by the same checks.
    export = models.CharField(max_length=20, blank=True, default="", editable=False)
    blind = models.BooleanField(default=False)
    normalised = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(default=0, help_text="Percent done.")
    entries = models.PositiveIntegerField(default=0)
    # In the private storage (plaudit/storage.py), not the database: packs run to hundreds of
    # megabytes, and every web host and worker must reach the one a worker built.
    pdf = models.FileField(storage=private_storage, upload_to="packs/%Y/%m/", blank=True, editable=False)
    # The entries the pack shows (in full or in its ranking table): a pack is handed only to a
    # downloader who may see every one of them, now (judging.access.pack_for).
    # Empty until built; a pack that does not say which entries it shows is never handed out.
    entry_ids = models.JSONField(null=True, blank=True, editable=False)
    # The nominations whose details it holds (a dossier entry's members at the time): checked
    # against now too, since a member may leave a dossier, decline, or be conflicted later.
    nomination_ids = models.JSONField(null=True, blank=True, editable=False)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Moved on by the builder at every step: a pack not moved on for a while has lost its worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Shortlist pack {self.pk} for {self.stage}"

    @property
    def export_kind(self) -> tuple[str, str] | None:
        """(table, format) of an export made in the background, None for the shortlist PDF."""
        return tuple(self.export.split(".", 1)) if self.export else None
