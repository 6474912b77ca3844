"""Public pages: open programmes, award pages with every question; nothing else is public."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import AwardFactory, ProgrammeFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db


def test_home_lists_open_upcoming_and_closed_programmes(client):
    now = timezone.now()
    AwardFactory(programme=ProgrammeFactory(name="Open Awards", nominations_open=now - dt.timedelta(days=1)))
    AwardFactory(
        programme=ProgrammeFactory(
            name="Future Awards",
            nominations_open=now + dt.timedelta(days=10),
            nominations_close=now + dt.timedelta(days=40),
        )
    )
    AwardFactory(
        programme=ProgrammeFactory(
            name="Past Awards",
            nominations_open=now - dt.timedelta(days=40),
            nominations_close=now - dt.timedelta(days=10),
        )
    )
    ProgrammeFactory(name="Empty Awards")

    response = client.get(reverse("awards:home"))

    assert [p.name for p in response.context["open_programmes"]] == ["Open Awards"]
    assert [p.name for p in response.context["upcoming_programmes"]] == ["Future Awards"]
    assert [p.name for p in response.context["closed_programmes"]] == ["Past Awards"]
    page = response.content.decode()
    assert "Empty Awards" not in page
    assert "Open now: closes" in page
    assert "Opens " in page
    assert "Closed on " in page


def test_the_window_is_shown_in_the_programme_time_zone(client):
    programme = ProgrammeFactory(
        timezone="America/New_York",
        nominations_open=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        nominations_close=dt.datetime(2099, 1, 31, 22, 0, tzinfo=dt.UTC),
    )
    AwardFactory(programme=programme)
    page = client.get(programme.get_absolute_url()).content.decode()
    assert "Open now: closes Saturday 31 January 2099, 5:00 p.m. (America/New_York time)" in page


def test_the_award_page_shows_every_question_and_its_guidance(client):
    award = AwardFactory(description="Tell us **why**.")
    section = SectionFactory(award=award, title="Your nomination")
    QuestionFactory(section=section, prompt="What did they do?", guidance="- Listened\n- Acted", max_words=300)
    QuestionFactory(section=section, prompt="Retired question?", active=False)

    page = client.get(award.get_absolute_url()).content.decode()

    assert "What did they do?" in page
    assert "<li>Listened</li>" in page
    assert "Written answer, up to 300 words." in page
    assert "<strong>why</strong>" in page
    assert "Retired question?" not in page


def test_markdown_cannot_inject_script_or_javascript_links(client):
    award = AwardFactory(
        description="<script>alert(1)</script>[click](javascript:alert(2)) <img src=x onerror=alert(3)>"
    )
    page = client.get(award.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert "javascript:" not in page
    assert "onerror" not in page


def test_retired_awards_and_unknown_slugs_are_not_found(client):
    award = AwardFactory(active=False)
    assert client.get(award.get_absolute_url()).status_code == 404
    assert client.get(reverse("awards:programme", args=["no-such-programme"])).status_code == 404
    assert client.get(reverse("awards:award", args=[award.programme.slug, "no-such-award"])).status_code == 404


def test_an_award_of_another_programme_is_not_found_under_this_one(client):
    award = AwardFactory()
    other = AwardFactory()
    assert client.get(reverse("awards:award", args=[other.programme.slug, award.slug])).status_code == 404


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_pages_do_not_grow_in_queries_with_the_data(client):
    programme = ProgrammeFactory()
    award = AwardFactory(programme=programme)
    section = SectionFactory(award=award)
    QuestionFactory(section=section)
    urls = [reverse("awards:home"), programme.get_absolute_url(), award.get_absolute_url()]
    few = [queries_for(client, url) for url in urls]

    for _ in range(15):
        AwardFactory(programme=programme)
        AwardFactory()
        extra_section = SectionFactory(award=award)
        for _ in range(3):
            QuestionFactory(section=extra_section)
    many = [queries_for(client, url) for url in urls]

    assert many == few
    assert max(many) <= 20


def test_security_headers_are_sent(client):
    response = client.get(reverse("awards:home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
