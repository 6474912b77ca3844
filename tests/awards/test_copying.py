"""Copy a programme to next year: the set-up, dates moved on, never anybody's data."""

import calendar
import datetime as dt
import zoneinfo
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditEvent
from awards import copying, publishing
from awards.models import Programme, Status
from judging.models import Conflict, Entry, JudgeGroup, OutcomeTemplate, PanelMember, Scorecard, Stage
from nominations.domain import nomination_start
from nominations.models import Nomination
from tests.factories import AnswerFactory, CriterionFactory, NominationFactory, UserFactory, kindness_award

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def last_year():
    """A kindness award with a stage, a group with a share, a judge, an outcome email, a criterion,
    a retired question, and people's data: a nomination with an answer, an entry, a scorecard, a conflict."""
    award = kindness_award(
        slug="kindness-2026",
        name="Kindness Awards 2026",
        retention_months=18,
        nominations_open=dt.datetime(2026, 3, 2, 9, 0, tzinfo=LONDON),  # GMT
        nominations_close=dt.datetime(2026, 6, 30, 17, 0, tzinfo=LONDON),  # BST
    )
    CriterionFactory(award=award, key="impact", title="Impact", weight=Decimal("2.5"), question_keys=["story"])
    stage = Stage.objects.create(
        award=award,
        name="Shortlisting",
        blind=True,
        min_scorecards=2,
        opens_at=dt.datetime(2026, 7, 1, 9, 0, tzinfo=LONDON),
        closes_at=dt.datetime(2026, 7, 31, 17, 0, tzinfo=LONDON),
    )
    group = JudgeGroup.objects.create(stage=stage, name="Patient leaders", share=Decimal("0.3"))
    judge = UserFactory(username="pat")
    PanelMember.objects.create(stage=stage, user=judge, group=group, organisation="Northfield")
    OutcomeTemplate.objects.create(stage=stage, outcome="shortlisted", subject="Shortlisted", body="Well done.")
    nomination = NominationFactory(award=award, status="submitted")
    AnswerFactory(nomination=nomination, question=award.questions.get(key="story"))
    entry = Entry.objects.create(stage=stage, nomination=nomination)
    Scorecard.objects.create(entry=entry, judge=judge)
    Conflict.objects.create(judge=judge, nomination=nomination, status="confirmed")
    return award


def test_a_copy_carries_the_set_up_and_moves_dates_on_in_local_time(last_year):
    old = last_year.programme

    new = copying.copy_programme(old, slug="kindness-2027", by=None)

    assert (new.name, new.status, new.retention_months) == ("Kindness Awards 2027", Status.DRAFT, 18)
    assert new.nominations_open.astimezone(LONDON) == dt.datetime(2027, 3, 2, 9, 0, tzinfo=LONDON)
    assert new.nominations_close.astimezone(LONDON) == dt.datetime(2027, 6, 30, 17, 0, tzinfo=LONDON)
    award = new.awards.get()
    assert (award.title, award.status, award.reference_counter) == ("Kindness Award", Status.DRAFT, 0)
    assert [q.key for q in award.questions.order_by("position")] == [
        q.key for q in last_year.questions.filter(active=True).order_by("position")
    ]
    assert {q.section.award_id for q in award.questions.all()} == {award.pk}
    assert award.questions.get(key="partners").show_if == last_year.questions.get(key="partners").show_if
    criterion = award.criteria.get(key="impact")
    assert (criterion.weight, criterion.question_keys) == (Decimal("2.5"), ["story"])
    stage = award.stages.get()
    assert (stage.name, stage.blind, stage.min_scorecards) == ("Shortlisting", True, 2)
    assert stage.opens_at.astimezone(LONDON) == dt.datetime(2027, 7, 1, 9, 0, tzinfo=LONDON)
    assert [(g.name, g.share) for g in stage.groups.all()] == [("Patient leaders", Decimal("0.3000"))]
    assert list(stage.outcome_templates.values_list("subject", flat=True)) == ["Shortlisted"]
    # Never people's data, nor the panel unless asked.
    assert not Nomination.objects.filter(award__programme=new).exists()
    assert not Entry.objects.filter(stage=stage).exists()
    assert not stage.members.exists()
    assert AuditEvent.objects.filter(subject=f"programme:{new.pk}", summary__contains="copied").exists()
    # And the old programme is as it was.
    assert last_year.nominations.count() == 1 and last_year.stages.get().members.count() == 1


def test_panels_come_only_when_asked_with_their_groups(last_year):
    new = copying.copy_programme(last_year.programme, slug="kindness-2027", with_panels=True, by=None)

    member = PanelMember.objects.get(stage__award__programme=new)
    assert (member.user.username, member.group.name, member.organisation) == ("pat", "Patient leaders", "Northfield")
    assert member.group.stage_id == member.stage_id
    assert member.reminded_at is None
    assert not Conflict.objects.filter(nomination__award__programme=new).exists()


