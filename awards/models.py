"""Programmes, awards and the questions and criteria that define them.

Everything here is configuration an admin edits or imports (award-format.md);
the rules it must keep are in awards.rules so the importer and the admin share them.
"""

import calendar
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from . import rules


def validate_timezone(value):
    problem = rules.timezone_problem(value)
    if problem:
        raise ValidationError(problem)


def validate_key(value):
    problem = rules.key_problem(value)
    if problem:
        raise ValidationError(f"Key {problem}.")


class Status(models.TextChoices):
    """Where a programme or award is in its life. Nothing is public until published (awards.publishing
    runs the pre-flight check first); closed is public, and takes no more nominations."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CLOSED = "closed", "Closed"


class Programme(models.Model):
    """One awards cycle, with its organiser, time zone and nomination window."""

    # Every office model says how its rows reach their programme (a lookup path; "" here), and
    # awards.access.in_programmes scopes any of its querysets by that: the one scoping rule.
    programme_path = ""

    slug = models.SlugField(max_length=100, unique=True, validators=[validate_key])
    name = models.CharField(max_length=200)
    organiser = models.CharField(max_length=200, help_text="Shown in the header and on PDFs.")
    contact_email = models.EmailField()
    timezone = models.CharField(
        max_length=64,
        default="Europe/London",
        validators=[validate_timezone],
        help_text="Deadlines are shown and enforced in this time zone.",
    )
    nominations_open = models.DateTimeField()
    nominations_close = models.DateTimeField()
    # Data protection: how long personal data is kept after nominations close. Not part of the
    # award format (a definition says what is asked, not how long answers are kept).
    retention_months = models.PositiveSmallIntegerField(
        default=24,
        help_text="Months after nominations close before nominations and judging data are anonymised "
        "(the results' figures are kept).",
    )
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Screening: an optional first step before judging (nominations.screening).
    screening = models.BooleanField(
        "screen nominations before judging",
        default=False,
        help_text="A submitted nomination goes to judging only once the office has marked it eligible.",
    )
    screening_reasons = models.JSONField(
        "reasons a nomination is not eligible",
        default=list,
        blank=True,
        help_text="Offered when the office marks nominations not eligible; one per line. "
        "Leave empty to offer Plaudit's usual reasons.",
    )
    # The schedule's reminders (plaudit.schedule), in whole days before each deadline.
    draft_reminder_days = models.JSONField(
        "remind draft holders (days before the deadline)",
        default=rules.default_draft_reminders,
        blank=True,
        help_text="For example 7, 1: a reminder a week before nominations close and another the day before. Empty: none.",
    )
    judge_reminder_days = models.JSONField(
        "remind judges with work left (days before a stage closes)",
        default=rules.default_judge_reminders,
        blank=True,
        help_text="For example 3, 1. Empty: none (chairs can still remind judges from the progress page).",
    )
    # Changed only through awards.publishing (pre-flight, audit): a new or imported programme is a draft.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    # Publication can be scheduled: a published programme is public from this moment (blank: at once).
    publish_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-nominations_open", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("awards:programme", args=[self.slug])

    def clean(self):
        errors = {}
        problem = rules.window_problem(self.nominations_open, self.nominations_close)
        if problem:
            errors["nominations_close"] = f"Nominations close {problem}."
        problem = rules.reasons_problem(self.screening_reasons)
        if problem:
            errors["screening_reasons"] = problem[0].upper() + problem[1:] + "."
        for field in ("draft_reminder_days", "judge_reminder_days"):
            problem = rules.reminder_days_problem(getattr(self, field))
            if problem:
                errors[field] = problem[0].upper() + problem[1:] + "."
        if errors:
            raise ValidationError(errors)

    # Offered when a programme has not written its own reasons.
    USUAL_REASONS = (
        "Does not meet the award's eligibility criteria",
        "The nominee works outside the programme's area",
        "Nominated for the wrong award",
        "Not enough information to judge",
        "A duplicate of another nomination",
    )

    @property
    def reasons(self) -> list[str]:
        """The reasons offered when nominations are marked not eligible."""
        return list(self.screening_reasons) or list(self.USUAL_REASONS)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @staticmethod
    def public_q(now=None, prefix: str = "") -> models.Q:
        """The programmes on the public site: published (from their scheduled moment) or closed."""
        now = now or timezone.now()
        return models.Q(**{f"{prefix}status__in": [Status.PUBLISHED, Status.CLOSED]}) & (
            models.Q(**{f"{prefix}publish_at__isnull": True}) | models.Q(**{f"{prefix}publish_at__lte": now})
        )

    def is_public(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status in (Status.PUBLISHED, Status.CLOSED) and (self.publish_at is None or self.publish_at <= now)

    @property
    def scheduled(self) -> bool:
        """Published for a moment still to come."""
        return self.status == Status.PUBLISHED and self.publish_at is not None and self.publish_at > timezone.now()

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == Status.PUBLISHED
            and self.is_public(now)
            and self.nominations_open <= now < self.nominations_close
        )

    @property
    def retain_until(self):
        """When this programme's personal data is due to be anonymised (the same day, months later)."""
        close = self.nominations_close
        month_index = close.month - 1 + self.retention_months
        year, month = close.year + month_index // 12, month_index % 12 + 1
        return close.replace(year=year, month=month, day=min(close.day, calendar.monthrange(year, month)[1]))


