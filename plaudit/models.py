"""Site pages the awards office edits: the privacy notice and the accessibility statement."""

from django.db import models


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
