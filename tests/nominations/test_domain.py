"""The nomination services, called as the views call them."""

import datetime as dt
import pathlib

import pytest
from django.utils import timezone

from awards import format
from nominations import domain
from tests.factories import AwardFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

DEMO = pathlib.Path(__file__).resolve().parents[2] / "demo" / "data" / "leadership-awards-2026.yaml"


def open_programme(text: str, slug: str, *, year_shift: int = 0) -> str:
    """The demo definition as another programme, open now (and moved on by whole years)."""
    now = timezone.now()
    opens = (now - dt.timedelta(days=1)).replace(year=now.year + year_shift)
    closes = opens + dt.timedelta(days=61)
    text = text.replace("slug: leadership-awards-2026", f"slug: {slug}")
    text = text.replace("nominations_open: 2026-11-02T09:00", f"nominations_open: {opens:%Y-%m-%dT%H:%M}")
    return text.replace("nominations_close: 2027-01-29T17:00", f"nominations_close: {closes:%Y-%m-%dT%H:%M}")


@pytest.mark.parametrize("year_shift", [0, 1])
def test_last_years_definition_imported_as_a_new_programme_takes_nominations(year_shift):
    """The second season: the same awards (same titles, same prefixes) in a new programme, in the
    same year or the next: its first nominations get references of their own, never a server error."""
    text = DEMO.read_text()
    first = format.import_text(open_programme(text, "awards-this-year")).programme
    second = format.import_text(open_programme(text, "awards-next-year", year_shift=year_shift)).programme
    now = timezone.now()
    if year_shift:
        # Nominations for next year's programme open next year.
        now = now.replace(year=now.year + year_shift)
    references = set()
    for programme, when in ((first, timezone.now()), (second, now)):
        for award in programme.awards.all():
            nomination, _token = domain.nomination_start(award=award, nominator_email="a@example.org", now=when)
            references.add(nomination.reference)
    assert len(references) == 2 * first.awards.count()


def test_two_awards_with_the_same_initials_never_share_a_reference():
    programme = ProgrammeFactory(
        nominations_open=timezone.now() - dt.timedelta(days=1), nominations_close=timezone.now() + dt.timedelta(days=9)
    )
    kindness = AwardFactory(programme=programme, title="Kindness Award", reference_prefix="KA")
    knowledge = AwardFactory(programme=programme, title="Knowledge Award", reference_prefix="KA")
    references = [
        domain.nomination_start(award=award, nominator_email="a@example.org", now=timezone.now())[0].reference
        for award in (kindness, knowledge, kindness, knowledge)
    ]
    year = programme.nominations_open.year % 100
    assert references == [f"KA{year}-0001", f"KA{year}-0002", f"KA{year}-0003", f"KA{year}-0004"]
