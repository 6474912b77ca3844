"""The chair's results journey, in the browser with axe: opens the ranking → explains an entry →
switches to normalised → shortlists three → downloads the shortlist PDF → sends outcome emails."""

import io
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from judging.models import Decision, Entry, PanelMember, Stage
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
from tests.panels import submit

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = ["Grace Hopper", "Alan Turing", "Ada Byron", "Mary Seacole", "Florence Nightingale"]


def test_the_chair_ranks_explains_shortlists_downloads_and_tells_nominators(page, live_server):
    award = AwardFactory(title="Kindest Colleague", reference_prefix="KC")
    section = SectionFactory(award=award)
    story = QuestionFactory(section=section, key="story", prompt="What did they do?")
    region = QuestionFactory(
        section=section,
        key="region",
        prompt="Which region?",
        type="choice",
        choices=["North", "South"],
        reportable=True,
    )
    CriterionFactory(award=award, key="impact", title="Impact", levels={"0": "None", "5": "Outstanding"})
    stage = Stage.objects.create(award=award, name="Shortlisting", closes_at=timezone.now())
    judges = []
    for name in ("alice", "bob", "erin"):
        judge = UserFactory(username=name, first_name=name.title(), last_name="Judge")
        PanelMember.objects.create(stage=stage, user=judge)
        judges.append(judge)
    chair = UserFactory(username="chidi", first_name="Chidi", last_name="Chair")
    PanelMember.objects.create(stage=stage, user=chair, role="chair")
    entries = []
    for index, name in enumerate(PEOPLE):
        nomination = NominationFactory(
            award=award,
            status="submitted",
            nominee_name=name,
            nominator_email=f"nominator{index}@example.org",
            nominator_name=f"Nominator {index}",
        )
        Answer.objects.create(nomination=nomination, question=story, value=f"{name} changed the ward.")
        Answer.objects.create(nomination=nomination, question=region, value="North" if index % 2 else "South")
        entry = Entry.objects.create(stage=stage, nomination=nomination)
        entries.append(entry)
        for offset, judge in enumerate(judges):
            submit(entry, judge, {"impact": max(0, 5 - index - (offset == 2))}, comment=f"Note from {judge.first_name}")

    sign_in_to_panels(page, live_server.url, "chidi")
    page.get_by_role("link", name="Shortlisting").click()
    page.get_by_role("link", name="Ranking and decisions").click()
    expect(page.locator("#ordered-by")).to_contain_text("raw score")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(f"^{entries[1].reference}.*explain its score")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"How {entries[1].reference}: Alan Turing")
    expect(page.get_by_role("heading", name="Erin Judge: total", exact=False)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back to the ranking").click()

    page.get_by_role("link", name="Show normalised scores").click()
    expect(page.locator("#ordered-by")).to_contain_text("normalised score")
    assert_accessible(page)

    for entry in entries[:3]:
        page.get_by_label(f"Select {entry.reference}").check()
    page.get_by_role("button", name="Record as pending").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose an outcome for the ticked entries")
    assert_accessible(page)
    page.get_by_label("Outcome").select_option(label="Shortlisted")
    page.get_by_label("Reasons (optional)").fill("The strongest evidence of change.")
    page.get_by_role("button", name="Record as pending").click()
    expect(page.get_by_text("3 entries marked shortlisted (pending).")).to_be_visible()
    # The ticks stay after the action.
    for entry in entries[:3]:
        expect(page.get_by_label(f"Select {entry.reference}")).to_be_checked()
    page.get_by_role("link", name="Apply all 3 pending decisions").click()
    expect(page.get_by_role("heading", name="Apply 3 pending decisions")).to_be_visible()
    expect(page.get_by_text("3 shortlisted.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Apply 3 decisions").click()
    expect(page.get_by_text("Applied 3 decisions.")).to_be_visible()
    assert Decision.objects.filter(status="applied", outcome="shortlisted").count() == 3
    expect(page.get_by_role("table", name="Which region?")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Make the shortlist pack (PDF)").click()
    expect(page.get_by_role("heading", name="Shortlist pack")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the shortlist pack (PDF)").click()
    with open(download.value.path(), "rb") as handle:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Ordered by: normalised score" in text
    positions = [text.index(f"{entry.reference}: {name}") for entry, name in zip(entries[:3], PEOPLE, strict=False)]
    assert positions == sorted(positions)
    assert "The strongest evidence of change." in text and "Mary Seacole changed the ward." not in text

    page.goto(f"{live_server.url}/judging/stages/{stage.pk}/ranking/")
    page.get_by_role("link", name="Outcome emails").click()
    expect(page.get_by_role("heading", name="Shortlisted")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Subject").fill("Good news about {awrd}")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Use only the placeholders listed")
    assert_accessible(page)
    page.get_by_label("Subject").fill("Good news: {nominee} is shortlisted for {award}")
    page.get_by_role("button", name="Save and preview").click()
    expect(page.get_by_text("Subject: Good news: Grace Hopper is shortlisted for Kindest Colleague")).to_be_visible()
    page.get_by_role("button", name="Save and send to the 3 entries' nominators").click()
    # Nothing goes before the chair has seen who gets what.
    expect(page.get_by_role("heading", level=1)).to_have_text("Send the “shortlisted” message to 3 nominators")
    expect(page.get_by_text("Subject: Good news: Grace Hopper is shortlisted for Kindest Colleague")).to_be_visible()
    assert not mail.outbox
    assert_accessible(page)
    page.get_by_role("button", name="Send 3 emails").click()
    expect(page.get_by_text("3 emails queued.")).to_be_visible()
    expect(page.get_by_role("cell", name="Sent")).to_have_count(3)
    assert_accessible(page)
    assert sorted(m.to[0] for m in mail.outbox) == [f"nominator{i}@example.org" for i in range(3)]
    assert all("Judge" not in m.body for m in mail.outbox)


def test_the_office_chooses_which_comments_go_to_the_nominator(page, live_server, scored, sign_in):
    entry = scored.entries[1]
    sign_in(scored.people["root"])
    page.goto(f"{live_server.url}/judging/stages/{scored.stage.pk}/ranking/")
    page.get_by_role("link", name=re.compile(rf"^{entry.reference}\W+explain its score$")).click()
    page.get_by_role("link", name="Choose which comments may go to the nominator").click()
    expect(page.get_by_role("heading", name=f"Feedback for {entry.reference}")).to_be_visible()
    assert_accessible(page)
    comment = page.get_by_label("Overall: A humane entry, said judge Alice")
    expect(comment).not_to_be_checked()
    comment.check()
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text(f"Feedback for {entry.reference} saved: 1 comment approved for the nominator.")
    ).to_be_visible()
    expect(page.get_by_label("Overall: A humane entry, said judge Alice")).to_be_checked()
    assert_accessible(page)
    assert entry.scorecards.get(judge=scored.people["alice"]).feedback_approved


def test_long_lists_are_read_a_page_at_a_time(page, live_server, scored, monkeypatch):
    """The chair pages through a sorted ranking, and a judge through their entries (two a page here)."""
    from judging import views
    from results import views as results_views

    monkeypatch.setattr(results_views, "RANKING_PAGE_SIZE", 2)
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    e = scored.entries
    sign_in_to_panels(page, live_server.url, "chidi")
    page.goto(f"{live_server.url}/judging/stages/{scored.stage.pk}/ranking/?order=normalised")
    page.get_by_role("link", name="Entry").click()  # sort by reference
    expect(page.get_by_text("Entries 1 to 2 of 3")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Pages of the ranking").get_by_role("link", name=re.compile("Next")).click()
    expect(page.get_by_text("Entries 3 to 3 of 3")).to_be_visible()
    assert "order=normalised" in page.url and "sort=reference" in page.url
    expect(page.get_by_role("link", name=re.compile(rf"^{e[2].reference}\W+explain"))).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in_to_panels(page, live_server.url, "bob")
    page.goto(f"{live_server.url}/judging/stages/{scored.stage.pk}/")
    expect(page.get_by_text("Entries assigned to you: 1 to 2 of 3")).to_be_visible()
    expect(page.get_by_text("3 of 3 scored")).to_be_visible()
    page.get_by_role("navigation", name="Pages of your entries").get_by_role("link", name=re.compile("Next")).click()
    expect(page.get_by_role("link", name=e[2].reference, exact=True)).to_be_visible()
    assert_accessible(page)


def test_the_chair_sees_an_incomplete_entry_unranked_and_ranks_it_as_it_is(page, live_server, scored):
    from judging.models import Scorecard

    turing = scored.entries[1]
    # Alice's scorecard on Alan Turing's entry is reopened: one of its two expected is in.
    Scorecard.objects.filter(entry=turing, judge=scored.people["alice"]).update(status="draft")
    sign_in_to_panels(page, live_server.url, "chidi")
    page.get_by_role("link", name="Shortlisting").click()
    page.get_by_role("link", name="Ranking and decisions").click()
    expect(page.locator("#incomplete-note")).to_contain_text("1 entry has fewer scorecards than the stage needs")
    row = page.get_by_role("row").filter(has_text=turing.reference)
    expect(row).to_contain_text("1 of 2")
    expect(row).to_contain_text("incomplete")
    # Listed last, without a rank.
    expect(page.locator(".plaudit-ranking tbody tr").last).to_contain_text(turing.reference)
    expect(row.get_by_role("cell").nth(1)).to_have_text("–")
    assert_accessible(page)

    page.get_by_role("button", name="Rank ticked entries as they are").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Tick at least one entry")
    assert_accessible(page)
    page.get_by_label(f"Select {turing.reference}").check()
    page.get_by_role("button", name="Rank ticked entries as they are").click()
    expect(page.get_by_text("1 incomplete entry ranked as it is.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=turing.reference)
    expect(row).to_contain_text("included as it is")
    expect(row.get_by_role("cell").nth(1)).to_have_text("2")
    assert_accessible(page)


def test_the_office_chooses_how_ties_are_broken_and_the_chair_sees_it(page, browser, live_server, panel, sign_in):
    e = panel.entries
    for judge in ("alice", "bob"):
        submit(e[1], panel.people[judge], {"impact": 4, "reach": 2})
        submit(e[2], panel.people[judge], {"impact": 2, "reach": 4})
    submit(e[0], panel.people["bob"], {"impact": 1, "reach": 1})
    ranking_url = f"{live_server.url}/judging/stages/{panel.stage.pk}/ranking/"

    sign_in(panel.people["root"])
    page.goto(ranking_url)
    expect(page.locator("#ties")).to_have_text("Ties are left to the panel.")
    for entry in e[1:]:
        expect(page.get_by_role("row").filter(has_text=entry.reference)).to_contain_text("tie")
    assert_accessible(page)

    page.goto(f"{live_server.url}/admin/judging/stage/{panel.stage.pk}/change/")
    page.get_by_label("How ties are broken").select_option(label="The higher mean score on one criterion")
    page.get_by_label("Criterion that breaks ties").fill("reeach")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text("Enter the key of one of the award's criteria: impact, reach.")
    page.get_by_label("Criterion that breaks ties").fill("impact")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # The chair, signed in on their own device, reads the ranking.
    chair = browser.new_context(locale="en-GB").new_page()
    sign_in_to_panels(chair, live_server.url, "chidi")
    chair.get_by_role("link", name="Shortlisting").click()
    chair.get_by_role("link", name="Ranking and decisions").click()
    page = chair
    expect(page.locator("#ties")).to_contain_text("Ties are broken by the higher mean score on “Impact”")
    rows = page.locator(".plaudit-ranking tbody tr")
    expect(rows.nth(0)).to_contain_text(e[1].reference)
    expect(rows.nth(0)).to_contain_text("tie broken by the criterion")
    expect(rows.nth(1)).to_contain_text(e[2].reference)
    expect(rows.nth(1).get_by_role("cell").nth(1)).to_have_text("2")
    assert_accessible(page)


def test_the_office_moderates_judges_comments_in_bulk(page, live_server, scored, sign_in):
    from judging.models import Score, Scorecard

    e = scored.entries
    impact, reach = Score.objects.filter(scorecard__entry=e[0]).exclude(comment="").order_by("criterion__position")
    sign_in(scored.people["root"])
    page.goto(f"{live_server.url}/judging/stages/{scored.stage.pk}/ranking/")
    page.get_by_role("link", name="Judges' comments for nominators").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shortlisting: judges' comments for nominators")
    assert_accessible(page)

    page.get_by_label(f"Approve as written: {e[0].reference}, Impact").check()
    page.get_by_label(f"Approve as edited: {e[0].reference}, Reach").check()
    page.get_by_label(f"As the nominator would read it, if approved as edited: {e[0].reference}, Reach").fill("")
    page.get_by_label(f"Reject: {e[1].reference}, Overall").check()
    page.get_by_role("button", name="Save these verdicts").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Write the comment as the nominator should read it")
    assert_accessible(page)
    # What was chosen is still chosen.
    expect(page.get_by_label(f"Reject: {e[1].reference}, Overall")).to_be_checked()
    page.get_by_label(f"As the nominator would read it, if approved as edited: {e[0].reference}, Reach").fill(
        "Listened well."
    )
    page.get_by_role("button", name="Save these verdicts").click()
    expect(page.get_by_text("Saved: 1 approved, 1 approved as edited, 1 rejected.")).to_be_visible()
    expect(page.get_by_text("Every comment has been reviewed.")).to_be_visible()
    assert_accessible(page)
    reach.refresh_from_db()
    assert reach.feedback_approved and reach.feedback_text == "Listened well."
    assert not Scorecard.objects.get(entry=e[1], judge=scored.people["alice"]).feedback_approved


def test_the_chair_has_a_large_export_made_in_the_background_and_downloads_it(page, live_server, scored, monkeypatch):
    """All scores of a big stage: offered, made by the worker, its progress shown, then downloaded."""
    from openpyxl import load_workbook

    from results import exports

    monkeypatch.setattr(exports, "INLINE_CELLS", 10)
    sign_in_to_panels(page, live_server.url, "chidi")
    page.goto(f"{live_server.url}/judging/stages/{scored.stage.pk}/ranking/")
    page.get_by_role("link", name="all scores as XLSX").click()
    expect(page.get_by_role("heading", name="Download all scores as XLSX")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Make the file").click()
    expect(page.get_by_role("heading", name="All scores as XLSX")).to_be_visible()
    expect(page.locator("#pack-status")).to_have_text("Ready.")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download all scores as XLSX").click()
    assert download.value.suggested_filename.endswith("-scores-raw.xlsx")
    with open(download.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read()), read_only=True).active
    references = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert references == {entry.reference for entry in scored.entries}
