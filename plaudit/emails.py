"""Every email Plaudit sends is built here: a one-line subject, the plain text, a simple HTML
version of the same words (the organiser's name in NHS.UK blue, no remote images, nothing that
runs), and a Reply-To the programme's contact address, so a reply reaches a person."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .text import one_line


def build(*, subject: str, text: str, to: str, programme=None, attachments=()) -> EmailMultiAlternatives:
    """The email, ready to send: `programme` (when the email is about one) gives the organiser's
    name for the HTML heading and the Reply-To address."""
    organiser = getattr(programme, "organiser", "") or getattr(settings, "PLAUDIT_SITE_NAME", "Plaudit awards")
    reply_to = getattr(programme, "contact_email", "") or getattr(settings, "PLAUDIT_CONTACT_EMAIL", "")
    # A subject is one line: titles come from the office, but a line break would end the header.
    message = EmailMultiAlternatives(
        subject=one_line(subject, 250), body=text, to=[to], reply_to=[reply_to] if reply_to else None
    )
    html = render_to_string("plaudit/email.html", {"text": text, "organiser": organiser, "subject": message.subject})
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    return message
