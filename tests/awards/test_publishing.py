"""Draft, published, closed: nothing is public until published; publishing runs the pre-flight check."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from awards import format, publishing
from awards.models import Programme, Status
from judging.models import OutcomeTemplate, PanelMember, Stage
from plaudit.models import SitePage
from tests.factories import (
    AwardFactory,
    CriterionFactory,
    NominationFactory,
    ProgrammeFactory,
    QuestionFactory,
    SectionFactory,
    UserFactory,
    kindness_award,
)

pytestmark = pytest.mark.django_db


def ready_award(**programme):
    """A draft award in a draft programme with nothing blocking: a question and a criterion with levels."""
    programme = ProgrammeFactory(status=Status.DRAFT, **programme)
    award = AwardFactory(programme=programme, status=Status.DRAFT, title="Kindness Award")
    QuestionFactory(section=SectionFactory(award=award), key="story")
    CriterionFactory(award=award, title="Impact", question_keys=["story"])
    return award


def messages(findings):
    return [f.message for f in findings]


def public_urls(award):
    return [
        reverse("awards:programme", args=[award.programme.slug]),
        reverse("awards:award", args=[award.programme.slug, award.slug]),
        reverse("nominations:start", args=[award.programme.slug, award.slug]),
    ]


# What is public: one rule, checked over every combination of statuses and schedules.

MOMENTS = {"none": None, "past": -dt.timedelta(hours=1), "future": dt.timedelta(hours=1)}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    programme_status=st.sampled_from(Status.values),
    publish_at=st.sampled_from(list(MOMENTS)),
    award_status=st.sampled_from(Status.values),
    active=st.booleans(),
)
def test_only_published_or_closed_awards_of_public_programmes_are_on_the_public_site(
    client, programme_status, publish_at, award_status, active
):
    now = timezone.now()
    offset = MOMENTS[publish_at]
    programme = ProgrammeFactory(status=programme_status, publish_at=None if offset is None else now + offset)
    award = AwardFactory(programme=programme, status=award_status, active=active)
    QuestionFactory(section=SectionFactory(award=award))

    programme_public = programme_status != Status.DRAFT and (offset is None or offset < dt.timedelta(0))
    award_public = programme_public and award_status != Status.DRAFT and active
    takes_nominations = award_public and programme_status == Status.PUBLISHED and award_status == Status.PUBLISHED

    home = client.get(reverse("awards:home")).content.decode()
    assert (programme.name in home) == award_public
    for url in public_urls(award):
        assert client.get(url).status_code == (200 if award_public else 404), url
    assert award.is_open(now) == takes_nominations
    if award_public:
        start = client.get(public_urls(award)[2]).content.decode()
        assert ('name="email"' in start) == takes_nominations


def test_a_draft_award_is_hidden_in_a_published_programme_whose_other_awards_are_public(client):
    published = kindness_award()
    draft = AwardFactory(programme=published.programme, status=Status.DRAFT, title="Secret Award")

    page = client.get(reverse("awards:programme", args=[published.programme.slug])).content.decode()

    assert "Kindness Award" in page and "Secret Award" not in page
    assert client.get(reverse("awards:award", args=[published.programme.slug, draft.slug])).status_code == 404
    assert (
        client.post(
            reverse("nominations:start", args=[published.programme.slug, draft.slug]), {"email": "a@example.org"}
        ).status_code
        == 404
    )


# The pre-flight check.


def test_a_ready_award_has_nothing_blocking():
    award = ready_award()

    check = publishing.preflight(award.programme, [award])

    assert check.ready, messages(check.blocks)


@pytest.mark.parametrize(
    "breaks, message",
    [
        (lambda a: a.questions.all().delete(), "It asks no questions."),
        (lambda a: a.criteria.update(levels={}), "Criterion “Impact” has no levels"),
        (lambda a: a.criteria.update(weight=0), "Every criterion weighs 0"),
        (
            lambda a: Programme.objects.filter(pk=a.programme_id).update(
                nominations_open=timezone.now() - dt.timedelta(days=30),
                nominations_close=timezone.now() - dt.timedelta(days=1),
            ),
            "nominations window has already ended",
        ),
        (
            lambda a: a.questions.update(type="choice", choices=[]),
            "a choice question needs at least one choice",
        ),
        (lambda a: a.questions.update(show_if_key="nowhere", show_if_value="yes"), "which is not an earlier question"),
        (
            lambda a: (
                type(a)
                .objects.filter(pk=a.pk)
                .update(nominations_open=timezone.now() + dt.timedelta(days=3), nominations_close=timezone.now())
            ),
            "Its own nominations window closes must be after the opening time",
        ),
    ],
    ids=["no-questions", "no-levels", "all-weights-zero", "window-ended", "no-choices", "bad-condition", "own-window"],
)
def test_what_blocks_publication(breaks, message):
    award = ready_award()
    breaks(award)
    award.programme.refresh_from_db()

    check = publishing.preflight(award.programme, [award])

    assert not check.ready
    assert any(message in text for text in messages(check.blocks)), messages(check.blocks)


def test_choosing_no_award_blocks():
    award = ready_award()

    assert "Choose at least one award to publish." in messages(publishing.preflight(award.programme, []).blocks)


def test_what_only_warns():
    award = ready_award(nominations_close=timezone.now() + dt.timedelta(days=60))
    stage = Stage.objects.create(award=award, name="Shortlisting", opens_at=timezone.now() + dt.timedelta(days=5))

    warned = messages(publishing.preflight(award.programme, [award]).warnings)

    assert any("opens before nominations close" in text for text in warned)
    assert any("has no panel yet" in text for text in warned)
    assert any("has no outcome emails" in text for text in warned)
    assert any("No privacy notice" in text for text in warned)

    PanelMember.objects.create(stage=stage, user=UserFactory())
    OutcomeTemplate.objects.create(stage=stage, outcome="shortlisted", subject="Good news", body="Well done.")
    SitePage.objects.create(page="privacy", title="Privacy", body="We keep your data safe.")
    stage.opens_at = award.closes_at + dt.timedelta(days=1)
    stage.save()

    assert messages(publishing.preflight(award.programme, [award]).warnings) == []


def test_an_award_without_a_stage_is_warned_of():
    award = ready_award()

    assert "It has no judging stage yet." in messages(publishing.preflight(award.programme, [award]).warnings)


# Publishing, closing, returning to draft.


def test_publishing_makes_the_programme_and_the_chosen_awards_public_and_is_audited(client):
    award = ready_award()
    other = AwardFactory(programme=award.programme, status=Status.DRAFT, title="Not yet")
    office = UserFactory(is_superuser=True)

    publishing.publish(award.programme, [award], by=office)

    award.refresh_from_db(), other.refresh_from_db(), award.programme.refresh_from_db()
    assert (award.programme.status, award.status, other.status) == (Status.PUBLISHED, Status.PUBLISHED, Status.DRAFT)
    assert client.get(award.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    event = AuditEvent.objects.get(action="configuration", summary__contains="published")
    assert event.actor_id == office.pk and "Kindness Award" in event.summary


def test_a_blocked_publication_writes_nothing():
    award = ready_award()
    award.criteria.update(levels={})

    with pytest.raises(publishing.PublishBlocked):
        publishing.publish(award.programme, [award], by=None)

    award.refresh_from_db(), award.programme.refresh_from_db()
    assert (award.programme.status, award.status) == (Status.DRAFT, Status.DRAFT)
    assert not AuditEvent.objects.filter(summary__contains="published").exists()


def test_a_scheduled_programme_appears_at_its_moment(client):
    award = ready_award()
    at = timezone.now() + dt.timedelta(days=2)

    publishing.publish(award.programme, [award], by=None, at=at)

    award.programme.refresh_from_db()
    assert award.programme.scheduled
    assert client.get(award.get_absolute_url()).status_code == 404
    assert not award.is_open(timezone.now())
    Programme.objects.filter(pk=award.programme_id).update(publish_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(award.get_absolute_url()).status_code == 200


def test_a_closed_programme_stays_public_and_takes_no_nominations_or_changes(client):
    award = kindness_award()
    draft = NominationFactory(award=award)

    publishing.close(award.programme, by=None)

    award.refresh_from_db()
    assert client.get(award.get_absolute_url()).status_code == 200
    assert not award.is_open() and not draft.is_open(timezone.now())
    response = client.post(
        reverse("nominations:start", args=[award.programme.slug, award.slug]), {"email": "a@example.org"}
    )
    assert award.nominations.count() == 1 and response.status_code == 200

    publishing.reopen(award.programme, by=None)
    award.refresh_from_db()
    assert award.is_open()


def test_a_programme_where_nominations_were_started_cannot_go_back_to_draft():
    award = ready_award()
    publishing.publish(award.programme, [award], by=None)
    type(award).objects.filter(pk=award.pk).update(reference_counter=1)

    with pytest.raises(publishing.StatusRefused, match="Close it instead"):
        publishing.return_to_draft(award.programme, by=None)


def test_a_programme_nobody_used_goes_back_to_draft_with_its_awards():
    award = ready_award()
    publishing.publish(award.programme, [award], by=None)

    publishing.return_to_draft(award.programme, by=None)

    award.refresh_from_db()
    assert (award.programme.__class__.objects.get(pk=award.programme_id).status, award.status) == ("draft", "draft")


def test_closed_programmes_publish_nothing_more():
    award = ready_award()
    publishing.publish(award.programme, [award], by=None)
    publishing.close(award.programme, by=None)
    late = AwardFactory(programme=award.programme, status=Status.DRAFT)

    with pytest.raises(publishing.StatusRefused):
        publishing.publish(award.programme, [late], by=None)


# Imports create drafts.

DEFINITION = """
format: 1
programme:
  slug: imported-awards
  name: Imported Awards
  organiser: Northfield NHS Trust
  contact_email: awards@example.org
  timezone: Europe/London
  nominations_open: 2026-01-01T09:00
  nominations_close: 2099-01-01T17:00
