"""After submitting: the nominee consents or declines, the nominator withdraws, the office rules on eligibility."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from awards.models import Award
from nominations.models import Nomination
from tests.e2e.conftest import assert_accessible
from tests.e2e.nominating import nominate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def submitted(page, live_server, transactional_db):
    """A nomination for Excellence in Patient Experience, submitted in the browser."""
    call_command("load_demo", stdout=io.StringIO())
    award = Award.objects.get(slug="excellence-in-patient-experience")
    nominate(page, f"{live_server.url}{award.get_absolute_url()}", award)
    return Nomination.objects.get(nominator_email="ada@example.org")


def consent_path(nominee_email) -> str:
    message = next(m for m in mail.outbox if m.to == [nominee_email])
    return re.search(r"https?://[^/\s]+(/consent/\S+/)", message.body).group(1)


def test_the_nominee_declines_and_has_their_details_removed(browser, live_server, submitted):
    nominee = browser.new_context().new_page()
    nominee.goto(live_server.url + consent_path("grace@northfield.example"))
    expect(
        nominee.get_by_role("heading", name="You have been nominated for Excellence in Patient Experience")
    ).to_be_visible()
    assert_accessible(nominee)
    nominee.get_by_role("button", name="Send my answer").click()
    expect(nominee.locator(".nhsuk-error-summary")).to_contain_text("Select whether you agree to be considered")
    assert_accessible(nominee)
    nominee.get_by_label("No, I do not want to be considered").check()
    nominee.get_by_label("Also remove my name and details from this nomination").check()
    nominee.get_by_role("button", name="Send my answer").click()
    expect(nominee.get_by_text("Your name and details have been removed from it.")).to_be_visible()
    assert_accessible(nominee)
    submitted.refresh_from_db()
    assert (submitted.consent_status, submitted.nominee_name) == ("declined", "")


def test_the_nominator_withdraws(page, live_server, submitted):
    page.get_by_role("link", name="withdraw it").click()
    expect(page.get_by_role("heading", name="Withdraw your nomination")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Yes, withdraw it").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Nomination withdrawn")).to_be_visible()
    assert_accessible(page)
    assert Nomination.objects.get(nominator_email="ada@example.org").status == "withdrawn"


def test_the_office_finds_the_nomination_and_marks_it_not_eligible(browser, live_server, submitted):
    office = browser.new_context().new_page()
    office.goto(f"{live_server.url}/admin/login/")
    admin = UserFactory(username="office", is_staff=True, is_superuser=True)
    office.get_by_label("Username").fill(admin.username)
    office.get_by_label("Password").fill("correct horse battery staple")
    office.get_by_role("button", name="Log in").click()
    office.goto(f"{live_server.url}/admin/nominations/nomination/")
    office.get_by_role("link", name="Submitted", exact=True).click()
    office.locator("#searchbar").fill("Grace")
    office.locator("#searchbar").press("Enter")
    office.get_by_role("link", name=submitted.reference).click()
    expect(office.get_by_text("Grace Hopper").first).to_be_visible()
    office.get_by_role("link", name="Mark not eligible").click()
    office.get_by_label("Why is this nomination not eligible?").fill("The work happened outside the NHS.")
    office.get_by_role("button", name="Mark not eligible").click()
    expect(office.locator(".messagelist")).to_contain_text("is marked not eligible")
    submitted.refresh_from_db()
    assert (submitted.status, submitted.ineligible_reason) == ("ineligible", "The work happened outside the NHS.")

    with office.expect_download() as download:
        office.goto(f"{live_server.url}/admin/nominations/nomination/export/")
        office.locator(f'a[href="?award={submitted.award_id}&format=xlsx"]').click()
    assert download.value.suggested_filename == "excellence-in-patient-experience-nominations.xlsx"
