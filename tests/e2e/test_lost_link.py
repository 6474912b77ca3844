"""A nominator loses the link to a half-written nomination, finds it by email and submits it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.nominating import fill_identity, fill_questions, start_nomination
from tests.factories import kindness_award

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_nominator_finds_a_lost_nomination_by_email_and_submits_it(browser, live_server):
    award = kindness_award()
    award_url = f"{live_server.url}{award.get_absolute_url()}"
    first = browser.new_context(locale="en-GB").new_page()
    start_nomination(first, award_url)
    first.locator("#id_nominee_name").fill("Grace Hopper")
    first.get_by_role("button", name="Save and come back later").click()
    expect(first.get_by_text("Your nomination was saved at")).to_be_visible()
    first.context.close()  # the link is lost with the browser and the email

    page = browser.new_context(locale="en-GB").new_page()
    start_nomination(page, award_url)  # starting again with the same address: a new draft, as anyone gets
    expect(page.locator("#id_nominee_name")).to_have_value("")
    link = [m for m in mail.outbox if m.subject.startswith("Your nomination for")][-1]
    assert "You had already started 1 other nomination for Kindness Award" in link.body
    # Or from the start page, as someone who only knows they started one.
    page.goto(award_url)
    page.get_by_role("button", name="Start a nomination").click()
    page.get_by_role("link", name="Find your nominations").click()
    expect(page.get_by_role("heading", name="Find your nominations")).to_be_visible()
    page.get_by_role("button", name="Email me a link").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter")
    assert_accessible(page)
    page.get_by_label("Your email address").fill("ada@example.org")
    page.get_by_role("button", name="Email me a link").click()
    expect(page.locator("#find-sent")).to_contain_text("we have emailed that address a link")
    assert_accessible(page)

    message = [m for m in mail.outbox if m.subject == "Your nominations"][-1]
    path = re.search(r"https?://[^/\s]+(/mine/\S+/)", message.body).group(1)
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", name="Your nominations")).to_be_visible()
    # The key is exchanged for the session and leaves the address bar.
    assert page.url == f"{live_server.url}/nominations/mine/"
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"Grace Hopper")).click()
    expect(page.locator("#id_nominee_name")).to_have_value("Grace Hopper")
    fill_identity(page)
    fill_questions(page, award)
    page.get_by_role("button", name="Continue to check your answers").click()
    page.get_by_role("button", name="Submit nomination").click()
    expect(page.get_by_role("heading", name="Nomination submitted")).to_be_visible()
