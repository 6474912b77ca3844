"""Every email Plaudit sends is built here: a one-line subject, the plain text, a simple HTML
version of the same words (the organiser's name in NHS.UK blue, no remote images, nothing that
runs), and a Reply-To the programme's contact address, so a reply reaches a person.

The HTML part is the plain text, escaped, in paragraphs. Only the links Plaudit itself made (a
sign-in link, a nomination's link) are links in it: a name, a role or a note someone typed is
never turned into a link or an image, whatever it looks like."""

import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from .text import one_line


def pieces(text: str, links=()) -> list[list[list[tuple[str, str]]]]:
    """The text as paragraphs of lines of (words, link) pieces: link is the address for one of
    `links` (each exactly as it appears in the text), empty for everything else."""
    # A rendered template's text comes marked safe, yet holds what people typed: its pieces are
    # made plain strings again, so the HTML template escapes every one.
    text = str.__str__(text)
    links = sorted({link for link in links if link}, key=len, reverse=True)
    splitter = re.compile("(" + "|".join(map(re.escape, links)) + ")") if links else None
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = []
        for line in paragraph.split("\n"):
            parts = splitter.split(line) if splitter else [line]
            lines.append([(part, part if part in links else "") for part in parts if part])
        paragraphs.append(lines)
    return paragraphs


def links_in(context: dict) -> list[str]:
    """The addresses Plaudit made for an email's template: its context's values named …url."""
    return [value for key, value in context.items() if key.endswith("url") and isinstance(value, str)]


def build(*, subject: str, text: str, to: str, programme=None, attachments=(), links=()) -> EmailMultiAlternatives:
    """The email, ready to send: `programme` (when the email is about one) gives the organiser's
    name for the HTML heading and the Reply-To address; `links` are the addresses Plaudit put in
    the text, the only ones the HTML part makes links of."""
    organiser = getattr(programme, "organiser", "") or getattr(settings, "PLAUDIT_SITE_NAME", "Plaudit awards")
    reply_to = getattr(programme, "contact_email", "") or getattr(settings, "PLAUDIT_CONTACT_EMAIL", "")
    # A subject is one line: titles come from the office, but a line break would end the header.
    message = EmailMultiAlternatives(
        subject=one_line(subject, 250), body=text, to=[to], reply_to=[reply_to] if reply_to else None
    )
    html = render_to_string(
        "plaudit/email.html",
        {"paragraphs": pieces(text, links), "organiser": organiser, "subject": message.subject},
    )
    message.attach_alternative(html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    return message
