"""A nominator names a referee; the referee writes a supporting statement through their emailed
link; a judge then reads it beside the answers."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from judging.models import Assignment, Entry, PanelMember, Stage
from nominations.models import Nomination
from tests.e2e.conftest import assert_accessible, sign_in_to_panels
from tests.e2e.nominating import fill_identity, start_nomination
from tests.factories import CriterionFactory, QuestionFactory, UserFactory, declare_all, kindness_award

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_referee_writes_a_statement_that_a_judge_then_reads(browser, live_server):
    award = kindness_award()
    QuestionFactory(
        section=award.sections.first(),
        key="referee",
        type="endorsement",
        prompt="Who can support this nomination?",
        guidance="Someone who has seen their work, such as a line manager or a patient.",
        max_words=100,
        position=5,
    )
    CriterionFactory(award=award, key="impact", title="Impact", question_keys=["story"])

    # The nominator names a referee and submits.
    nominator = browser.new_context(locale="en-GB").new_page()
    start_nomination(nominator, f"{live_server.url}{award.get_absolute_url()}")
    fill_identity(nominator)
    nominator.get_by_label("What did they do?").fill("She listened")
    nominator.get_by_role("group", name="Partners?").get_by_label("No").check()
    referee_group = nominator.get_by_role("group", name="Who can support this nomination?")
    referee_group.get_by_label("Their full name").fill("Dr Jane Doe")
    referee_group.get_by_label("Their role, and how they know the nominee").fill("Her ward sister")
    referee_group.get_by_label("Their email address").fill("jane@example.org")
    referee_group.get_by_label("What would you like them to know? (optional)").fill("Mention the night shifts.")
    assert_accessible(nominator)
    nominator.get_by_role("button", name="Continue to check your answers").click()
    expect(nominator.get_by_text("Dr Jane Doe, Her ward sister (jane@example.org)")).to_be_visible()
    nominator.get_by_role("button", name="Submit nomination").click()
    expect(nominator.get_by_role("heading", name="Nomination submitted")).to_be_visible()
    expect(nominator.locator("#statements")).to_be_visible()
    expect(nominator.get_by_text("Dr Jane Doe, Her ward sister")).to_be_visible()
    assert_accessible(nominator)

    # The referee follows their link and writes.
    request = next(m for m in mail.outbox if m.to == ["jane@example.org"])
    link = re.search(r"https?://[^/\s]+(/statement/\S+/)", request.body).group(1)
    referee = browser.new_context(locale="en-GB").new_page()
    referee.goto(live_server.url + link)
    expect(referee.get_by_role("heading", name="A supporting statement for Kindness Award")).to_be_visible()
    expect(referee.locator("#nomination-summary")).to_contain_text("Grace Hopper")
    expect(referee.locator("#nominator-note")).to_contain_text("Mention the night shifts.")
    assert_accessible(referee)
    referee.get_by_role("button", name="Send my statement").click()
    expect(referee.locator(".nhsuk-error-summary")).to_contain_text("Write your statement or choose a letter")
    assert_accessible(referee)
    referee.get_by_label("Your statement").fill(
        "Grace covered every night shift in the winter and never lost her kindness."
    )
    referee.get_by_role("button", name="Send my statement").click()
    expect(referee.get_by_role("heading", name="Statement received")).to_be_visible()
    assert_accessible(referee)

    # The nominee agrees; the nomination goes to judging, and a judge reads the statement.
    nomination = Nomination.objects.get()
    Nomination.objects.filter(pk=nomination.pk).update(consent_status="confirmed")
    stage = Stage.objects.create(award=award, name="Shortlisting")
    entry = Entry.objects.create(stage=stage, nomination=nomination)
    judge = UserFactory(username="jo", first_name="Jo", last_name="Judge")
    PanelMember.objects.create(stage=stage, user=judge)
    Assignment.objects.create(entry=entry, judge=judge)
    declare_all(stage, judge)
    page = browser.new_context(locale="en-GB").new_page()
    sign_in_to_panels(page, live_server.url, "jo")
    page.goto(live_server.url + reverse("judging:score", args=[stage.pk, entry.pk]))
    statement = page.get_by_text("Grace covered every night shift in the winter")
    expect(statement).to_be_visible()
    expect(page.get_by_text("From Dr Jane Doe, Her ward sister:")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("jane@example.org")
    expect(page.locator("body")).not_to_contain_text("Mention the night shifts.")
    assert_accessible(page)
