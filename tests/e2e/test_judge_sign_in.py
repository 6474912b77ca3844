"""A judge signs in by the emailed link and finds their panels."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from judging.models import Assignment, Entry, PanelMember, Stage
from tests.e2e.conftest import assert_accessible
from tests.factories import AwardFactory, NominationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_judge_signs_in_by_emailed_link_and_sees_their_panels(page, live_server):
    judge = UserFactory(username="jo", email="jo@northfield.example", first_name="Jo")
    award = AwardFactory(title="Kindest Colleague")
    stage = Stage.objects.create(award=award, name="Shortlisting", blind=True)
    PanelMember.objects.create(stage=stage, user=judge)
    for name, organisation in (("Grace Hopper", "Northfield NHS Trust"), ("Alan Turing", "Southfield Trust")):
        nomination = NominationFactory(
            award=award, status="submitted", nominee_name=name, nominee_organisation=organisation
        )
        Assignment.objects.create(entry=Entry.objects.create(stage=stage, nomination=nomination), judge=judge)

    page.goto(f"{live_server.url}/judging/")
    expect(page.get_by_role("heading", name="Sign in to judge")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your email address")
    assert_accessible(page)
    page.get_by_label("Your email address").fill("jo@northfield.example")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)

    path = re.search(r"https?://[^/\s]+(/sign-in/link/\?sesame=\S+)", mail.outbox[0].body).group(1)
    page.goto(live_server.url + path)
    assert_accessible(page)
    page.get_by_role("button", name="Continue to your judging").click()
    expect(page.get_by_role("heading", name="Your panels")).to_be_visible()
    expect(page.get_by_role("cell", name="Shortlisting (blind)")).to_be_visible()
    assert_accessible(page)

    # Conflicts first: a blind stage asks about organisations, never names.
    page.get_by_role("link", name="Declare your conflicts").click()
    expect(page.get_by_role("heading", name="Declare your conflicts of interest")).to_be_visible()
    expect(page.get_by_text("Grace Hopper")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("group", name="Southfield Trust").get_by_label("I have a conflict of interest").check()
    page.get_by_role("group", name="Northfield NHS Trust").get_by_label("No conflict").check()
    page.get_by_role("button", name="Confirm my declaration").click()
    expect(page.locator("#progress")).to_contain_text("0 of 1 scored")
    assert_accessible(page)
    page.get_by_role("link", name="Your panels").click()
    expect(page.get_by_role("cell", name="1", exact=True)).to_be_visible()
    page.get_by_role("link", name="Shortlisting").click()
    expect(page.locator("#progress")).to_contain_text("0 of 1 scored")
    expect(page.get_by_text("Hopper")).to_have_count(0)  # blind: references only
    assert_accessible(page)
