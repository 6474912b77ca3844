"""Nominations and their answers.

Answers are rows (one per nomination and question), not a blob, so they can be
reported on and exported per question. The intake journey (drafts, submission,
consent, dossiers) builds on these.
"""

from django.db import models

from awards.models import Award, Question


class Nomination(models.Model):
    """One nominator's entry for one nominee in one award."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        INELIGIBLE = "ineligible", "Ineligible"

    # PROTECT: an award with nominations is retired, never deleted with them.
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="nominations")
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    nominator_email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["award", "reference"]

    def __str__(self):
        return self.reference


class Answer(models.Model):
    """The answer to one question in one nomination."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="answers")
    # PROTECT: a question with answers is retired (kept, inactive), never deleted.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nomination", "question"], name="one_answer_per_question"),
        ]

    def __str__(self):
        return f"{self.nomination.reference} / {self.question.key}"
