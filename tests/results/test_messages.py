"""Messages from the awards office to a segment: the right people, placeholders checked by name,
a preview with a real recipient (and no link of theirs), a confirmation naming how many, each copy
sent once through the queue and logged."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditEvent
from awards import office
from nominations.models import Nomination
from plaudit.models import Delivery
from plaudit.text import fill_placeholders
from results import messages
from results.models import OfficeMessage
from tests.factories import NominationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(panel):
    """On the panel's award: two drafts (one whose nominator asked for no more emails), a
    submitted nomination waiting for its nominee's answer; a draft of another award. The panel's
    stage has alice (2 entries left) and bob (3 left) behind; chidi chairs."""
    award = panel.stage.award
    NominationFactory(
        award=award,
        reference="KC-0101",
        nominator_email="ada@example.org",
        nominator_name="Ada Lovelace",
        identity_draft={"nominee_name": "Mary Seacole"},
    )
    NominationFactory(
        award=award, reference="KC-0102", nominator_email="quiet@example.org", reminders_stopped_at=timezone.now()
    )
    NominationFactory(
        award=award,
        reference="KC-0103",
        status="submitted",
        consent_status="pending",
        nominee_name="Florence Nightingale",
        nominee_email="florence@example.org",
        submitted_at=timezone.now(),
    )
    NominationFactory(award=panel.other_stage.award, reference="BT-0001", nominator_email="other@example.org")
    manager, viewer = UserFactory(username="manager"), UserFactory(username="viewer")
    office.role_grant(award.programme, manager, "manager")
    office.role_grant(award.programme, viewer, "viewer")
    panel.people |= {"manager": manager, "viewer": viewer}
    return panel


def keys(found):
    return [(r.key, r.email) for r in found]


def test_each_segment_is_the_people_it_says(world):
    award, stage = world.stage.award, world.stage
    drafts = messages.SEGMENTS["drafts"].recipients(award)
    assert [r.email for r in drafts] == ["ada@example.org"]  # not the one who asked for no more, nor another award's
    assert drafts[0].values["nominee"] == "Mary Seacole" and drafts[0].values["name"] == "Ada Lovelace"
    submitted = messages.SEGMENTS["submitted"].recipients(award)
    assert len(submitted) == 4  # the panel's three entries and the nomination waiting for consent
    consent = messages.SEGMENTS["consent"].recipients(award)
    assert [r.email for r in consent] == ["florence@example.org"]
    behind = messages.SEGMENTS["behind"].recipients(stage)
    assert [(r.values["name"], r.values["left"]) for r in behind] == [("Alice Judge", "2"), ("Bob Judge", "3")]


def test_fill_replaces_known_names_once_and_leaves_the_rest():
    values = {"name": "{award} <b>Ada</b>", "award": "Kindness"}
    assert fill_placeholders("Dear {name}, {award}! {unknown} {{name}} { name }", values) == (
        "Dear {award} <b>Ada</b>, Kindness! {unknown} {{award} <b>Ada</b>} { name }"
    )


PIECE = st.one_of(
    st.sampled_from(["{name}", "{award}", "{nope}", "{", "}", "{{", "{name"]),
    st.text(st.characters(codec="utf-8", exclude_characters="{}"), max_size=8),
)


@given(pieces=st.lists(PIECE, max_size=12), name=st.text(max_size=10), award=st.text(max_size=10))
def test_filling_is_plain_replacement_whatever_the_text(pieces, name, award):
    """Invariant: the filled text is the written text with each known placeholder swapped for its
    value, and nothing else changed; a value is never read again for placeholders."""
    text = "".join(pieces)
    expected = re.sub(r"\{(name|award)\}", lambda m: {"name": name, "award": award}[m.group(1)], text)
    assert fill_placeholders(text, {"name": name, "award": award}) == expected


def compose(client, world, audience, subject="Your nomination", body="Dear {name}, about {reference}: {link}"):
    programme = world.stage.award.programme
    return client.post(
        reverse("judging:message_new", args=[programme.slug]), {"audience": audience, "subject": subject, "body": body}
    )


def test_unknown_placeholders_are_refused_by_name_beside_the_field_and_nothing_is_lost(client, world):
    client.force_login(world.people["manager"])
    stage = world.stage
    response = compose(client, world, f"behind:{stage.pk}", subject="About {reference}", body="Dear {nam}, {left} left")
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "These placeholders are not offered for who receives it: {reference}." in page
    assert "{nam}" in page and "You can use {name}, {programme}, {award}, {stage}, {deadline}, {left}, {link}." in page
    assert "Dear {nam}, {left} left" in page  # what they wrote, kept
    assert not OfficeMessage.objects.exists()
    response = compose(client, world, "drafts:999999")
    assert "Choose from the list" in response.content.decode()


def test_the_preview_shows_a_real_recipient_without_their_link_and_the_count(client, world):
    client.force_login(world.people["manager"])
    response = compose(
        client,
        world,
        f"drafts:{world.stage.award.pk}",
        body="Dear {name}, your nomination of {nominee} ({reference}) closes {deadline}. {link}",
    )
    message = OfficeMessage.objects.get()
    assert response.url == reverse("judging:message", args=[message.award.programme.slug, message.pk])
    page = client.get(response.url).content.decode()
    assert "Dear Ada Lovelace, your nomination of Mary Seacole (KC-0101) closes" in page
    assert messages.LINK_IN_PREVIEW in page and "/mine/" not in page
    assert "This message goes to <strong>1 person</strong>" in page and "Send to 1 person" in page
    assert not mail.outbox


def test_confirming_sends_each_copy_once_through_the_queue_and_logs_it(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.people["manager"])
    stage = world.stage
    compose(
        client,
        world,
        f"behind:{stage.pk}",
        subject="{stage}: {left} left",
        body="Dear {name}, {left} entries are left by {deadline}: {link}",
    )
    message = OfficeMessage.objects.get()
    url = reverse("judging:message", args=[stage.award.programme.slug, message.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"expected": "2"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == "sent" and message.recipients == [
        f"judge:{world.people['alice'].pk}",
        f"judge:{world.people['bob'].pk}",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.people["alice"].email, world.people["bob"].email])
    alice = next(m for m in mail.outbox if m.to == [world.people["alice"].email])
    assert alice.subject == "Shortlisting: 2 left"
    assert "Dear Alice Judge, 2 entries are left by (no closing date set)" in alice.body
    assert f"/judging/stages/{stage.pk}/" in alice.body
    assert "You are receiving this because you are a judge of Kindest Colleague." in alice.body
    assert alice.reply_to == [stage.award.programme.contact_email]
    assert Delivery.objects.filter(kind="office_message", status="sent").count() == 2
    assert AuditEvent.objects.filter(action="message").count() == 1
    page = client.get(url).content.decode()
    assert world.people["bob"].email in page and "Sent" in page
    # Run again (a retried task, a second worker): nothing goes twice.
    assert messages.message_send(message.pk) == {"sent": 0, "failed": 0, "already": 2}
    assert len(mail.outbox) == 2
    # Confirming again changes nothing.
    client.post(url, {"expected": "2"})
    assert len(mail.outbox) == 2


def test_the_nominee_gets_a_working_link_of_their_own(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.people["manager"])
    compose(client, world, f"consent:{world.stage.award.pk}", body="Dear {name}, please answer: {link}")
    message = OfficeMessage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("judging:message", args=[message.programme.slug, message.pk]), {"expected": "1"})
    body = mail.outbox[0].body
    path = re.search(r"https?://[^/\s]+(/consent/\S+/)", body).group(1)
    nominee = client.__class__()
    assert nominee.get(path).status_code == 302
    assert "Florence Nightingale" in nominee.get(reverse("nominations:consent_page")).content.decode()


def test_a_changed_segment_is_confirmed_again_and_later_changes_send_to_nobody_new(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.people["manager"])
    award = world.stage.award
    compose(client, world, f"drafts:{award.pk}")
    message = OfficeMessage.objects.get()
    url = reverse("judging:message", args=[award.programme.slug, message.pk])
    NominationFactory(award=award, reference="KC-0104", nominator_email="late@example.org")
    response = client.post(url, {"expected": "1"})  # they saw 1; there are 2 now
    assert "it now goes to 2" in response.content.decode()
    message.refresh_from_db()
    assert message.status == "draft" and not mail.outbox
    # Confirmed for two; then one submits and a third starts: only the one still drafting hears.
    messages.message_confirm(message=message, expected=2, by=world.people["manager"], now=timezone.now())
    assert not mail.outbox  # confirmed, not yet sent: the worker sends it
    Nomination.objects.filter(reference="KC-0104").update(status="submitted")
    NominationFactory(award=award, reference="KC-0105", nominator_email="newcomer@example.org")
    messages.message_send(message.pk)
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


def test_a_refused_address_is_logged_as_failed(client, world, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.plaudit.test_schedule.RefusingBackend"
    Nomination.objects.filter(reference="KC-0101").update(nominator_email="bounce@example.org")
    client.force_login(world.people["manager"])
    compose(client, world, f"drafts:{world.stage.award.pk}")
    message = OfficeMessage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("judging:message", args=[message.programme.slug, message.pk]), {"expected": "1"})
    delivery = Delivery.objects.get(kind="office_message")
    assert delivery.status == "failed" and "550" in delivery.error
    page = client.get(reverse("judging:messages", args=[message.programme.slug])).content.decode()
    assert "Sent" in page


def test_a_viewer_reads_messages_but_cannot_write_or_send_them(client, world):
    programme = world.stage.award.programme
    message = OfficeMessage.objects.create(
        programme=programme, segment="drafts", award=world.stage.award, subject="Hello", body="Hi {name}"
    )
    client.force_login(world.people["viewer"])
    assert client.get(reverse("judging:messages", args=[programme.slug])).status_code == 200
    assert client.get(reverse("judging:message", args=[programme.slug, message.pk])).status_code == 200
    assert client.get(reverse("judging:message_new", args=[programme.slug])).status_code == 404
    assert client.get(reverse("judging:message_edit", args=[programme.slug, message.pk])).status_code == 404
    assert (
        client.post(reverse("judging:message", args=[programme.slug, message.pk]), {"expected": "1"}).status_code == 404
    )
    assert not mail.outbox
    client.force_login(world.people["alice"])  # a judge is not the office
    assert client.get(reverse("judging:messages", args=[programme.slug])).status_code == 404


def test_a_draft_can_be_changed_and_a_sent_one_cannot(client, world):
    client.force_login(world.people["manager"])
    award = world.stage.award
    compose(client, world, f"drafts:{award.pk}")
    message = OfficeMessage.objects.get()
    edit = reverse("judging:message_edit", args=[award.programme.slug, message.pk])
    assert "Dear {name}, about {reference}: {link}" in client.get(edit).content.decode()
    client.post(edit, {"audience": f"submitted:{award.pk}", "subject": "Thank you", "body": "Thanks {name}"})
    message.refresh_from_db()
    assert (message.segment, message.subject) == ("submitted", "Thank you")
    messages.message_confirm(message=message, expected=4, by=world.people["manager"], now=timezone.now())
    assert client.get(edit).status_code == 302
