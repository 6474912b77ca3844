"""A judge scores two entries and submits; the conflicted entry is nowhere to be found."""

import re
import time

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from judging.models import Assignment, Conflict, Entry, PanelMember, Scorecard, Stage
from nominations.models import Answer
from tests.e2e.conftest import assert_accessible, sign_in_to_panels
from tests.factories import (
    AwardFactory,
    CriterionFactory,
    NominationFactory,
    QuestionFactory,
    SectionFactory,
    UserFactory,
    declare_all,
)

pytestmark = pytest.mark.django_db(transaction=True)

LEVELS = {
    str(n): text for n, text in enumerate(["Not answered", "Little evidence", "Some", "Clear", "Strong", "Outstanding"])
}


def test_a_judge_scores_two_entries_and_submits(page, live_server):
    award = AwardFactory(title="Kindest Colleague")
    story = QuestionFactory(section=SectionFactory(award=award), key="story", prompt="What did they do?")
    CriterionFactory(award=award, key="impact", title="Impact", levels=LEVELS, question_keys=["story"])
    stage = Stage.objects.create(award=award, name="Shortlisting")
    judge = UserFactory(username="jo", email="jo@example.org")
    PanelMember.objects.create(stage=stage, user=judge)
    entries = []
    for name in ("Grace Hopper", "Alan Turing", "Ada Byron"):
        nomination = NominationFactory(award=award, status="submitted", nominee_name=name)
        Answer.objects.create(nomination=nomination, question=story, value=f"{name} sat with a frightened patient.")
        entry = Entry.objects.create(stage=stage, nomination=nomination)
        Assignment.objects.create(entry=entry, judge=judge)
        entries.append(entry)
    declare_all(stage, judge)
    Conflict.objects.create(judge=judge, nomination=entries[2].nomination)

    sign_in_to_panels(page, live_server.url, "jo")
    page.get_by_role("link", name="Shortlisting").click()
    expect(page.locator("#progress")).to_contain_text("0 of 2 scored")
    expect(page.get_by_text("Ada Byron")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name=entries[0].reference, exact=True).click()
    expect(page.get_by_text("Grace Hopper sat with a frightened patient.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("4: Strong").check()
    # The draft saves itself; the page then carries the new version, so the buttons still work.
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^Saved at \d{1,2}:\d{2} [ap]\.m\.$"))
    page.get_by_role("button", name="Save and next").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(entries[1].reference)
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose a score for “Impact”")
    assert_accessible(page)
    page.get_by_label("5: Outstanding").check()
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your scorecard")
    expect(page.get_by_text("A submitted scorecard is locked")).to_be_visible()
    expect(page.locator("#confirm-total")).to_have_text("100.00 out of 100")
    assert_accessible(page)
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator("#progress")).to_contain_text("1 of 2 scored")

    page.get_by_role("link", name=entries[0].reference, exact=True).click()
    expect(page.get_by_label("4: Strong")).to_be_checked()
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your scorecard")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator("#progress")).to_contain_text("2 of 2 scored")
    assert_accessible(page)
    assert set(Scorecard.objects.values_list("status", flat=True)) == {"submitted"}

    response = page.goto(f"{live_server.url}/judging/stages/{stage.pk}/entries/{entries[2].pk}/")
    assert response.status == 404


def test_a_judge_scores_on_a_tablet_with_the_keyboard(browser, live_server):
    award = AwardFactory(title="Kindest Colleague")
    story = QuestionFactory(section=SectionFactory(award=award), key="story", prompt="What did they do?")
    CriterionFactory(award=award, key="impact", title="Impact", levels=LEVELS, question_keys=["story"])
    stage = Stage.objects.create(award=award, name="Shortlisting")
    judge = UserFactory(username="jo")
    PanelMember.objects.create(stage=stage, user=judge)
    nomination = NominationFactory(award=award, status="submitted", nominee_name="Grace Hopper")
    Answer.objects.create(nomination=nomination, question=story, value="Grace sat with a frightened patient.")
    entry = Entry.objects.create(stage=stage, nomination=nomination)
    Assignment.objects.create(entry=entry, judge=judge)
    declare_all(stage, judge)

    context = browser.new_context(viewport={"width": 768, "height": 1024}, has_touch=True, locale="en-GB")
    page = context.new_page()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Email address or username").fill("jo")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in with password").press("Enter")
    page.get_by_role("link", name="Shortlisting").tap()
    page.get_by_role("link", name=entry.reference, exact=True).tap()
    # Keyboard only: into the radios, arrow to a level, on to the comment, then submit with Enter.
    page.get_by_label("0: Not answered").focus()
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("4: Strong")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("Comment on Impact")).to_be_focused()
    page.keyboard.type("Calm and kind.")
    page.get_by_role("button", name="Submit scorecard").focus()
    page.keyboard.press("Enter")
    # The summary, then submit with the keyboard again.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your scorecard")
    expect(page.get_by_text("4: Strong")).to_be_visible()
    page.get_by_role("button", name="Submit scorecard").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#progress")).to_contain_text("1 of 1 scored")
    assert_accessible(page)
    card = Scorecard.objects.get()
    assert card.status == "submitted" and card.scores.get().value == 4 and card.scores.get().comment == "Calm and kind."
    context.close()


