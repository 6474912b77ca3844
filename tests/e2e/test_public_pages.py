"""A visitor finds the open awards, reads an award's questions to prepare offline."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


def test_a_visitor_finds_an_award_and_reads_every_question(page, live_server, demo):
    page.goto(live_server.url)
    expect(page.get_by_role("heading", name="Awards", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Leadership Recognition Awards 2026").click()
    expect(page.get_by_role("heading", name="Leadership Recognition Awards 2026", level=1)).to_be_visible()
    expect(page.locator(".nhsuk-header__service-name")).to_have_text("Health Education England")
    for title in (
        "Excellence in Patient Experience",
        "Leading for Service Improvement and Innovation",
        "Service User Engagement Award",
        "Patient Leadership",
    ):
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Nominate for Excellence in Patient Experience").click()
    expect(page.get_by_role("heading", name="Excellence in Patient Experience", level=1)).to_be_visible()
    expect(page.get_by_text("Have they involved people who use services in their care and treatment?")).to_be_visible()
    expect(page.get_by_text("They use surveys to understand patient experience")).to_be_visible()
    expect(page.get_by_text("Written answer, up to 500 words.").first).to_be_visible()
    assert_accessible(page)


def test_every_demo_award_page_passes_axe(page, live_server, demo):
    page.goto(f"{live_server.url}/programmes/leadership-awards-2026/")
    links = page.get_by_role("link", name="Nominate for").all()
    hrefs = [link.get_attribute("href") for link in links]
    assert len(hrefs) == 4
    for href in hrefs:
        page.goto(live_server.url + href)
        assert_accessible(page)


def test_the_conditional_question_says_when_it_is_asked(page, live_server, demo):
    page.goto(f"{live_server.url}/programmes/leadership-awards-2026/leading-for-service-improvement/")
    expect(
        page.get_by_text("Asked only if you answer “Yes” to “Did the work involve partner organisations?”")
    ).to_be_visible()


def test_the_footer_pages_pass_axe(page, live_server, demo):
    page.goto(live_server.url)
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", name="Accessibility statement", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Privacy notice").click()
    expect(page.get_by_role("heading", name="Privacy notice", level=1)).to_be_visible()
    assert_accessible(page)
