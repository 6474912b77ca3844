"""A judge signs in by the emailed link and finds their panels."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from judging.models import PanelMember, Stage
from tests.e2e.conftest import assert_accessible
from tests.factories import AwardFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_judge_signs_in_by_emailed_link_and_sees_their_panels(page, live_server):
    judge = UserFactory(username="jo", email="jo@northfield.example", first_name="Jo")
    stage = Stage.objects.create(award=AwardFactory(title="Kindest Colleague"), name="Shortlisting", blind=True)
    PanelMember.objects.create(stage=stage, user=judge)

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
