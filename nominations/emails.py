"""Emails to nominators and nominees, sent one way: a plain-text template, built by
plaudit.emails (one-line subject, an HTML version, Reply-To the programme's office)."""

import logging

from django.template.loader import render_to_string

from plaudit.emails import build, links_in

logger = logging.getLogger(__name__)


def send_email(*, subject, template, context, to, attachments=(), programme=None):
    """Send one email from a plain-text template; a mail server that fails is logged, and the
    nominator's work is never lost for it. The programme comes from the context where not given."""
    programme = programme or context.get("programme") or getattr(context.get("award"), "programme", None)
    if programme is None and context.get("nomination") is not None:
        programme = context["nomination"].award.programme
    message = build(
        subject=subject,
        text=render_to_string(template, context),
        to=to,
        programme=programme,
        attachments=attachments,
        links=links_in(context),
    )
    try:
        message.send()
    except Exception:  # a mail server outage must not lose the nominator's work
        logger.exception("Could not send %r to %s", subject, to)
