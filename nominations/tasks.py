"""Background work for nominations, through Django's tasks queue."""

from django_tasks import task

from plaudit.pdf import render_pdf

from .emails import send_email
from .models import Nomination
from .selectors import receipt_context


@task()
def send_receipt(nomination_id: int):
    """Email the nominator every answer they submitted, with a PDF copy."""
    nomination = Nomination.objects.select_related("award__programme").get(pk=nomination_id)
    context = receipt_context(nomination)
    pdf = render_pdf("nominations/receipt_pdf.html", context)
    send_email(
        subject=f"Nomination received: {nomination.reference}, {nomination.award.title}",
        template="nominations/email/receipt.txt",
        context=context,
        to=nomination.nominator_email,
        attachments=[(f"{nomination.reference}.pdf", pdf, "application/pdf")],
    )
