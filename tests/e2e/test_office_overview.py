"""A programme manager signs in and reads how their programme is going."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from awards import office
from awards.models import OfficeRole
from judging.models import PanelMember, Stage
from tests.e2e.conftest import assert_accessible, sign_in_to_panels
from tests.factories import AnswerFactory, NominationFactory, QuestionFactory, UserFactory, kindness_award

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_programme_manager_reads_the_overview_and_follows_a_figure(page, live_server):
    award = kindness_award(slug="kindness-awards", name="Kindness Awards")
    region = QuestionFactory(
        section=award.sections.first(), key="region", type="choice", choices=["North", "South"], reportable=True
    )
    now = timezone.now()
    for i, (status, consent) in enumerate(
        [("submitted", "pending"), ("submitted", "confirmed"), ("draft", "not_needed")]
    ):
        nomination = NominationFactory(
            award=award,
            reference=f"KA-{i:04d}",
            status=status,
            consent_status=consent,
            nominee_name=f"Nominee {i}",
            submitted_at=now - dt.timedelta(days=i) if status == "submitted" else None,
        )
        AnswerFactory(nomination=nomination, question=region, value=["North", "South", "North"][i])
    stage = Stage.objects.create(award=award, name="Shortlisting", closes_at=now + dt.timedelta(days=30))
    PanelMember.objects.create(stage=stage, user=UserFactory(username="jo"))
    manager = UserFactory(username="morgan")
    office.role_grant(award.programme, manager, OfficeRole.Role.MANAGER)

    sign_in_to_panels(page, live_server.url, "morgan")
    page.get_by_role("link", name="Kindness Awards: overview").click()
    expect(page.get_by_role("heading", name="Kindness Awards: overview", level=1)).to_be_visible()
    figures = page.locator("#award-figures")
    expect(figures).to_contain_text("Kindness Award")
    expect(page.locator("#stage-figures")).to_contain_text("Shortlisting")
    expect(page.get_by_role("img", name="A bar chart of nominations submitted per day")).to_be_visible()
    page.get_by_text("Nominations per day as a table").click()
    expect(page.locator("#per-day-table")).to_be_visible()
    expect(page.locator("#spread")).to_have_text("Who has been nominated")
    assert_accessible(page)

    # A figure leads to what it calls for: the nominations waiting for consent, in the admin.
    page.get_by_role("link", name="1 waiting for the nominee's consent, Kindness Award").click()
    expect(page.locator("#result_list")).to_contain_text("KA-0000")
    expect(page.locator("#result_list")).not_to_contain_text("KA-0001")