class OfficeRole(models.Model):
    """Someone who works for the awards office on one programme, below superuser (awards.access
    asks these; plaudit.roles keeps the Django groups that give the admin's model permissions)."""

    programme_path = "programme"

    class Role(models.TextChoices):
        MANAGER = "manager", "Programme manager"
        VIEWER = "viewer", "Office viewer"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="office_roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_roles")
    role = models.CharField(
        max_length=10,
        choices=Role.choices,
        default=Role.MANAGER,
        help_text="A programme manager does everything for this programme; an office viewer reads it, exports included.",
    )

    class Meta:
        ordering = ["programme", "role", "user__username"]
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="one_office_role_per_programme")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.programme})"


def new_revision() -> int:
    """Where an award's revision starts: random, so no award ever shares one with another that
    had its id before it (an id can be handed out again after a rollback)."""
    return secrets.randbits(52)


class Award(models.Model):
    """An award category: who may be nominated, its questions and its criteria."""

    programme_path = "programme"

    class Nominee(models.TextChoices):
        INDIVIDUAL = "individual", "An individual"
        TEAM = "team", "A team"
        ORGANISATION = "organisation", "An organisation"
        INDIVIDUAL_OR_TEAM = "individual_or_team", "An individual or a team"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="awards")
    slug = models.SlugField(max_length=100, validators=[validate_key])
    title = models.CharField(max_length=200)
    summary = models.TextField(help_text="One or two sentences shown in the list of awards.")
    description = models.TextField(blank=True, help_text="Markdown, shown above the form.")
    nominee = models.CharField(max_length=20, choices=Nominee.choices, default=Nominee.INDIVIDUAL_OR_TEAM)
    self_nomination = models.BooleanField(default=False, help_text="May people nominate themselves?")
    stepped = models.BooleanField(
        "one section per page",
        default=False,
        help_text="Show the form one section per page, with a task list of the sections and how far each has got.",
    )
    nominations_open = models.DateTimeField(
        null=True, blank=True, help_text="Leave blank to use the programme's window."
    )
    nominations_close = models.DateTimeField(
        null=True, blank=True, help_text="Leave blank to use the programme's window."
    )
    position = models.PositiveIntegerField(default=0)
    # An award removed from a re-imported file that already has nominations is retired, not deleted.
    active = models.BooleanField(default=True)
    # Changed only through awards.publishing; public only while its programme is public too.
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    # Run-time settings, not part of the award format.
    consent_required = models.BooleanField(
        "ask nominees to consent",
        default=True,
        help_text="Third-party nominations go to judging only after the nominee agrees.",
    )
    reference_prefix = models.CharField(
        max_length=5,
        blank=True,
        help_text="Starts every nomination reference, like EPX in EPX26-0042 (26 is the programme's year). Leave blank to use the title's initials.",
    )
    reference_counter = models.PositiveIntegerField(default=0, editable=False)
    # Moved on by the database itself (triggers: awards/migrations/0010) whenever the award's
    # sections, questions or criteria change, by any code path, in the transaction that changes
    # them, and never moved back: what is kept of the award's definition (awards.definitions) is
    # keyed by it. Starts at a random number, so an award made with a reused id starts afresh.
    revision = models.BigIntegerField(default=new_revision, editable=False)

    class Meta:
        ordering = ["programme", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "slug"], name="award_slug_unique_in_programme"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.reference_prefix:
            self.reference_prefix = initials(self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("awards:award", args=[self.programme.slug, self.slug])

    def clean(self):
        problem = rules.window_problem(self.opens_at, self.closes_at)
        if problem:
            raise ValidationError({"nominations_close": f"Nominations close {problem}."})

    @property
    def opens_at(self):
        return self.nominations_open or (self.programme.nominations_open if self.programme_id else None)

    @property
    def closes_at(self):
        return self.nominations_close or (self.programme.nominations_close if self.programme_id else None)

    def takes_nominations(self, now=None) -> bool:
        """Published, in a programme that is public and not closed: its window decides the rest."""
        return (
            self.status == Status.PUBLISHED
            and self.programme.status == Status.PUBLISHED
            and self.programme.is_public(now)
        )

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.active and self.takes_nominations(now) and self.opens_at <= now < self.closes_at


SMALL_WORDS = {"a", "an", "and", "for", "in", "of", "on", "the", "to", "with", "award", "awards"}


def initials(title: str) -> str:
    """EPE for 'Excellence in Patient Experience': the initials of the words that matter."""
    words = [w for w in title.replace("-", " ").split() if w.lower() not in SMALL_WORDS and w[:1].isalnum()]
    letters = "".join(w[0] for w in words).upper()[:4]
    return letters if len(letters) >= 2 else (title.replace(" ", "")[:3].upper() or "NOM")


class Section(models.Model):
    """A group of questions on the nomination form."""

    programme_path = "award__programme"

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200, blank=True)
    intro = models.TextField(blank=True, help_text="Markdown shown before the section's questions.")

    class Meta:
        ordering = ["award", "position", "id"]

    def __str__(self):
        return self.title or f"Section {self.position + 1}"


