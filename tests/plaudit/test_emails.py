"""Every email is built one way: plain text, the same words as simple HTML with nothing remote
and nothing that runs, and a Reply-To that reaches the programme's office."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from judging.tasks import send_reminder
from plaudit.emails import build
from results import decisions
from tests.factories import ProgrammeFactory, kindness_award

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = 'Dear <b>you</b> <script>alert(1)</script> <img src="https://tracker.example/x.png"> {{ 7|add:1 }}'


def html_of(message) -> str:
    ((html, kind),) = message.alternatives
    assert kind == "text/html"
    return html


def test_the_html_says_the_same_words_and_nothing_more():
    programme = ProgrammeFactory(organiser="Northfield <NHS> Trust", contact_email="awards@northfield.example")
    message = build(
        subject="Hello\nURGENT",
        text=HOSTILE + "\nSee https://plaudit.example/n/abc/",
        to="a@example.org",
        programme=programme,
        links=["https://plaudit.example/n/abc/"],
    )
    html = html_of(message)
    assert message.subject == "Hello URGENT" and message.body.startswith(HOSTILE)
    assert message.reply_to == ["awards@northfield.example"]
    assert "Northfield &lt;NHS&gt; Trust" in html and "#005eb8" in html
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "{{ 7|add:1 }}" in html
    assert '<a href="https://plaudit.example/n/abc/"' in html


TYPED = [
    "https://evil.example/claim-your-prize",
    "www.evil.example",
    "evil@example.org",
    '<a href="https://evil.example/">Sign in</a>',
    '<img src="https://tracker.example/x.png">',
    "![pixel](https://tracker.example/x.png)",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("typed", TYPED)
def test_text_someone_typed_is_never_a_link_or_an_image_in_the_html(typed):
    """A referee's name, a nominator's note, a nominee's role: whatever it looks like, the HTML
    part shows it as words. Only the address Plaudit made (and passed as a link) is a link."""
    ours = "https://plaudit.example/statement/abc/"
    message = build(
        subject="Hello", text=f"Hello {typed},\n\nYour link:\n{ours}\n\n{typed}", to="a@example.org", links=[ours]
    )
    html = html_of(message)
    assert html.count("<a ") == 1 and f'<a href="{ours}"' in html
    assert "<img" not in html and 'src="' not in html


def test_text_from_a_rendered_template_is_escaped_though_marked_safe():
    """The plain-text part is a rendered template (marked safe, with autoescape off); the people's
    words in it are escaped in the HTML part all the same."""
    from django.utils.safestring import mark_safe

    html = html_of(
        build(
            subject="Hi", text=mark_safe('<b data-hostile>x</b> <a href="https://e.example/">y</a>'), to="a@example.org"
        )
    )
    assert "<b data-hostile>" not in html and "&lt;b data-hostile&gt;" in html and "<a " not in html


def test_emails_to_nominators_and_judges_reply_to_the_programmes_office(client, panel):
    award = kindness_award(contact_email="office@kindness.example")
    client.post(reverse("nominations:start", args=[award.programme.slug, award.slug]), {"email": "ada@example.org"})
    (link,) = mail.outbox
    assert link.reply_to == ["office@kindness.example"] and "<html" in html_of(link)

    mail.outbox.clear()
    send_reminder.call(panel.stage.pk, panel.people["bob"].pk)
    (reminder,) = mail.outbox
    assert reminder.reply_to == [panel.stage.award.programme.contact_email]
    assert panel.stage.award.programme.organiser in html_of(reminder)


def test_outcome_emails_reply_to_the_programmes_office(scored, django_capture_on_commit_callbacks):
    chidi, now = scored.people["chidi"], timezone.now()
    entry = scored.entries[1]
    decisions.decisions_record(stage=scored.stage, entries=[entry], outcome="winner", reason="", by=chidi, now=now)
    decisions.decisions_apply(stage=scored.stage, entries=[entry], by=chidi, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.outcome_emails_queue(stage=scored.stage, outcome="winner", entries=[entry], by=chidi, now=now)
    message = mail.outbox[-1]
    assert message.reply_to == [scored.stage.award.programme.contact_email]
    assert "has won" in html_of(message)
