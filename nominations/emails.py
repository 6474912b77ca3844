"""Emails to nominators and nominees, sent one way: a plain-text template, a one-line subject."""

import logging

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from plaudit.text import one_line

logger = logging.getLogger(__name__)


def send_email(*, subject, template, context, to, attachments=()):
    """Send one plain-text email from a template; a mail server that fails is logged, and the
    nominator's work is never lost for it."""
    body = render_to_string(template, context)
    # A subject is one line: titles come from the office, but a line break would end the header.
    message = EmailMessage(subject=one_line(subject, 250), body=body, to=[to])
    for attachment in attachments:
        message.attach(*attachment)
    try:
        message.send()
    except Exception:  # a mail server outage must not lose the nominator's work
        logger.exception("Could not send %r to %s", subject, to)
