"""The results app's own data: messages from the awards office (results.messages). The rest of
results reads judging's models."""

from django.conf import settings
from django.db import models


class OfficeMessage(models.Model):
    """A message the awards office writes to a segment of a programme's people (results.messages
    says who each segment is). A draft until confirmed; confirming freezes who receives it."""

    programme_path = "programme"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        QUEUED = "queued", "Sending"
        SENT = "sent", "Sent"

    programme = models.ForeignKey("awards.Programme", on_delete=models.CASCADE, related_name="office_messages")
    segment = models.CharField(max_length=20)
    award = models.ForeignKey("awards.Award", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    stage = models.ForeignKey("judging.Stage", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The recipients' keys at confirmation (results.messages.Recipient.key): nobody else gets it.
    recipients = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject
