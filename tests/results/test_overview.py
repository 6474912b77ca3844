"""The awards office's overview of a programme: the figures, the chart and its table, the links."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from awards import office
from awards.models import OfficeRole
from judging.models import Entry, PanelMember, Scorecard, Stage
from nominations.models import Nomination
from results import overview
from tests.factories import (
    AnswerFactory,
    NominationFactory,
    ProgrammeFactory,
    QuestionFactory,
    UserFactory,
    kindness_award,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme_with_figures():
    award = kindness_award(slug="kindness-awards", name="Kindness Awards")
    region = QuestionFactory(
        section=award.sections.first(), key="region", type="choice", choices=["North", "South"], reportable=True
    )
    now = timezone.now()
    statuses = [
        ("submitted", "not_needed", "grace@example.org", "Grace Hopper"),
        ("submitted", "pending", "grace@example.org", "Dr Grace Hopper"),  # the same email: a likely duplicate
        ("submitted", "confirmed", "ada@example.org", "Ada Lovelace"),
        ("draft", "not_needed", "", ""),
        ("draft", "not_needed", "", ""),
        ("ineligible", "not_needed", "x@example.org", "Xavier"),
        ("withdrawn", "not_needed", "y@example.org", "Yusuf"),
    ]
    nominations = []
    for i, (status, consent, email, name) in enumerate(statuses):
        nominations.append(
            NominationFactory(
                award=award,
                reference=f"KA-{i:04d}",
                status=status,
                consent_status=consent,
                nominee_email=email,
                nominee_name=name,
                nominee_organisation="Northfield",
                submitted_at=now - dt.timedelta(days=1) if status != "draft" else None,
            )
        )
    for nomination, value in zip(nominations[:3], ["North", "North", "South"], strict=True):
        AnswerFactory(nomination=nomination, question=region, value=value)
    stage = Stage.objects.create(award=award, name="Shortlisting", closes_at=now + dt.timedelta(days=10))
    judges = [UserFactory(username=f"judge-{i}") for i in range(2)]
    for judge in judges:
        PanelMember.objects.create(stage=stage, user=judge)
    entry = Entry.objects.create(stage=stage, nomination=nominations[2])
    for judge in judges:
        entry.assignments.create(judge=judge)
    Scorecard.objects.create(entry=entry, judge=judges[0], status="submitted", submitted_at=now)
    return award


def test_the_figures_for_each_award_and_stage(programme_with_figures):
    award = programme_with_figures

    figures = overview.programme_overview(award.programme)

    row = figures.awards[0]
    assert (row.submitted, row.drafts, row.consent_pending, row.not_eligible, row.withdrawn, row.duplicates) == (
        3, 2, 1, 1, 1, 1,
    )  # fmt: skip
    assert (
        row.days_left
        == (
            award.closes_at.astimezone(award.programme.zone).date() - timezone.localdate(timezone=award.programme.zone)
        ).days
    )
    stage = figures.stages[0]
    assert (stage.entries, stage.judges, stage.assigned, stage.submitted, stage.behind, stage.percent) == (
        1,
        2,
        2,
        1,
        1,
        50,
    )
    assert (
        sum(bar.count for bar in figures.per_day.bars) == 5
    )  # every nomination submitted up to now (withdrawn or not)
    (spread,) = figures.spreads
    assert [(bar.label, bar.count) for bar in spread.chart.bars] == [("North", 2), ("South", 1)]


def test_days_are_counted_in_the_programmes_time_zone():
    zone = ProgrammeFactory.build(timezone="Europe/London").zone
    late = dt.datetime(2026, 6, 30, 23, 30, tzinfo=zone)  # 22:30 UTC
    now = dt.datetime(2026, 6, 30, 23, 0, tzinfo=zone)

    assert overview.days_until(late, now, zone) == 0
    assert overview.days_until(late + dt.timedelta(hours=1), now, zone) == 1
    assert overview.days_until(None, now, zone) is None


def test_the_bars_are_in_proportion_and_an_empty_chart_draws_nothing():
    chart = overview.layout([("a", 0), ("b", 5), ("c", 10)], width=300, height=104)

    assert [bar.height for bar in chart.bars] == [0, 50, 100]
    assert chart.total == 15 and chart.most == 10
    assert overview.layout([]).bars == []
    assert [bar.width for bar in overview.hlayout([("x", 1), ("y", 4)]).bars] == [95, 380]


def test_the_page_shows_the_figures_with_links_and_the_chart_as_a_table(client, programme_with_figures):
    award = programme_with_figures
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    page = client.get(reverse("judging:overview", args=[award.programme.slug])).content.decode()

    assert "Kindness Awards: overview" in page
    assert f"?award__id__exact={award.pk}&amp;consent_status__exact=pending" in page
    assert f"/admin/nominations/nomination/duplicates/?award={award.pk}" in page
    assert reverse("judging:progress", args=[award.stages.get().pk]) in page
    assert 'role="img"' in page and 'id="per-day-table"' in page
    assert '<td class="nhsuk-table__cell">North</td>' in page


def test_only_the_programmes_office_reads_its_overview(client, programme_with_figures):
    programme = programme_with_figures.programme
    url = reverse("judging:overview", args=[programme.slug])
    viewer, other = UserFactory(), UserFactory()
    office.role_grant(programme, viewer, OfficeRole.Role.VIEWER)
    office.role_grant(ProgrammeFactory(), other, OfficeRole.Role.MANAGER)

    assert client.get(url).status_code == 302  # to sign in
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert programme.name not in client.get(reverse("judging:office")).content.decode()
    client.force_login(viewer)
    page = client.get(url)
    assert page.status_code == 200 and "Set up the programme" not in page.content.decode()
    assert programme.name in client.get(reverse("judging:office")).content.decode()


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_number_of_nominations(client, programme_with_figures):
    award = programme_with_figures
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = reverse("judging:overview", args=[award.programme.slug])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for _ in range(30):
        nomination = NominationFactory(award=award, status="submitted", submitted_at=timezone.now())
        AnswerFactory(nomination=nomination, question=award.questions.get(key="region"), value="South")
    assert count() == before
    assert Nomination.objects.filter(award=award).count() == 37