class Question(models.Model):
    """One question of an award's nomination form. Its key is stable across years."""

    programme_path = "award__programme"

    class Type(models.TextChoices):
        SHORT_TEXT = "short_text", "Short text (one line)"
        LONG_TEXT = "long_text", "Long text (paragraphs)"
        EMAIL = "email", "Email address"
        URL = "url", "Web address"
        PHONE = "phone", "Phone number"
        NUMBER = "number", "Number"
        DATE = "date", "Date"
        CHOICE = "choice", "One of a list"
        MULTI_CHOICE = "multi_choice", "Any of a list"
        YES_NO = "yes_no", "Yes or no"
        FILE = "file", "File upload"
        ENDORSEMENT = "endorsement", "Supporting statement from a referee"

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="questions")
    # Null only for retired questions, which keep their answers after their section is gone.
    section = models.ForeignKey(Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    key = models.SlugField(max_length=100, validators=[validate_key])
    prompt = models.TextField()
    guidance = models.TextField(blank=True, help_text="Markdown hint shown under the prompt.")
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.LONG_TEXT)
    required = models.BooleanField(default=True)
    identifying = models.BooleanField(default=False, help_text="Hidden from judges when a stage is blind.")
    visible_to_judges = models.BooleanField(default=True, help_text="Untick to keep the answer for admins only.")
    reportable = models.BooleanField(default=False, help_text="Offered as a spread dimension when shortlisting.")
    max_length = models.PositiveIntegerField(null=True, blank=True, help_text="Short text: most characters.")
    min_words = models.PositiveIntegerField(null=True, blank=True)
    max_words = models.PositiveIntegerField(null=True, blank=True)
    min_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    max_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    min_choices = models.PositiveIntegerField(null=True, blank=True)
    max_choices = models.PositiveIntegerField(null=True, blank=True)
    file_types = models.JSONField(default=list, blank=True)
    max_size_mb = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    wait_for_statement = models.BooleanField(
        "judge only once the statement has arrived",
        default=False,
        help_text="Supporting statement: the nomination goes to judging only once its referee's statement has arrived.",
    )
    show_if_key = models.CharField(
        "show only if question", max_length=100, blank=True, help_text="Key of an earlier choice or yes/no question."
    )
    show_if_value = models.CharField("equals", max_length=200, blank=True)
    # Retired questions keep their answers but are no longer asked.
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["award", "section__position", "position", "id"]
        constraints = [
            # Only among active questions: a retired question may share its key with its replacement.
            models.UniqueConstraint(
                fields=["award", "key"], condition=models.Q(active=True), name="question_key_unique_in_award"
            ),
        ]

    def __str__(self):
        return f"{self.key}: {self.prompt[:60]}"

    @property
    def show_if(self) -> dict | None:
        if not self.show_if_key:
            return None
        return {"question": self.show_if_key, "equals": self.show_if_value}

    def clean(self):
        errors = {}
        checks = {
            "choices": rules.choices_problem(self.type, self.choices),
            "max_words": rules.range_problem(self.min_words, self.max_words, "words"),
            "max_value": rules.range_problem(self.min_value, self.max_value, "value"),
            "max_choices": rules.choice_count_problem(self.min_choices, self.max_choices, self.choices),
            "file_types": rules.file_types_problem(self.file_types),
            "max_size_mb": rules.positive_problem(self.max_size_mb, "Size limit"),
            "max_length": rules.positive_problem(self.max_length, "Length limit"),
        }
        for field, problem in checks.items():
            if problem:
                errors[field] = problem[0].upper() + problem[1:] + "."
        if bool(self.show_if_key) != bool(self.show_if_value):
            errors["show_if_value"] = "Give both the question and the answer it must equal, or neither."
        if errors:
            raise ValidationError(errors)


