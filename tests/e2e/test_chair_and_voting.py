"""The chair's pages and a voting stage, in the browser with axe.

The chair: progress → reminds a judge → takes a judge off an entry and adds one → moves a
leaving judge's work → downloads the assignments, uploads a bad file and then a good one,
checks the preview and applies it. A judge: ranks entries on a ballot, is told about a
repeated rank, fixes it and submits.
"""

import pytest
from django.core import mail
from playwright.sync_api import expect

from judging.models import Assignment, Ballot, Entry, PanelMember, Stage
from tests.e2e.conftest import assert_accessible, sign_in_to_panels
from tests.factories import AwardFactory, NominationFactory, UserFactory, declare_all

pytestmark = pytest.mark.django_db(transaction=True)


def panel(**stage_options):
    award = AwardFactory(title="Kindest Colleague", reference_prefix="KC")
    stage = Stage.objects.create(award=award, name="Shortlisting", **stage_options)
    people = {}
    for username, first in (("alice", "Alice"), ("bob", "Bob"), ("erin", "Erin")):
        people[username] = UserFactory(username=username, first_name=first, last_name="Judge")
        PanelMember.objects.create(stage=stage, user=people[username])
    people["chidi"] = UserFactory(username="chidi", first_name="Chidi", last_name="Chair")
    PanelMember.objects.create(stage=stage, user=people["chidi"], role="chair")
    entries = []
    for name in ("Grace Hopper", "Alan Turing", "Ada Byron"):
        nomination = NominationFactory(award=award, status="submitted", nominee_name=name)
        entry = Entry.objects.create(stage=stage, nomination=nomination)
        for judge in ("alice", "bob"):
            Assignment.objects.create(entry=entry, judge=people[judge])
        entries.append(entry)
    for username in ("alice", "bob", "erin"):
        declare_all(stage, people[username])
    return stage, entries, people


