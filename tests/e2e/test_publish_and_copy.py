"""The office publishes a programme through its pre-flight check, then carries it to next year."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from awards import office
from awards.models import OfficeRole, Programme, Status
from tests.e2e.conftest import assert_accessible
from tests.e2e.nominating import nominate
from tests.factories import (
    AwardFactory,
    CriterionFactory,
    ProgrammeFactory,
    QuestionFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_office_publishes_after_fixing_what_blocks_and_copies_the_programme_to_next_year(
    page, live_server, sign_in
):
    programme = ProgrammeFactory(slug="kindness-awards-2026", name="Kindness Awards 2026", status=Status.DRAFT)
    award = AwardFactory(programme=programme, status=Status.DRAFT, title="Kindest Colleague", nominee="individual")
    QuestionFactory(
        section=SectionFactory(award=award, title="Your nomination"), key="story", prompt="What did they do?"
    )
    CriterionFactory(award=award, key="kindness", title="Kindness shown", levels={}, question_keys=["story"])
    manager = UserFactory(username="morgan")
    office.role_grant(programme, manager, OfficeRole.Role.MANAGER)
    sign_in(manager)

    # The draft is nowhere on the public site.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Kindness Awards 2026")).to_have_count(0)

    # The office checks it: a criterion with no levels blocks.
    page.goto(f"{live_server.url}/admin/awards/programme/{programme.pk}/change/")
    expect(page.locator("#programme-status")).to_contain_text("Status: draft")
    page.get_by_role("link", name="Check and publish").click()
    expect(page.locator("#preflight-blocks")).to_contain_text("Criterion “Kindness shown” has no levels")
    assert_accessible(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#publish-refused")).to_contain_text("Nothing was published")
    assert_accessible(page)
    assert Programme.objects.get(pk=programme.pk).status == Status.DRAFT

    # It follows the link to fix it (the criterion, in the award's builder), and describes the levels.
    page.locator("#preflight-blocks").get_by_role("link", name="Fix this").click()
    page.get_by_label("What each score means").fill("0: Not shown\n5: Kindness that changed someone's care")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messagelist")).to_contain_text("Criterion “Kindness shown” saved.")
    page.get_by_role("link", name="Check and publish").click()
    expect(page.locator("#preflight-ready")).to_contain_text("Nothing blocks")
    expect(page.locator("#preflight-warnings")).to_contain_text("It has no judging stage yet.")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messagelist")).to_contain_text("Kindest Colleague: published.")
    expect(page.locator("#programme-status")).to_contain_text("Status: published")

    # Now it is on the public site.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Kindness Awards 2026").click()
    expect(page.get_by_role("link", name="Kindest Colleague")).to_be_visible()

    # Next year: copied from the office's pages, a draft, then published and taking nominations.
    page.goto(f"{live_server.url}/admin/awards/programme/{programme.pk}/change/")
    page.get_by_role("link", name="Copy to next year").click()
    expect(page.get_by_label("New programme's slug")).to_have_value("kindness-awards-2027")
    page.get_by_label("New programme's slug").fill("kindness-awards-2026")
    page.get_by_label("Move every date on by (years)").fill("0")
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("#error-summary")).to_contain_text("already exists")
    expect(page.locator("#id_slug_error")).to_contain_text("already exists")
    assert_accessible(page)
    page.get_by_label("New programme's slug").fill("kindness-awards-2027")
    page.get_by_label("New programme's name").fill("Kindness Awards 2027")
    page.get_by_role("button", name="Copy").click()
    expect(page.locator(".messagelist")).to_contain_text("Copied to Kindness Awards 2027, a draft")
    expect(page.locator("#programme-status")).to_contain_text("Status: draft")
    page.get_by_role("link", name="Check and publish").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#programme-status")).to_contain_text("Status: published")

    copy = Programme.objects.get(slug="kindness-awards-2027")
    new_award = copy.awards.get()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Kindness Awards 2027")).to_be_visible()
    mail.outbox.clear()
    nominate(page, f"{live_server.url}{new_award.get_absolute_url()}", new_award, email="grace@example.org")
    nomination = new_award.nominations.get()
    assert nomination.status == "submitted"
    assert not award.nominations.exists()
    # The manager of last year's programme manages its copy.
    assert copy.office_roles.get().user == manager