def test_submitting_while_an_autosave_is_on_its_way_still_submits(browser, live_server):
    award = AwardFactory(title="Kindest Colleague")
    CriterionFactory(award=award, key="impact", title="Impact", levels=LEVELS)
    stage = Stage.objects.create(award=award, name="Shortlisting")
    judge = UserFactory(username="jo")
    PanelMember.objects.create(stage=stage, user=judge)
    entry = Entry.objects.create(stage=stage, nomination=NominationFactory(award=award, status="submitted"))
    Assignment.objects.create(entry=entry, judge=judge)
    declare_all(stage, judge)
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    sign_in_to_panels(page, live_server.url, "jo")
    page.goto(f"{live_server.url}/judging/stages/{stage.pk}/entries/{entry.pk}/")

    # A slow network: the autosave takes a second and a half to come back.
    def slow(route):
        time.sleep(1.5)
        route.continue_()

    page.route("**/autosave/", slow)
    page.get_by_label("5: Outstanding").check()
    page.get_by_label("Comment on Impact").fill("Superb.")
    page.get_by_label("Overall comment").focus()  # leaving the comment starts the autosave at once
    expect(page.locator("#save-status")).to_have_text("Saving…")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your scorecard")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator("#progress")).to_contain_text("1 of 1 scored")
    card = Scorecard.objects.get()
    assert card.status == "submitted" and card.scores.get().comment == "Superb."
    context.close()


def test_the_running_total_follows_the_judge_and_equals_the_servers(page, live_server):
    award = AwardFactory(title="Kindest Colleague")
    section = SectionFactory(award=award)
    story = QuestionFactory(section=section, key="story", prompt="What did they do?")
    team = QuestionFactory(section=section, key="team", prompt="Which team?")
    CriterionFactory(award=award, key="impact", title="Impact", weight=2, levels=LEVELS, question_keys=["story"])
    CriterionFactory(award=award, key="reach", title="Reach", weight=1, scale_min=1, scale_max=4, allow_na=True)
    CriterionFactory(award=award, key="voice", title="Patient voice", weight=1, levels=LEVELS)
    stage = Stage.objects.create(award=award, name="Shortlisting")
    judge = UserFactory(username="jo")
    PanelMember.objects.create(stage=stage, user=judge)
    nomination = NominationFactory(
        award=award,
        status="submitted",
        nominee_name="Grace Hopper",
        nominee_email="grace@example.org",
        nominator_name="Ada Lovelace",
        nominator_email="ada@example.org",
    )
    Answer.objects.create(nomination=nomination, question=story, value="Grace sat with a frightened patient.")
    Answer.objects.create(nomination=nomination, question=team, value="Ward 7")
    letter = QuestionFactory(section=section, key="letter", type="file", prompt="A letter of support")
    upload = Answer(nomination=nomination, question=letter, value="support.pdf", file_name="support.pdf")
    upload.file.save("support.pdf", ContentFile(b"%PDF-1.4 support"), save=True)
    entry = Entry.objects.create(stage=stage, nomination=nomination)
    Assignment.objects.create(entry=entry, judge=judge)
    declare_all(stage, judge)

    sign_in_to_panels(page, live_server.url, "jo")
    page.goto(f"{live_server.url}/judging/stages/{stage.pk}/entries/{entry.pk}/")
    # Written for judges: who nominated, never an email address; the linked answer once, beside its criterion.
    expect(page.get_by_text("Nominated by")).to_be_visible()
    expect(page.get_by_text("grace@example.org")).to_have_count(0)
    expect(page.get_by_text("ada@example.org")).to_have_count(0)
    expect(page.get_by_text("Grace sat with a frightened patient.")).to_have_count(1)
    expect(page.get_by_text("Ward 7")).to_have_count(1)
    expect(page.locator("#criterion-impact")).to_contain_text("Counts double · Scored 0 to 5")
    expect(page.locator("#criterion-reach")).to_contain_text("Counts once · Scored 1 to 4, or not applicable")
    expect(page.get_by_role("navigation", name="Criteria on this page")).to_contain_text("Patient voice")
    expect(page.locator("#running-total")).to_contain_text("none yet")
    assert_accessible(page)
    # The uploaded letter, downloaded as the judge would.
    with page.expect_download() as download:
        page.get_by_role("link", name="support.pdf (download)").click()
    assert download.value.suggested_filename == "support.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read() == b"%PDF-1.4 support"

    page.locator("#criterion-impact").locator("xpath=ancestor::fieldset").get_by_label("4: Strong").check()
    # 100 × 2·(4/5) / 2
    expect(page.locator("#running-total")).to_have_text(
        "Your total so far: 80.00 out of 100, from 1 of 3 criteria scored."
    )
    page.locator("#criterion-reach").locator("xpath=ancestor::fieldset").get_by_label("Not applicable").check()
    expect(page.locator("#running-total")).to_contain_text("80.00 out of 100, from 1 of 3")
    page.locator("#criterion-voice").locator("xpath=ancestor::fieldset").get_by_label("1: Little").check()
    # 100 × (2·0.8 + 1·0.2) / 3 = 60
    expect(page.locator("#running-total")).to_contain_text("60.00 out of 100, from 2 of 3")
    shown = page.locator("#running-total strong").inner_text()
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your scorecard")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator("#progress")).to_contain_text("1 of 1 scored")
    assert f"{Scorecard.objects.get().total:.2f}" == shown
