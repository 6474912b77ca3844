"""The chair's tools: progress, reminders, adding and removing judges, moving a leaving judge's work,
assignments by CSV with a preview, reopening scorecards."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from judging import assignments, selectors
from judging.models import Assignment, Conflict, PanelMember, Scorecard
from tests.factories import UserFactory


def test_progress_counts_each_judges_work_leaving_out_conflicts(panel):
    bob, alice = panel.people["bob"], panel.people["alice"]
    Scorecard.objects.create(entry=panel.entries[1], judge=bob, status="submitted")
    Scorecard.objects.create(entry=panel.entries[2], judge=bob)
    progress = selectors.judge_progress(panel.stage)
    assert (progress[bob.pk].assigned, progress[bob.pk].submitted, progress[bob.pk].drafts) == (3, 1, 1)
    assert progress[bob.pk].remaining == 2 and progress[bob.pk].not_started == 1
    # alice is assigned all three but conflicted with one: two are hers to score.
    assert progress[alice.pk].assigned == 2
    assert panel.people["chidi"].pk not in progress  # the chair scores nothing


def test_the_progress_page_shows_judges_and_who_is_behind(client, panel):
    client.force_login(panel.people["chidi"])
    page = client.get(reverse("judging:progress", args=[panel.stage.pk])).content.decode()
    assert "Alice Judge" in page and "Bob Judge" in page and "Patient leaders" in page
    assert "Remind all 2 judges with work left" in page


def test_a_reminder_goes_to_one_judge_with_counts_and_no_entry_names(client, panel, django_capture_on_commit_callbacks):
    client.force_login(panel.people["chidi"])
    with django_capture_on_commit_callbacks(execute=True):
        url = reverse("judging:remind", args=[panel.stage.pk])
        response = client.post(url, {"judge": panel.people["alice"].pk})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [panel.people["alice"].email]
    assert "you have scored 0 of your 2 entries" in message.body
    for entry in panel.entries:
        assert entry.reference not in message.body and entry.nomination.nominee_name not in message.body
    assert PanelMember.objects.get(user=panel.people["alice"]).reminded_at is not None


def test_remind_everyone_behind_skips_judges_who_are_done(client, panel, django_capture_on_commit_callbacks):
    for entry in panel.entries:
        Scorecard.objects.create(entry=entry, judge=panel.people["bob"], status="submitted")
    client.force_login(panel.people["chidi"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("judging:remind", args=[panel.stage.pk]))
    assert [m.to for m in mail.outbox] == [[panel.people["alice"].email]]


def test_a_judge_of_another_panel_cannot_be_reminded_from_here(client, panel):
    client.force_login(panel.people["chidi"])
    response = client.post(reverse("judging:remind", args=[panel.stage.pk]), {"judge": panel.people["charlie"].pk})
    assert response.status_code == 404 and not mail.outbox


def test_adding_and_removing_a_judge_by_hand(panel):
    from audit.models import AuditEvent

    entry, alice, bob = panel.entries[1], panel.people["alice"], panel.people["bob"]
    assignments.assignment_remove(entry=entry, judge_id=alice.pk, by=panel.people["chidi"])
    assert not Assignment.objects.filter(entry=entry, judge=alice).exists()
    assignments.assignment_add(entry=entry, judge_id=alice.pk, by=panel.people["chidi"])
    # The audit log names the judge both ways, and who did it.
    events = AuditEvent.objects.filter(action="assignment", subject=f"entry:{entry.pk}").order_by("pk")
    assert [e.summary for e in events] == [
        f"Alice Judge taken off {entry.reference}",
        f"Alice Judge added to {entry.reference}",
    ]
    assert {e.actor_id for e in events} == {panel.people["chidi"].pk}
    with pytest.raises(assignments.AssignmentRefused, match="already assigned"):
        assignments.assignment_add(entry=entry, judge_id=alice.pk)
    with pytest.raises(assignments.AssignmentRefused, match="conflict of interest"):
        assignments.assignment_add(entry=panel.entries[0], judge_id=alice.pk)
    with pytest.raises(assignments.AssignmentRefused, match="panel"):
        assignments.assignment_add(entry=entry, judge_id=panel.people["charlie"].pk)
    Scorecard.objects.create(entry=entry, judge=bob, status="submitted")
    with pytest.raises(assignments.AssignmentRefused, match="submitted"):
        assignments.assignment_remove(entry=entry, judge_id=bob.pk)


def test_removing_a_judge_takes_their_draft_with_it(panel):
    entry, bob = panel.entries[1], panel.people["bob"]
    Scorecard.objects.create(entry=entry, judge=bob)
    assignments.assignment_remove(entry=entry, judge_id=bob.pk)
    assert not Scorecard.objects.filter(entry=entry, judge=bob).exists()


def test_a_leaving_judges_unfinished_work_moves_never_to_a_conflict(panel):
    bob, alice = panel.people["bob"], panel.people["alice"]
    erin = UserFactory(username="erin", first_name="Erin", last_name="Judge")
    PanelMember.objects.create(stage=panel.stage, user=erin)
    Scorecard.objects.create(entry=panel.entries[2], judge=bob, status="submitted")
    Conflict.objects.create(judge=erin, nomination=panel.entries[1].nomination)
    move = assignments.assignments_move(stage=panel.stage, from_judge_id=bob.pk)
    # Entry 0: alice is conflicted, erin takes it. Entry 1: erin is conflicted, alice has it already.
    assert move.moved == [(panel.entries[0].reference, "Erin Judge")]
    assert move.kept == [
        (panel.entries[1].reference, "no judge is free to take it"),
        (panel.entries[2].reference, "their scorecard is submitted"),
    ]
    assert set(Assignment.objects.filter(judge=bob).values_list("entry_id", flat=True)) == {
        panel.entries[1].pk,
        panel.entries[2].pk,
    }
    with pytest.raises(assignments.AssignmentRefused):
        assignments.assignments_move(stage=panel.stage, from_judge_id=bob.pk, to_judge_id=bob.pk)
    assert alice.pk  # alice keeps what she had


def _csv(rows):
    return "reference,judge_email\n" + "".join(f"{r},{e}\n" for r, e in rows)


def test_an_assignments_csv_round_trips_and_previews_its_changes(panel):
    entries = panel.stage.entries.all()
    text = assignments.assignments_csv(stage=panel.stage, entries=entries)
    assert text.splitlines()[0] == "reference,judge_email,judge_name"
    unchanged = assignments.assignments_plan(stage=panel.stage, entries=entries, text=text)
    assert (unchanged.add, unchanged.remove, unchanged.problems) == ([], [], [])
    e = panel.entries
    alice, bob = panel.people["alice"], panel.people["bob"]
    wanted = _csv([(e[0].reference, bob.email), (e[1].reference, alice.email.upper()), (e[2].reference, bob.email)])
    plan = assignments.assignments_plan(stage=panel.stage, entries=entries, text=wanted)
    assert plan.problems == []
    # alice's assignment to the first entry is void (she is conflicted): not listed, and cleared on applying.
    assert [plan.describe(pair) for pair in plan.remove] == [
        (e[1].reference, "Bob Judge"),
        (e[2].reference, "Alice Judge"),
    ]
    assignments.assignments_apply(stage=panel.stage, entries=entries, text=wanted)
    assert Assignment.objects.filter(entry__stage=panel.stage).count() == 3


@pytest.mark.parametrize(
    "rows, problem",
    [
        ([("KC-9999", "bob@example.org")], "no entry KC-9999"),
        ([("{ref1}", "charlie@example.org")], "charlie@example.org is not a judge on this stage's panel"),
        ([("{ref0}", "alice@example.org")], "Alice Judge has a conflict of interest"),
        ([("{ref1}", "bob@example.org"), ("{ref1}", "bob@example.org")], "appear twice"),
    ],
)
def test_a_bad_assignments_csv_is_refused_whole(panel, rows, problem):
    refs = {f"ref{i}": entry.reference for i, entry in enumerate(panel.entries)}
    text = _csv([(reference.format(**refs), email) for reference, email in rows])
    entries = panel.stage.entries.all()
    plan = assignments.assignments_plan(stage=panel.stage, entries=entries, text=text)
    assert any(problem in message for message in plan.problems), plan.problems
    before = set(Assignment.objects.values_list("entry_id", "judge_id"))
    with pytest.raises(assignments.AssignmentRefused):
        assignments.assignments_apply(stage=panel.stage, entries=entries, text=text)
    assert set(Assignment.objects.values_list("entry_id", "judge_id")) == before


def test_a_csv_cannot_take_a_judge_off_a_submitted_scorecard(panel):
    Scorecard.objects.create(entry=panel.entries[1], judge=panel.people["bob"], status="submitted")
    plan = assignments.assignments_plan(stage=panel.stage, entries=panel.stage.entries.all(), text=_csv([]))
    assert any("has submitted a scorecard" in problem for problem in plan.problems)


def test_upload_previews_then_applies_through_a_signed_plan(client, panel):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(panel.people["chidi"])
    url = reverse("judging:assignments_upload", args=[panel.stage.pk])
    text = _csv([(panel.entries[1].reference, panel.people["bob"].email)])
    page = client.post(url, {"file": SimpleUploadedFile("a.csv", text.encode())})
    assert b"Check the changes" in page.content
    assert Assignment.objects.count() == 7  # nothing applied yet
    signed = page.context["signed"]
    assert client.post(url, {"apply": "1", "plan": signed + "x"}).status_code == 302
    assert Assignment.objects.count() == 7  # a tampered plan changes nothing
    client.post(url, {"apply": "1", "plan": signed})
    assert set(Assignment.objects.filter(entry__stage=panel.stage).values_list("entry_id", "judge_id")) == {
        (panel.entries[1].pk, panel.people["bob"].pk)
    }


@pytest.mark.parametrize(
    "content, message",
    [(b"", "The file is empty"), (b"\xff\xfe\x00bad", "saved as UTF-8"), (b"reference,email\nKC-1,a@b.c\n", "header")],
)
def test_a_bad_upload_names_the_problem(client, panel, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(panel.people["chidi"])
    url = reverse("judging:assignments_upload", args=[panel.stage.pk])
    page = client.post(url, {"file": SimpleUploadedFile("a.csv", content)})
    assert page.status_code == 200 and message in page.content.decode()


def test_the_chair_reopens_a_submitted_scorecard(client, panel):
    card = Scorecard.objects.create(entry=panel.entries[1], judge=panel.people["bob"], status="submitted", version=3)
    client.force_login(panel.people["chidi"])
    client.post(
        reverse("judging:reopen", args=[panel.stage.pk, panel.entries[1].pk]), {"judge": panel.people["bob"].pk}
    )
    card.refresh_from_db()
    assert card.status == "draft" and card.version == 4 and card.reopened_at is not None


def test_the_assignments_page_lists_judges_and_refuses_bad_changes_kindly(client, panel):
    client.force_login(panel.people["chidi"])
    url = reverse("judging:assignments", args=[panel.stage.pk])
    Assignment.objects.filter(entry=panel.entries[1], judge=panel.people["bob"]).delete()
    page = client.get(url).content.decode()
    assert "Add a judge to " + panel.entries[1].reference in page
    # alice is conflicted with the first entry, bob is on it: nobody else is free to take it.
    assert "No other judge is free to take it" in page
    change = reverse("judging:assignment_change", args=[panel.stage.pk, panel.entries[0].pk])
    response = client.post(change, {"judge": panel.people["bob"].pk}, follow=True)
    assert "already assigned" in response.content.decode()
    response = client.post(change, {"judge": panel.people["alice"].pk}, follow=True)
    assert "has a conflict of interest" in response.content.decode()
    response = client.post(change, {"judge": "not a number"}, follow=True)
    assert "choose a judge to add" in response.content.decode()
    response = client.post(url, {"from_judge": panel.people["bob"].pk, "to_judge": panel.people["bob"].pk})
    assert "Choose a different judge" in response.content.decode()


def test_the_chair_pages_do_not_grow_in_queries(client, panel, django_assert_max_num_queries):
    from judging.models import Entry
    from tests.factories import NominationFactory

    client.force_login(panel.people["chidi"])
    for _ in range(30):
        entry = Entry.objects.create(
            stage=panel.stage, nomination=NominationFactory(award=panel.stage.award, status="submitted")
        )
        Assignment.objects.create(entry=entry, judge=panel.people["bob"])
        Scorecard.objects.create(entry=entry, judge=panel.people["bob"], submitted_at=timezone.now())
    with django_assert_max_num_queries(20):
        client.get(reverse("judging:progress", args=[panel.stage.pk]))
    with django_assert_max_num_queries(20):
        client.get(reverse("judging:assignments", args=[panel.stage.pk]))
    with django_assert_max_num_queries(20):
        client.get(reverse("judging:assignments_download", args=[panel.stage.pk]))


def test_the_office_adds_and_removes_a_conflict_in_the_admin(admin_client, panel):
    from judging import access
    from judging.models import Conflict

    bob, entry = panel.people["bob"], panel.entries[1]
    response = admin_client.post(
        "/admin/judging/conflict/add/",
        {"judge": bob.pk, "nomination": entry.nomination_id, "status": "confirmed", "reason": "Former manager"},
    )
    assert response.status_code == 302
    conflict = Conflict.objects.get(judge=bob, nomination=entry.nomination)
    assert conflict.source == "admin" and conflict.decided_at is not None
    assert entry not in access.entries_for_judge(bob, panel.stage)
    # Conflicts are sticky: not deleted, not edited; removed only with a reason, audited.
    assert admin_client.post(f"/admin/judging/conflict/{conflict.pk}/delete/", {"post": "yes"}).status_code == 403
    admin_client.post(f"/admin/judging/conflict/{conflict.pk}/change/", {"status": "rejected"})
    assert entry not in access.entries_for_judge(bob, panel.stage)
    refused = admin_client.post(f"/admin/judging/conflict/{conflict.pk}/remove/", {"reason": "  "})
    assert "Say why the conflict is removed" in refused.content.decode()
    assert entry not in access.entries_for_judge(bob, panel.stage)
    admin_client.post(f"/admin/judging/conflict/{conflict.pk}/remove/", {"reason": "Recorded against the wrong judge"})
    assert entry in access.entries_for_judge(bob, panel.stage)
    event = AuditEvent.objects.filter(action="conflict", summary__contains="removed by the awards office").get()
    assert event.data["reason"] == "Recorded against the wrong judge" and event.actor_label
    assert admin_client.get("/admin/judging/conflict/?q=bob").status_code == 200


@pytest.mark.parametrize("judge", ["abc", "", "-1", "99999999999999999999"])
def test_tampered_judge_ids_are_404_not_500(client, panel, judge):
    client.force_login(panel.people["chidi"])
    url = reverse("judging:reopen", args=[panel.stage.pk, panel.entries[1].pk])
    assert client.post(url, {"judge": judge}).status_code == 404
    response = client.post(reverse("judging:remind", args=[panel.stage.pk]), {"judge": judge})
    assert response.status_code in (302, 404)
    change = reverse("judging:assignment_change", args=[panel.stage.pk, panel.entries[1].pk])
    assert client.post(change, {"remove": judge}).status_code == 302


@pytest.mark.parametrize(
    "path", ["/judging/stages/{big}/", "/judging/stages/{stage}/entries/{big}/", "/judging/stages/{big}/progress/"]
)
def test_huge_ids_in_urls_are_404(client, panel, path):
    client.force_login(panel.people["bob"])
    assert client.get(path.format(big="9" * 30, stage=panel.stage.pk)).status_code == 404