awards:
  - slug: kindness
    title: Kindness
    summary: For kindness.
    sections:
      - title: Your nomination
        questions:
          - key: story
            type: long_text
            prompt: What did they do?
    criteria:
      - key: impact
        title: Impact
        weight: 1
        scale: [0, 5]
        levels: {0: None, 5: Outstanding}
"""


def test_an_import_is_a_draft_and_a_reimport_keeps_the_status_but_new_awards_are_drafts(client):
    programme = format.import_text(DEFINITION).programme
    assert programme.status == Status.DRAFT
    assert list(programme.awards.values_list("status", flat=True)) == [Status.DRAFT]
    assert client.get(reverse("awards:programme", args=["imported-awards"])).status_code == 404

    publishing.publish(programme, publishing.drafts(programme), by=None)
    grown = DEFINITION + DEFINITION[DEFINITION.index("  - slug: kindness") :].replace("kindness", "courage")
    format.import_text(grown)

    programme.refresh_from_db()
    assert programme.status == Status.PUBLISHED
    assert dict(programme.awards.values_list("slug", "status")) == {"kindness": "published", "courage": "draft"}


# The office's pages.


@pytest.fixture
def office(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_publish_page_lists_blocks_and_refuses_with_nothing_published(office):
    award = ready_award()
    award.criteria.update(levels={})
    url = reverse("admin:awards_programme_publish", args=[award.programme.pk])

    page = office.get(url).content.decode()
    assert "Blocking problems (1)" in page and "has no levels" in page

    response = office.post(url, {"awards": [award.pk], "when": "now"})
    assert response.status_code == 200
    assert "Nothing was published" in response.content.decode()
    award.refresh_from_db()
    assert award.status == Status.DRAFT


def test_the_publish_page_publishes_and_schedules(office):
    award = ready_award()
    url = reverse("admin:awards_programme_publish", args=[award.programme.pk])

    past = office.post(url, {"awards": [award.pk], "when": "later", "at": "2020-01-01T09:00"})
    assert "Enter a date and time in the future" in past.content.decode()
    none = office.post(url, {"when": "now"})
    assert "Choose at least one award to publish." in none.content.decode()
    assert Programme.objects.get(pk=award.programme_id).status == Status.DRAFT

    local = (timezone.now() + dt.timedelta(days=3)).astimezone(award.programme.zone)
    response = office.post(url, {"awards": [award.pk], "when": "later", "at": local.strftime("%Y-%m-%dT%H:%M")})

    assert response.status_code == 302
    programme = Programme.objects.get(pk=award.programme_id)
    assert programme.scheduled
    assert programme.publish_at.astimezone(programme.zone).strftime("%H:%M") == local.strftime("%H:%M")


def test_the_status_pages_close_and_refuse_with_a_reason(office):
    award = kindness_award()
    NominationFactory(award=award)
    type(award).objects.filter(pk=award.pk).update(reference_counter=1)
    programme = award.programme

    response = office.post(reverse("admin:awards_programme_status", args=[programme.pk, "draft"]))
    assert "cannot go back to draft" in response.content.decode()
    office.post(reverse("admin:awards_programme_status", args=[programme.pk, "close"]))
    assert Programme.objects.get(pk=programme.pk).status == Status.CLOSED
    assert office.get(reverse("admin:awards_programme_status", args=[programme.pk, "explode"])).status_code == 403


def test_only_the_office_reaches_the_status_pages(client):
    """Staff who are not this programme's office: as if it did not exist."""
    award = ready_award()
    client.force_login(UserFactory(is_staff=True))
    for url in [
        reverse("admin:awards_programme_publish", args=[award.programme.pk]),
        reverse("admin:awards_programme_status", args=[award.programme.pk, "close"]),
        reverse("admin:awards_programme_copy", args=[award.programme.pk]),
    ]:
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