def test_the_chair_follows_progress_reminds_and_reassigns(page, live_server, tmp_path):
    stage, entries, people = panel()
    sign_in_to_panels(page, live_server.url, "chidi")
    page.get_by_role("link", name="Shortlisting").click()
    expect(page.get_by_role("heading", name="Shortlisting: progress")).to_be_visible()
    expect(page.get_by_role("button", name="Remind all 2 judges with work left")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Remind Bob Judge").click()
    expect(page.get_by_text("A reminder is on its way to Bob Judge.")).to_be_visible()
    assert [m.to for m in mail.outbox] == [[people["bob"].email]]
    assert "you have scored 0 of your 3 entries" in mail.outbox[0].body

    page.get_by_role("link", name="Assignments", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name=f"Remove Alice Judge from {entries[0].reference}").click()
    expect(page.get_by_text(f"Judge taken off {entries[0].reference}.")).to_be_visible()
    page.get_by_label(f"Add a judge to {entries[0].reference}").select_option(label="Erin Judge")
    page.get_by_role("button", name=f"Add a judge to {entries[0].reference}").click()
    expect(page.get_by_text(f"Judge added to {entries[0].reference}.")).to_be_visible()

    # Bob is leaving: his three entries go to whoever is free (Erin has one already).
    page.get_by_role("button", name="Move their entries").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose the judge who is leaving")
    assert_accessible(page)
    page.get_by_label("Move the unfinished entries of").select_option(label="Bob Judge")
    page.get_by_role("button", name="Move their entries").click()
    expect(page.get_by_text("Moved 3 entries")).to_be_visible()
    assert not Assignment.objects.filter(judge=people["bob"]).exists()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download assignments (CSV)").click()
    exported = open(download.value.path()).read()
    assert exported.startswith("reference,judge_email,judge_name")

    page.get_by_role("link", name="Upload assignments").click()
    bad = tmp_path / "bad.csv"
    bad.write_text(f"reference,judge_email\n{entries[1].reference},nobody@example.org\n")
    page.get_by_label("Upload an assignments CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("nobody@example.org is not a judge")
    assert_accessible(page)
    good = tmp_path / "good.csv"
    good.write_text(
        "reference,judge_email\n"
        + "".join(f"{entry.reference},{people['bob'].email}\n" for entry in entries)
        + f"{entries[0].reference},{people['erin'].email}\n"
    )
    page.get_by_label("Upload an assignments CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.get_by_role("heading", name="Check the changes")).to_be_visible()
    expect(page.get_by_role("heading", name="3 assignments to add")).to_be_visible()
    assert_accessible(page)
    assert not Assignment.objects.filter(judge=people["bob"]).exists()  # nothing until applied
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Assignments updated: 3 added")).to_be_visible()
    assert Assignment.objects.filter(judge=people["bob"]).count() == 3


def test_a_judge_ranks_entries_on_a_ballot(page, live_server):
    stage, entries, people = panel(mode="voting", voting="ranked")
    sign_in_to_panels(page, live_server.url, "alice")
    page.get_by_role("link", name="Shortlisting").click()
    expect(page.get_by_role("heading", name="Shortlisting: your ballot")).to_be_visible()
    assert_accessible(page)
    page.get_by_label(f"Your rank for {entries[0].reference}: Grace Hopper").select_option("1")
    page.get_by_label(f"Your rank for {entries[1].reference}: Alan Turing").select_option("1")
    page.get_by_role("button", name="Submit ballot").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Rank 1 is given to more than one entry")
    assert_accessible(page)
    page.get_by_label(f"Your rank for {entries[0].reference}: Grace Hopper").select_option("2")
    page.get_by_role("button", name="Submit ballot").click()
    expect(page.get_by_text("Your ballot is submitted.")).to_be_visible()
    expect(page.locator("ol li")).to_have_text(
        [f"{entries[1].reference}: Alan Turing", f"{entries[0].reference}: Grace Hopper"]
    )
    assert_accessible(page)
    assert Ballot.objects.get(judge=people["alice"]).status == "submitted"


def test_a_judge_approves_up_to_the_limit_on_a_ballot(page, live_server):
    stage, entries, people = panel(mode="voting", voting="approval", approvals_allowed=2)
    sign_in_to_panels(page, live_server.url, "alice")
    page.get_by_role("link", name="Shortlisting").click()
    expect(page.get_by_role("heading", name="Shortlisting: your ballot")).to_be_visible()
    expect(page.get_by_text("Choose up to 2 entries.")).to_be_visible()
    assert_accessible(page)
    for entry, name in zip(entries, ("Grace Hopper", "Alan Turing", "Ada Byron"), strict=True):
        page.get_by_label(f"{entry.reference}: {name}").check()
    page.get_by_role("button", name="Submit ballot").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("You may approve at most 2 entries; you chose 3.")
    expect(page.get_by_label(f"{entries[2].reference}: Ada Byron")).to_be_checked()  # the choices are kept
    assert_accessible(page)
    page.get_by_label(f"{entries[0].reference}: Grace Hopper").uncheck()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_label(f"{entries[1].reference}: Alan Turing")).to_be_checked()
    expect(page.get_by_label(f"{entries[0].reference}: Grace Hopper")).not_to_be_checked()
    page.get_by_role("button", name="Submit ballot").click()
    expect(page.get_by_text("Your ballot is submitted.")).to_be_visible()
    votes = page.locator("ol.nhsuk-list--bullet li")
    expect(votes).to_have_count(2)
    expect(votes.filter(has_text=f"{entries[1].reference}: Alan Turing")).to_have_count(1)
    expect(votes.filter(has_text=f"{entries[2].reference}: Ada Byron")).to_have_count(1)
    assert_accessible(page)
    ballot = Ballot.objects.get(judge=people["alice"])
    assert ballot.status == "submitted"
    assert sorted(ballot.votes.values_list("entry_id", flat=True)) == [entries[1].pk, entries[2].pk]
