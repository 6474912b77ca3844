"""The awards office sends a message to a segment: nominators of an award who have not submitted."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from awards import office
from awards.models import OfficeRole
from tests.e2e.conftest import assert_accessible, sign_in_to_panels
from tests.factories import NominationFactory, UserFactory, kindness_award

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_office_sends_a_message_to_nominators_with_drafts(page, live_server):
    award = kindness_award(slug="kindness-awards", name="Kindness Awards")
    NominationFactory(
        award=award, reference="KA-0001", nominator_email="ada@example.org", nominator_name="Ada Lovelace"
    )
    NominationFactory(
        award=award, reference="KA-0002", nominator_email="alan@example.org", nominator_name="Alan Turing"
    )
    NominationFactory(award=award, reference="KA-0003", status="submitted", nominator_email="done@example.org")
    manager = UserFactory(username="morgan")
    office.role_grant(award.programme, manager, OfficeRole.Role.MANAGER)

    sign_in_to_panels(page, live_server.url, "morgan")
    page.get_by_role("link", name="Kindness Awards: overview").click()
    page.get_by_role("link", name="Messages to nominators, nominees and judges").click()
    expect(page.get_by_role("heading", name="Messages", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Write a message").click()

    page.get_by_label("Who receives it").select_option(label="Nominators with a draft not submitted")
    page.get_by_label("Subject").fill("Your nomination {reference} is waiting")
    page.get_by_label("Message").fill("Dear {nme},\n\nNominations close {deadline}. Finish it here: {link}")
    page.get_by_role("button", name="Preview the message").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("These placeholders are not offered for who receives it: {nme}.")
    assert_accessible(page)
    page.get_by_label("Message").fill("Dear {name},\n\nNominations close {deadline}. Finish it here: {link}")
    page.get_by_role("button", name="Preview the message").click()

    expect(page.get_by_role("heading", name="Check your message")).to_be_visible()
    preview = page.locator("#message-preview")
    expect(preview).to_contain_text("Your nomination KA-0001 is waiting")
    expect(preview).to_contain_text("Dear Ada Lovelace,")
    expect(preview).to_contain_text("a link of their own, made when the message is sent")
    expect(page.locator("#recipient-count")).to_contain_text("This message goes to 2 people")
    assert_accessible(page)
    page.get_by_role("button", name="Send to 2 people").click()

    expect(page.get_by_text("Your message is being sent.")).to_be_visible()
    page.reload()
    expect(page.locator("#message-status")).to_contain_text("Sent")
    log = page.locator("#deliveries")
    expect(log).to_contain_text("ada@example.org")
    expect(log).to_contain_text("alan@example.org")
    expect(log).not_to_contain_text("done@example.org")
    assert_accessible(page)
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "alan@example.org"]
    alan = next(m for m in mail.outbox if m.to == ["alan@example.org"])
    assert alan.subject == "Your nomination KA-0002 is waiting"
    assert "Dear Alan Turing," in alan.body and "/mine/" in alan.body

    page.get_by_role("link", name="Back to messages").click()
    expect(page.locator("#office-messages")).to_contain_text("Your nomination {reference} is waiting")
