"""Background work for nominations, through Django's tasks queue."""

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from plaudit.pdf import render_pdf

from .emails import send_email
from .links import MINE_HOURS, link_create, link_url, mine_token
from .models import Nomination
from .selectors import receipt_context, started_by


@task()
def send_receipt(nomination_id: int):
    """Email the nominator every answer they submitted, with a PDF copy."""
    nomination = Nomination.objects.select_related("award__programme").get(pk=nomination_id)
    context = receipt_context(nomination)
    pdf = render_pdf("nominations/receipt_pdf.html", context)
    # A new way back with the receipt (the first link may be long gone): only its hash is kept.
    context["url"] = link_url(link_create(nomination=nomination))
    send_email(
        subject=f"Nomination received: {nomination.reference}, {nomination.award.title}",
        template="nominations/email/receipt.txt",
        context=context,
        to=nomination.nominator_email,
        attachments=[(f"{nomination.reference}.pdf", pdf, "application/pdf")],
    )


@task()
def send_mine_link(email: str):
    """Email an address a link to the list of nominations started with it."""
    nominations = list(started_by(email)[:50])
    if not nominations:
        return
    send_email(
        subject="Your nominations",
        template="nominations/email/mine.txt",
        context={
            "nominations": nominations,
            "url": settings.SITE_URL + reverse("nominations:mine_open", args=[mine_token(email)]),
            "hours": MINE_HOURS,
        },
        to=email,
    )
