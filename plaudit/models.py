"""Site pages the awards office edits (the privacy notice, the accessibility statement), and the
delivery log of scheduled messages (plaudit.schedule)."""

from django.db import models

from .addresses import AddressColumn


class SitePage(models.Model):
    """An office-written version of a site page; without one, Plaudit's own wording is shown."""

    class Page(models.TextChoices):
        PRIVACY = "privacy", "Privacy notice"
        ACCESSIBILITY = "accessibility", "Accessibility statement"

    page = models.CharField(max_length=20, choices=Page.choices, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown: headings with ##, lists with -, links as [text](https://…).")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.get_page_display()


class Delivery(models.Model):
    """One scheduled message to one person: the delivery log. The key names the message (which
    reminder, about what, which one of several), and is unique: a message is claimed before it is
    sent, so it goes at most once however many workers run the schedule at the same moment."""

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, db_index=True)
    # The programme the message is about (its id: plaudit knows nothing of programmes), so that
    # its retention period removes the log's addresses with the rest of its people's data.
    programme_ref = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    to = AddressColumn()
    subject = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "deliveries"

    def __str__(self):
        return f"{self.kind} to {self.to}: {self.get_status_display()}"