class Criterion(models.Model):
    """A judging criterion: its weight, scale, level descriptors and the answers it reads."""

    programme_path = "award__programme"

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField(default=0)
    key = models.SlugField(max_length=100, validators=[validate_key])
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown guidance for judges.")
    weight = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        default=1,
        help_text="Relative to the others; 0 is scored but left out of the total.",
    )
    scale_min = models.IntegerField(default=0)
    scale_max = models.IntegerField(default=5)
    levels = models.JSONField(default=dict, blank=True, help_text="Descriptor for any level, keyed by the level.")
    allow_na = models.BooleanField("allow N/A", default=False)
    question_keys = models.JSONField(default=list, blank=True, help_text="Keys of the questions shown beside it.")

    class Meta:
        ordering = ["award", "position", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["award", "key"], name="criterion_key_unique_in_award"),
        ]

    def __str__(self):
        return self.title

    @property
    def level_descriptors(self) -> dict[int, str]:
        return {int(level): text for level, text in sorted(self.levels.items(), key=lambda kv: int(kv[0]))}

    def clean(self):
        errors = {}
        problem = rules.scale_problem(self.scale_min, self.scale_max)
        if problem:
            errors["scale_max"] = "Scale " + problem + "."
        problem = rules.weight_problem(self.weight)
        if problem:
            errors["weight"] = "Weight " + problem + "."
        problem = rules.levels_problem(self.level_descriptors, self.scale_min, self.scale_max)
        if problem and "scale_max" not in errors:
            errors["levels"] = problem[0].upper() + problem[1:] + "."
        if errors:
            raise ValidationError(errors)
