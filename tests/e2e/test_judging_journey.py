"""The whole judging journey in the browser, as the issue names it:

an admin invites a judge → the judge signs in by the emailed link → declares a conflict →
scores two entries (the draft saving itself) → submits; the conflicted entry is absent from
the queue, from direct URLs (404) and from the reading pack. A blind stage shows no
identifying text in its pages or its PDF.
"""

import io
import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from pypdf import PdfReader

from judging.models import Assignment, Entry, PanelMember, Scorecard, Stage
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
    str(n): t for n, t in enumerate(["Not answered", "Little evidence", "Some", "Clear", "Strong", "Outstanding"])
}
PEOPLE = [
    ("Grace Hopper", "Northfield Hospital"),
    ("Alan Turing", "Southbay Community Health"),
    ("Ada Byron", "Eastmoor Mental Health Trust"),
]


def build(*, blind=False):
    award = AwardFactory(title="Kindest Colleague", reference_prefix="KC")
    section = SectionFactory(award=award)
    story = QuestionFactory(section=section, key="story", prompt="What did they do?")
    ward = QuestionFactory(section=section, key="ward", prompt="Which ward?", identifying=True)
    CriterionFactory(award=award, key="impact", title="Impact", levels=LEVELS, question_keys=["story"])
    stage = Stage.objects.create(award=award, name="Shortlisting", blind=blind)
    entries = []
    for name, organisation in PEOPLE:
        nomination = NominationFactory(
            award=award, status="submitted", nominee_name=name, nominee_organisation=organisation
        )
        Answer.objects.create(nomination=nomination, question=story, value=f"{name.split()[0]} stayed late to listen.")
        Answer.objects.create(nomination=nomination, question=ward, value=f"The {name.split()[1]} Ward")
        entries.append(Entry.objects.create(stage=stage, nomination=nomination))
    return stage, entries


def pdf_text(download) -> str:
    with open(download.path(), "rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def test_invited_judge_signs_in_declares_scores_and_submits(browser, live_server):
    stage, entries = build()
    UserFactory(username="office", is_staff=True, is_superuser=True)

    # The awards office invites the judge from the admin.
    office = browser.new_context(locale="en-GB").new_page()
    office.goto(f"{live_server.url}/admin/login/")
    office.get_by_label("Username").fill("office")
    office.get_by_label("Password").fill("correct horse battery staple")
    office.get_by_role("button", name="Log in").click()
    office.goto(f"{live_server.url}/admin/judging/stage/{stage.pk}/change/")
    office.get_by_role("link", name="Invite a judge or chair").click()
    office.get_by_label("Full name").fill("Jo Bloggs")
    office.get_by_label("Email address").fill("jo@judges.example")
    office.get_by_role("button", name="Invite").click()
    expect(office.get_by_text("Invited jo@judges.example")).to_be_visible()
    judge = PanelMember.objects.get(stage=stage).user
    for entry in entries:
        Assignment.objects.create(entry=entry, judge=judge)
    office.context.close()

    # The judge opens the emailed link.
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="en-GB", accept_downloads=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    invitation = mail.outbox[-1]
    assert invitation.to == ["jo@judges.example"] and invitation.subject == "You are invited to judge"
    path = re.search(r"https?://[^/\s]+(/sign-in/link/\?sesame=\S+)", invitation.body).group(1)
    page.goto(live_server.url + path)
    assert_accessible(page)
    page.get_by_role("button", name="Continue to your judging").click()
    expect(page.get_by_role("heading", name="Your panels")).to_be_visible()
    assert_accessible(page)

    # No entry before the declaration; Ada Byron is declared.
    response = page.goto(f"{live_server.url}/judging/stages/{stage.pk}/entries/{entries[1].pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/judging/")
    page.get_by_role("link", name="Declare your conflicts").click()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm my declaration").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Say whether you have a conflict with Ada Byron")
    assert_accessible(page)
    page.get_by_role("group", name=re.compile("^Ada Byron")).get_by_label("I have a conflict of interest").check()
    page.locator(f"#id_n-{entries[2].nomination_id}-reason").fill("My sister")
    for name in ("Grace Hopper", "Alan Turing"):
        page.get_by_role("group", name=re.compile(f"^{name}")).get_by_label("No conflict").check()
    page.get_by_role("button", name="Confirm my declaration").click()
    # Straight to the entries: the two declared without a conflict, not Ada Byron's.
    expect(page.locator("#progress")).to_contain_text("0 of 2 scored")
    expect(page.get_by_text("Ada Byron")).to_have_count(0)
    assert_accessible(page)

    # First entry: the draft saves itself, and is there after a reload.
    page.get_by_role("link", name=entries[0].reference, exact=True).click()
    page.get_by_label("3: Clear").check()
    page.get_by_label("Comment on Impact").fill("Kind and consistent.")
    with page.expect_response(lambda response: "/autosave/" in response.url and response.ok):
        page.get_by_label("Comment on Impact").press("Tab")  # leaving the field saves at once
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^Saved at "))
    page.reload()
    expect(page.get_by_label("3: Clear")).to_be_checked()
    expect(page.get_by_label("Comment on Impact")).to_have_value("Kind and consistent.")
    assert Scorecard.objects.get(entry=entries[0]).status == "draft"
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your scorecard")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator("#progress")).to_contain_text("1 of 2 scored")

    # Second entry, then the queue says done.
    page.get_by_role("link", name=entries[1].reference, exact=True).click()
    page.get_by_label("5: Outstanding").check()
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your scorecard")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.locator("#progress")).to_contain_text("2 of 2 scored")
    assert_accessible(page)
    assert set(Scorecard.objects.values_list("status", flat=True)) == {"submitted"}

    # The reading pack holds the two entries and not the conflicted one.
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download your reading pack")).click()
    text = pdf_text(download.value)
    assert "Grace stayed late to listen." in text and "Alan stayed late to listen." in text
    assert "Ada" not in text and entries[2].reference not in text

    for suffix in ("", "autosave/"):
        url = f"{live_server.url}/judging/stages/{stage.pk}/entries/{entries[2].pk}/{suffix}"
        assert page.request.get(url).status == 404
    context.close()


def test_a_blind_stage_shows_nothing_identifying_in_pages_or_pdf(page, live_server):
    stage, entries = build(blind=True)
    judge = UserFactory(username="jo")
    PanelMember.objects.create(stage=stage, user=judge)
    for entry in entries:
        Assignment.objects.create(entry=entry, judge=judge)
    declare_all(stage, judge)
    sign_in_to_panels(page, live_server.url, "jo")
    page.get_by_role("link", name="Shortlisting").click()
    identifying = [text for name, org in PEOPLE for text in (name, org, f"The {name.split()[1]} Ward")]
    pages = [page.content()]
    page.get_by_role("link", name=entries[0].reference, exact=True).click()
    expect(page.get_by_text("Grace stayed late to listen.").first).to_be_visible()
    assert_accessible(page)
    pages.append(page.content())
    for html in pages:
        for text in identifying:
            assert text not in html
    response = page.request.get(f"{live_server.url}/judging/stages/{stage.pk}/reading-pack.pdf")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert all(entry.reference in text for entry in entries)
    for value in identifying:
        assert value not in text
