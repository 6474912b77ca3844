"""Browser journey: conflicts hold over time.

A judge declares and starts scoring; a late entry arrives (brought in by the office, assigned
by hand by the chair, flagged to the chair as not yet declared for); the judge is asked to
declare for it before seeing it; then declares a conflict from their list of entries; and the
chair's pages agree with the judge's at every point. axe on every page visited.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from judging.entries import stage_sync_entries
from judging.models import Assignment, Conflict, Entry, PanelMember, Stage
from nominations.models import Answer
from tests.e2e.conftest import assert_accessible, sign_in_to_panels
from tests.factories import (
    AwardFactory,
    CriterionFactory,
    NominationFactory,
    QuestionFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def nominate(award, story, name, organisation):
    nomination = NominationFactory(
        award=award,
        status="submitted",
        submitted_at=timezone.now(),
        nominee_name=name,
        nominee_organisation=organisation,
    )
    Answer.objects.create(nomination=nomination, question=story, value=f"{name.split()[0]} stayed late to listen.")
    return nomination


def test_a_late_entry_is_declared_for_before_it_is_shown_and_a_conflict_can_be_declared_any_time(browser, live_server):
    award = AwardFactory(title="Kindest Colleague", reference_prefix="KC")
    story = QuestionFactory(section=SectionFactory(award=award), key="story", prompt="What did they do?")
    CriterionFactory(award=award, key="impact", title="Impact", question_keys=["story"])
    stage = Stage.objects.create(award=award, name="Shortlisting")
    judge = UserFactory(username="jo", first_name="Jo", last_name="Judge", email="jo@northfield.example")
    PanelMember.objects.create(stage=stage, user=judge, organisation="Northfield Hospital")
    chair = UserFactory(username="chidi", first_name="Chidi", last_name="Chair")
    PanelMember.objects.create(stage=stage, user=chair, role="chair")
    for name, organisation in (("Grace Hopper", "Southbay Health"), ("Alan Turing", "Eastmoor Trust")):
        nominate(award, story, name, organisation)
    stage_sync_entries(stage=stage)
    for entry in stage.entries.all():
        Assignment.objects.create(entry=entry, judge=judge)

    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in_to_panels(page, live_server.url, "jo")
    page.get_by_role("link", name="Shortlisting", exact=True).click()

    # First visit: the declaration comes first.
    expect(page.get_by_role("heading", name="Declare your conflicts of interest")).to_be_visible()
    for name in ("Grace Hopper", "Alan Turing"):
        page.get_by_role("group", name=re.compile(f"^{name}")).get_by_label("No conflict").check()
    page.get_by_role("button", name="Confirm my declaration").click()
    expect(page.locator("#progress")).to_contain_text("0 of 2 scored")
    assert_accessible(page)

    # A late nomination at the judge's own hospital: brought in, and assigned by hand by the chair.
    late = nominate(award, story, "Ada Byron", "Northfield Hospital")
    stage_sync_entries(stage=stage)
    late_entry = Entry.objects.get(nomination=late)
    chair_page = context.browser.new_context(locale="en-GB").new_page()
    sign_in_to_panels(chair_page, live_server.url, "chidi")
    chair_page.goto(f"{live_server.url}/judging/stages/{stage.pk}/assignments/")
    chair_page.get_by_label(f"Add a judge to {late.reference}").select_option(label="Jo Judge")
    chair_page.get_by_role("button", name=f"Add a judge to {late.reference}").click()
    expect(chair_page.get_by_text("They have not declared for it yet")).to_be_visible()
    row = chair_page.get_by_role("row", name=re.compile(late.reference))
    expect(row.get_by_text("To declare for")).to_be_visible()
    assert_accessible(chair_page)
    chair_page.goto(f"{live_server.url}/judging/stages/{stage.pk}/progress/")
    expect(chair_page.get_by_role("row", name=re.compile("Jo Judge"))).to_contain_text("3")  # assigned
    assert_accessible(chair_page)

    # The judge's list says a new entry waits for a declaration, and does not show it.
    page.reload()
    expect(page.get_by_text("1 nomination has come into this stage since you declared")).to_be_visible()
    expect(page.get_by_role("link", name=late.reference, exact=True)).to_have_count(0)
    expect(page.locator("#progress")).to_contain_text("0 of 2 scored")
    assert page.request.get(f"{live_server.url}/judging/stages/{stage.pk}/entries/{late_entry.pk}/").status == 404
    assert_accessible(page)

    # Declaring for it: only the new nominee is asked about, with the suggested conflict ticked.
    page.get_by_role("link", name="Declare your conflicts for the new nomination").click()
    expect(page.get_by_role("heading", name="Declare your conflicts for new entries")).to_be_visible()
    expect(page.get_by_role("group", name=re.compile("^Grace Hopper"))).to_have_count(0)
    group = page.get_by_role("group", name=re.compile("^Ada Byron"))
    expect(group.get_by_text("Plaudit suggests a conflict: you work at the nominee's organisation.")).to_be_visible()
    assert_accessible(page)
    group.get_by_label("No conflict").check()
    page.get_by_label("Your reason").fill("Different site; we have never worked together")
    page.get_by_role("button", name="Confirm my declaration").click()
    expect(page.locator("#progress")).to_contain_text("0 of 3 scored")
    expect(page.get_by_role("link", name=late.reference, exact=True)).to_be_visible()

    # Then, reading it, the judge realises they know the nominator: a conflict from the entry list.
    page.get_by_role("link", name=f"Declare a conflict with {late.reference}").click()
    expect(
        page.get_by_role("heading", name=re.compile(f"Declare a conflict of interest with {late.reference}"))
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Declare the conflict").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Say what your conflict of interest is")
    assert_accessible(page)
    page.get_by_label("Your reason").fill("I know the nominator well")
    page.get_by_role("button", name="Declare the conflict").click()
    expect(page.get_by_text(f"Your conflict of interest with {late.reference} is recorded")).to_be_visible()
    expect(page.get_by_role("link", name=late.reference, exact=True)).to_have_count(0)
    expect(page.locator("#progress")).to_contain_text("0 of 2 scored")
    assert page.request.get(f"{live_server.url}/judging/stages/{stage.pk}/entries/{late_entry.pk}/").status == 404
    assert Conflict.objects.get(judge=judge, nomination=late).status == "confirmed"

    # The declaration page cannot take it back: nothing is left to declare.
    page.goto(f"{live_server.url}/judging/stages/{stage.pk}/conflicts/")
    expect(page.get_by_text("You have declared for every entry in this stage.")).to_be_visible()
    expect(page.get_by_role("group", name=re.compile("^Ada Byron"))).to_have_count(0)

    # The chair's pages agree: the judge is not on that entry, and has two entries to score.
    chair_page.goto(f"{live_server.url}/judging/stages/{stage.pk}/assignments/")
    row = chair_page.get_by_role("row", name=re.compile(late.reference))
    expect(row.get_by_text("Jo Judge")).to_have_count(0)
    chair_page.goto(f"{live_server.url}/judging/stages/{stage.pk}/progress/")
    judge_row = chair_page.get_by_role("row", name=re.compile("Jo Judge"))
    expect(judge_row.get_by_role("cell").nth(0)).to_have_text("2")
    assert_accessible(chair_page)
    context.close()
