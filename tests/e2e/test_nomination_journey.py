"""Nominators write over several sittings, come back by the emailed link, check and submit."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from awards.models import Award
from nominations.models import Nomination
from tests.e2e.conftest import assert_accessible
from tests.e2e.nominating import answer_everything, fill_identity, fill_questions, link_from

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


def start(page, live_server, award_slug="excellence-in-patient-experience", javascript=True):
    page.goto(f"{live_server.url}/programmes/leadership-awards-2026/{award_slug}/")
    page.get_by_role("button", name="Start a nomination").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nominate for")
    assert_accessible(page, javascript=javascript)
    page.get_by_label("Your email address").fill("ada@example.org")
    page.get_by_role("button", name="Start your nomination").click()
    expect(page.get_by_role("heading", name="Your nomination", level=1)).to_be_visible()


def test_start_autosave_close_resume_check_submit(browser, live_server, demo):
    award = Award.objects.get(slug="excellence-in-patient-experience")
    first = browser.new_context()
    page = first.new_page()
    start(page, live_server)
    assert_accessible(page)
    assert len(mail.outbox) == 1
    link = link_from(mail.outbox[0])

    fill_identity(page)
    page.locator("#id_q-involving-people").fill("She asked every patient what mattered to them.")
    page.locator("#id_q-involving-people").blur()
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^Saved at \d{1,2}:\d{2} [ap]\.m\.$"))
    assert_accessible(page)
    first.close()  # the browser is closed: only the emailed link leads back

    second = browser.new_context()
    page = second.new_page()
    page.goto(live_server.url + link)
    expect(page.locator("#id_q-involving-people")).to_have_value("She asked every patient what mattered to them.")
    expect(page.locator("#id_nominee_name")).to_have_value("Grace Hopper")
    assert_accessible(page)
    fill_questions(page, award, skip={"involving-people"})
    page.get_by_role("button", name="Continue to check your answers").click()

    expect(page.get_by_role("heading", name="Check your answers before submitting your nomination")).to_be_visible()
    expect(page.get_by_text("She asked every patient what mattered to them.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit nomination").click()

    expect(page.get_by_role("heading", name="Nomination submitted")).to_be_visible()
    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"EPE\d\d-\d{4}", reference)
    assert_accessible(page)
    nomination = Nomination.objects.get(reference=reference)
    assert nomination.status == "submitted"
    assert nomination.consent_status == "pending"
    receipt = next(m for m in mail.outbox if m.subject.startswith("Nomination received"))
    assert receipt.to == ["ada@example.org"]
    assert "She asked every patient what mattered to them." in receipt.body
    assert receipt.attachments[0][0] == f"{reference}.pdf"
    assert receipt.attachments[0][1][:5] == b"%PDF-"
    consent = next(m for m in mail.outbox if m.subject.startswith("You have been nominated"))
    assert consent.to == ["grace@northfield.example"]
    second.close()


def test_the_same_journey_with_javascript_off(browser, live_server, demo):
    award = Award.objects.get(slug="leading-for-service-improvement")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    start(page, live_server, award.slug, javascript=False)
    fill_identity(page)
    page.locator("#id_q-leading-the-change").fill("He led the redesign of the discharge lounge.")
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.locator(".nhsuk-inset-text").first).to_contain_text("Your nomination was saved at")
    assert_accessible(page, javascript=False)
    context.close()

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + link_from(mail.outbox[0]))
    expect(page.locator("#id_q-leading-the-change")).to_have_value("He led the redesign of the discharge lounge.")
    assert_accessible(page, javascript=False)
    # The conditional question is decided on the server: answer yes, and it is then required.
    fill_questions(page, award, skip={"leading-the-change", "partners"})
    page.locator("#id_q-has-partners_0").check()
    page.get_by_role("button", name="Continue to check your answers").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter your answer to: Which partner organisations, and what did each contribute?"
    )
    assert_accessible(page, javascript=False)
    page.locator("#id_q-partners").fill("The community trust ran the transport.")
    page.get_by_role("button", name="Continue to check your answers").click()
    expect(page.get_by_text("The community trust ran the transport.")).to_be_visible()
    assert_accessible(page, javascript=False)
    page.get_by_role("button", name="Submit nomination").click()
    expect(page.get_by_role("heading", name="Nomination submitted")).to_be_visible()
    assert_accessible(page, javascript=False)
    context.close()


@pytest.mark.parametrize(
    "slug",
    [
        "excellence-in-patient-experience",
        "leading-for-service-improvement",
        "service-user-engagement",
        "patient-leadership",
    ],
)
def test_each_demo_award_can_be_nominated_end_to_end(page, live_server, demo, slug):
    award = Award.objects.get(slug=slug)
    start(page, live_server, slug)
    answer_everything(page, award)
    expect(page.get_by_role("heading", name="Check your answers before submitting your nomination")).to_be_visible()
    page.get_by_role("button", name="Submit nomination").click()
    expect(page.get_by_role("heading", name="Nomination submitted")).to_be_visible()
    assert Nomination.objects.filter(award=award).latest("pk").status == "submitted"
