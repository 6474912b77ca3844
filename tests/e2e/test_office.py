"""The awards office in the browser with axe: a subject access request answered from the admin."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_office_answers_a_subject_access_request(page, live_server, scored, sign_in):
    bob = scored.people["bob"]
    sign_in(scored.people["root"])
    page.get_by_role("link", name="Audit events").click()
    page.get_by_role("link", name="Subject access request").click()
    expect(page.get_by_role("heading", name="Subject access request")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Download").click()
    expect(page.get_by_text("Enter a valid email address")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email").fill(bob.email.upper())  # however the request spells it
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "subject-access.json"
    held = json.loads(open(download.value.path()).read())
    assert held["judging"]["bob"]["scorecards"]
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(summary="Subject access export", actor_id=scored.people["root"].pk).exists()