@pytest.mark.parametrize(
    "slug, years, field, message",
    [
        ("kindness-2026", 1, "slug", "already exists"),
        ("Kindness 2027", 1, "slug", "must use only lower-case letters"),
        ("kindness-2027", 11, "shift_years", "from 0 to 10"),
        ("kindness-2027", -1, "shift_years", "from 0 to 10"),
    ],
)
def test_a_copy_that_cannot_be_made_is_refused_with_the_reason_and_writes_nothing(
    last_year, slug, years, field, message
):
    before = Programme.objects.count()

    with pytest.raises(copying.CopyRefused, match=message) as refused:
        copying.copy_programme(last_year.programme, slug=slug, years=years, by=None)

    assert refused.value.field == field
    assert Programme.objects.count() == before


def test_references_of_the_copy_never_collide_with_the_old_ones(last_year):
    """Copied without moving the dates, the year in the references is the same: the new numbers skip the old."""
    old = last_year.programme
    now = timezone.now()
    Programme.objects.filter(pk=old.pk).update(
        nominations_open=now - dt.timedelta(days=1), nominations_close=now + dt.timedelta(days=9)
    )
    old.refresh_from_db()
    last_year.refresh_from_db()
    taken = {
        nomination_start(award=last_year, nominator_email=f"n{i}@example.org", now=now)[0].reference for i in range(3)
    }
    copy = copying.copy_programme(old, slug="kindness-again", years=0, by=None)
    award = copy.awards.get()
    publishing.publish(copy, [award], by=None)
    award.refresh_from_db()

    fresh = {nomination_start(award=award, nominator_email=f"m{i}@example.org", now=now)[0].reference for i in range(3)}

    assert award.reference_prefix == last_year.reference_prefix
    assert not fresh & taken


def _exists(naive: dt.datetime, zone) -> bool:
    """Whether a wall-clock time exists in the zone (not skipped when the clocks go forward)."""
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == naive


@given(
    when=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2090, 12, 31)),
    years=st.integers(min_value=0, max_value=10),
)
def test_shifting_keeps_the_local_clock_time_and_the_day_where_it_exists(when, years):
    local = when.replace(tzinfo=LONDON)
    shifted = copying.shift_years(local.astimezone(dt.UTC), years, LONDON).astimezone(LONDON)

    day = 28 if (when.month, when.day) == (2, 29) and not calendar.isleap(shifted.year) else when.day
    expected = when.replace(year=when.year + years, day=day)
    if _exists(when, LONDON) and _exists(expected, LONDON):
        assert shifted.replace(tzinfo=None) == expected
    else:
        # Only in the hour the clocks skip: the same instant rule as Python's, within that hour.
        assert abs(shifted.replace(tzinfo=None) - expected) <= dt.timedelta(hours=1)


@pytest.mark.parametrize(
    "name, years, expected",
    [
        ("Kindness Awards 2026", 1, "Kindness Awards 2027"),
        ("Kindness Awards", 1, "Kindness Awards (copy)"),
        ("2026/27 Awards", 2, "2028/27 Awards"),
    ],
)
def test_the_suggested_name(name, years, expected):
    assert copying.next_name(name, years) == expected


def test_the_command_copies_and_refuses_a_taken_slug(last_year):
    out = StringIO()
    call_command(
        "copy_programme",
        "kindness-2026",
        "--to",
        "kindness-2027",
        "--name",
        "Kindness 2027",
        "--shift-years",
        "1",
        "--with-panels",
        stdout=out,
    )

    assert "Copied kindness-2026 to kindness-2027 (Kindness 2027): 1 awards, a draft." in out.getvalue()
    assert PanelMember.objects.filter(stage__award__programme__slug="kindness-2027").count() == 1
    with pytest.raises(
        CommandError, match="Nothing was copied: A programme with the slug “kindness-2027” already exists"
    ):
        call_command("copy_programme", "kindness-2026", "--to", "kindness-2027")
    with pytest.raises(CommandError, match="No programme 'nowhere'"):
        call_command("copy_programme", "nowhere", "--to", "somewhere")


def test_the_office_copies_from_its_pages_and_a_collision_is_shown_next_to_the_field(client, last_year):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:awards_programme_copy", args=[last_year.programme.pk])

    form = client.get(url).content.decode()
    assert 'value="kindness-2027"' in form and 'value="Kindness Awards 2027"' in form

    taken = client.post(url, {"slug": "kindness-2026", "name": "Again", "shift_years": "1"})
    page = taken.content.decode()
    assert taken.status_code == 200 and 'id="id_slug_error"' in page and "already exists" in page
    assert 'href="#id_slug"' in page  # the error summary leads to the field

    done = client.post(url, {"slug": "kindness-2027", "name": "Kindness Awards 2027", "shift_years": "1"})
    assert done.status_code == 302
    assert Programme.objects.get(slug="kindness-2027").status == Status.DRAFT
