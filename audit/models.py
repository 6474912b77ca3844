"""The audit log: an append-only record of what was done, by whom, when.

Rows are only ever added. The model refuses to save a row twice or to delete one, its
queryset refuses bulk updates and deletes, the admin offers no way to change anything, and
on PostgreSQL a trigger refuses UPDATE and DELETE in the database itself.
"""

from django.db import models


class AppendOnly(Exception):
    """The audit log is append-only."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("The audit log cannot be changed.")

    def delete(self):
        raise AppendOnly("The audit log cannot be deleted from.")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CONFIGURATION = "configuration", "Configuration changed"
        SUBMISSION = "submission", "Nomination submitted or withdrawn"
        SCORE = "score", "Scores changed"
        CONFLICT = "conflict", "Conflict of interest"
        ASSIGNMENT = "assignment", "Assignments changed"
        DECISION = "decision", "Decision"
        EXPORT = "export", "Export or download"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        REMINDER = "reminder", "Scheduled reminder"
        MESSAGE = "message", "Message from the office"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices, db_index=True)
    # The person's id and label, not a foreign key: removing an account must not rewrite the log
    # (which the database would refuse), and the record still says who.
    actor_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    actor_label = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=200, blank=True, db_index=True)
    summary = models.TextField()
    data = models.JSONField(default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["action", "at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.summary[:60]}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("The audit log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("The audit log cannot be deleted from.")
