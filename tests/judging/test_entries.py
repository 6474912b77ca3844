"""Nomination state drives judging: an entry whose nomination leaves the judgeable set leaves
judges' queues, scoring, rankings, exports and packs; the chair sees it listed with why; its
scores are kept; and it comes back if it can be judged again."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from judging import access, stages
from judging.entries import excluded, judgeable, stage_sync_entries
from judging.models import Entry, Scorecard, ShortlistPack, Stage
from nominations import domain as nominations
from nominations.models import Dossier, Nomination
from results import decisions, ranking
from tests.factories import NominationFactory

pytestmark = pytest.mark.django_db


def reasons(stage, user):
    return {item.entry.reference: item.reason for item in excluded(stage, access.left_judging_for_chair(user, stage))}


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"status": "withdrawn"}, "withdrawn by the nominator"),
        ({"status": "ineligible", "ineligible_reason": "Not NHS staff"}, "marked not eligible"),
        ({"consent_status": "declined"}, "the nominee declined to be considered"),
        ({"consent_status": "pending"}, "waiting for the nominee's consent"),
        (
            {"consent_status": "declined", "nominee_data_removed_at": timezone.now()},
            "the nominee asked for their details to be removed",
        ),
    ],
)
def test_an_entry_that_can_no_longer_be_judged_leaves_judging_and_keeps_its_scores(client, scored, change, reason):
    stage, entry, bob, chidi = scored.stage, scored.entries[1], scored.people["bob"], scored.people["chidi"]
    Nomination.objects.filter(pk=entry.nomination_id).update(**change)
    assert entry not in access.entries_for_judge(bob, stage)
    assert entry not in access.entries_for_chair(chidi, stage)
    assert entry not in access.entries_for_chair(scored.people["root"], stage)
    assert all(row.entry != entry for row in ranking.stage_results(stage, chidi).rows)
    client.force_login(bob)
    assert client.get(reverse("judging:score", args=[stage.pk, entry.pk])).status_code == 404
    assert entry.reference not in client.get(reverse("judging:queue", args=[stage.pk])).content.decode()
    client.force_login(chidi)
    page = client.get(reverse("judging:ranking", args=[stage.pk])).content.decode()
    assert "Withdrawn or excluded since brought in" in page and escape(reason[1:]) in page
    assert reasons(stage, chidi) == {entry.reference: reason}
    export = client.get(reverse("judging:export", args=[stage.pk, "ranking", "csv"])).content.decode()
    assert entry.reference not in export
    assert Scorecard.objects.filter(entry=entry).count() == 2  # kept, not counted


def test_a_nomination_waiting_for_consent_comes_back_once_the_nominee_agrees(scored):
    stage, entry = scored.stage, scored.entries[1]
    Nomination.objects.filter(pk=entry.nomination_id).update(consent_status="pending")
    assert entry not in judgeable(stage.entries.all())
    nominations.consent_respond(nomination=entry.nomination, agree=True, remove_data=False, now=timezone.now())
    assert entry in judgeable(stage.entries.all())
    assert entry in access.entries_for_judge(scored.people["bob"], stage)


def test_a_nomination_merged_into_a_dossier_is_judged_once_as_the_dossier(scored):
    stage, first, second = scored.stage, scored.entries[1], scored.entries[2]
    dossier = nominations.dossier_merge(nominations=[first.nomination, second.nomination])
    # Until the dossier is brought in, each nomination keeps its own entry.
    assert {first, second} <= set(judgeable(stage.entries.all()))
    stage_sync_entries(stage=stage)
    together = Entry.objects.get(stage=stage, dossier=dossier)
    assert set(judgeable(stage.entries.all())) == {scored.entries[0], together}
    assert reasons(stage, scored.people["chidi"]) == {
        first.reference: "merged into a dossier judged as one entry",
        second.reference: "merged into a dossier judged as one entry",
    }
    # Splitting the dossier again: the dossier's entry is kept (it holds scores one day), empty.
    nominations.dossier_split(nomination=first.nomination)
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    assert together not in judgeable(stage.entries.all())
    assert {first, second} <= set(judgeable(stage.entries.all()))
    assert (
        reasons(stage, scored.people["chidi"])[together.reference] == "no nomination in the dossier can be judged now"
    )


def test_a_withdrawn_nomination_in_a_dossier_is_not_shown_nor_told_the_outcome(
    scored, django_capture_on_commit_callbacks
):
    from django.core import mail

    from judging.presentation import statements_for_judge

    stage, chidi, now = scored.stage, scored.people["chidi"], timezone.now()
    extra = NominationFactory(award=stage.award, status="submitted", nominator_email="second@example.org")
    dossier = nominations.dossier_merge(nominations=[scored.entries[1].nomination, extra])
    stage_sync_entries(stage=stage)
    together = Entry.objects.get(stage=stage, dossier=dossier)
    assert len(statements_for_judge(together, stage)) == 2
    nominations.nomination_withdraw(nomination=extra, now=now)
    assert len(statements_for_judge(together, stage)) == 1
    decisions.decisions_record(stage=stage, entries=[together], outcome="winner", reason="", by=chidi, now=now)
    decisions.decisions_apply(stage=stage, entries=[together], by=chidi, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.outcome_emails_queue(stage=stage, outcome="winner", entries=stage.entries.all(), by=chidi, now=now)
    assert [m.to for m in mail.outbox] == [[scored.entries[1].nomination.nominator_email]]


def test_a_pack_holding_a_dossier_is_checked_against_its_members_now(
    client, scored, django_capture_on_commit_callbacks
):
    """Built with two nominations in one dossier entry: when one member declines and asks for their
    details to be removed, or the chair is found conflicted with a member, the pack is no longer
    handed out (the entry itself is still judged). The changed pack is withdrawn; built again, it
    holds the stage as it is now."""
    from judging.models import Conflict
    from results.shortlist import pack_build

    stage, chidi, root, now = scored.stage, scored.people["chidi"], scored.people["root"], timezone.now()
    extra = NominationFactory(
        award=stage.award, status="submitted", nominator_email="second@example.org", nominee_name="Rosalind Franklin"
    )
    dossier = nominations.dossier_merge(nominations=[scored.entries[1].nomination, extra])
    stage_sync_entries(stage=stage)
    pack = ShortlistPack.objects.create(stage=stage, requested_by=root)
    pack_build(pack.pk)
    pack.refresh_from_db()
    assert extra.pk in pack.nomination_ids and Entry.objects.get(stage=stage, dossier=dossier).pk in pack.entry_ids
    download = reverse("judging:shortlist_download", args=[stage.pk, pack.pk])
    page = reverse("judging:shortlist", args=[stage.pk, pack.pk])
    client.force_login(chidi)
    assert client.get(download).status_code == 200

    # A conflict with one member: not this chair's to read (the office's still).
    conflict = Conflict.objects.create(judge=chidi, nomination=extra, status=Conflict.Status.CONFIRMED)
    assert client.get(download).status_code == 404
    conflict.delete()
    assert client.get(download).status_code == 200

    # The member declines and asks to be removed: the dossier entry is still judged, but the pack
    # holds their name and answers, so it is withdrawn for everyone.
    Nomination.objects.filter(pk=extra.pk).update(consent_status="pending")
    nominations.consent_respond(nomination=Nomination.objects.get(pk=extra.pk), agree=False, remove_data=True, now=now)
    assert client.get(download).status_code == 404
    shown = client.get(page).content.decode()
    assert "Withdrawn" in shown and "Build it again" in shown
    pack.refresh_from_db()
    assert pack.status == ShortlistPack.Status.WITHDRAWN
    client.force_login(root)
    assert client.get(download).status_code == 404

    again = ShortlistPack.objects.create(stage=stage, requested_by=root)
    pack_build(again.pk)
    again.refresh_from_db()
    assert again.status == ShortlistPack.Status.DONE and extra.pk not in again.nomination_ids
    assert client.get(reverse("judging:shortlist_download", args=[stage.pk, again.pk])).status_code == 200


def test_a_pack_is_checked_against_whoever_downloads_it(client, scored):
    from judging.models import Conflict
    from results.shortlist import pack_build

    stage, chidi, root = scored.stage, scored.people["chidi"], scored.people["root"]
    pack = ShortlistPack.objects.create(stage=stage, requested_by=root)
    pack_build(pack.pk)
    pack.refresh_from_db()
    assert sorted(pack.entry_ids) == sorted(e.pk for e in scored.entries)
    download = reverse("judging:shortlist_download", args=[stage.pk, pack.pk])
    client.force_login(chidi)
    assert client.get(download).status_code == 200
    # The chair is found to be conflicted with one entry the office's pack shows: it is not theirs to read.
    Conflict.objects.create(judge=chidi, nomination=scored.entries[2].nomination)
    assert client.get(download).status_code == 404
    assert client.get(reverse("judging:shortlist", args=[stage.pk, pack.pk])).status_code == 404
    # An entry withdrawn since: the pack shows what is no longer judged, so it goes to nobody.
    Conflict.objects.filter(judge=chidi).delete()
    Nomination.objects.filter(pk=scored.entries[0].nomination_id).update(status="withdrawn")
    assert client.get(download).status_code == 404
    client.force_login(root)
    assert client.get(download).status_code == 404


def test_a_blind_stage_is_blind_for_its_chair_until_the_office_unblinds_it(client, scored):
    stage, chidi, root, now = scored.stage, scored.people["chidi"], scored.people["root"], timezone.now()
    stage.blind = True
    stage.save()
    office_pack = ShortlistPack.objects.create(stage=stage, requested_by=root, blind=False)
    from results.shortlist import pack_build

    pack_build(office_pack.pk)
    client.force_login(chidi)
    for url in (
        reverse("judging:ranking", args=[stage.pk]),
        reverse("judging:explain", args=[stage.pk, scored.entries[1].pk]),
        reverse("judging:outcomes", args=[stage.pk]),
        reverse("judging:assignments", args=[stage.pk]),
        reverse("judging:export", args=[stage.pk, "ranking", "csv"]),
        reverse("judging:export", args=[stage.pk, "scores", "csv"]),
    ):
        content = client.get(url).content.decode("utf-8-sig")
        assert "Alan Turing" not in content and "Ada Byron" not in content, url
    assert "[the nominee&#x27;s name]" in client.get(reverse("judging:outcomes", args=[stage.pk])).content.decode()
    assert client.get(reverse("judging:shortlist_download", args=[stage.pk, office_pack.pk])).status_code == 404
    # The chair's own pack is blind whatever they ask.
    response = client.post(reverse("judging:shortlist_request", args=[stage.pk]), {"blind": ""})
    assert ShortlistPack.objects.latest("pk").blind is True and response.status_code == 302
    # Unblinding waits for every decision, then is recorded.
    with pytest.raises(stages.StageRefused):
        stages.stage_unblind(stage=stage, by=root, now=now)
    visible = list(access.entries_for_chair(chidi, stage))
    decisions.decisions_record(stage=stage, entries=visible, outcome="shortlisted", reason="", by=chidi, now=now)
    decisions.decisions_apply(stage=stage, entries=visible, by=chidi, now=now)
    stages.stage_unblind(stage=stage, by=root, now=now)
    assert "Alan Turing" in client.get(reverse("judging:ranking", args=[stage.pk])).content.decode()
    assert client.get(reverse("judging:shortlist_download", args=[stage.pk, office_pack.pk])).status_code == 200
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(summary__contains="unblinded for its chairs", actor_id=root.pk).exists()


def test_an_entry_brought_in_after_unblinding_stays_blind_until_it_too_is_decided(client, scored):
    """Unblinding is not a moment that lasts: a nomination brought in afterwards is not named to
    the chair while undecided; the entries already decided stay named."""
    from tests.factories import NominationFactory

    stage, chidi, root, now = scored.stage, scored.people["chidi"], scored.people["root"], timezone.now()
    stage.blind = True
    stage.save()
    visible = list(access.entries_for_chair(chidi, stage))
    decisions.decisions_record(stage=stage, entries=visible, outcome="shortlisted", reason="", by=chidi, now=now)
    decisions.decisions_apply(stage=stage, entries=visible, by=chidi, now=now)
    stages.stage_unblind(stage=stage, by=root, now=now)
    client.force_login(chidi)
    ranking = reverse("judging:ranking", args=[stage.pk])
    assert "Alan Turing" in client.get(ranking).content.decode()

    NominationFactory(award=stage.award, status="submitted", nominee_name="Rosalind Franklin")
    assert stage_sync_entries(stage=stage) == 1
    late = Entry.objects.get(stage=stage, nomination__nominee_name="Rosalind Franklin")
    assert not access.sees_identities(chidi, stage) and not access.sees_identity(chidi, stage, late)
    assert access.blindness(chidi, stage) == frozenset({late.pk})
    for url in (
        ranking,
        reverse("judging:assignments", args=[stage.pk]),
        reverse("judging:export", args=[stage.pk, "ranking", "csv"]),
        reverse("judging:outcomes", args=[stage.pk]),
        reverse("judging:explain", args=[stage.pk, late.pk]),
    ):
        content = client.get(url).content.decode("utf-8-sig")
        assert "Rosalind Franklin" not in content, url
    assert "Alan Turing" in client.get(ranking).content.decode()  # decided: still named
    # A pack that names nominees is not the chair's while one of its entries is blind to them.
    from results.shortlist import pack_build

    named = ShortlistPack.objects.create(stage=stage, requested_by=root, blind=False)
    pack_build(named.pk)
    assert client.get(reverse("judging:shortlist_download", args=[stage.pk, named.pk])).status_code == 404

    decisions.decisions_record(stage=stage, entries=[late], outcome="not_progressed", reason="", by=chidi, now=now)
    decisions.decisions_apply(stage=stage, entries=[late], by=chidi, now=now)
    assert access.sees_identities(chidi, stage)
    assert "Rosalind Franklin" in client.get(ranking).content.decode()


def test_the_admin_says_how_many_entries_came_in_in_words(rf, panel):
    from django.contrib import admin
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    from judging.admin import StageAdmin
    from tests.factories import NominationFactory

    NominationFactory(award=panel.stage.award, status="submitted")
    request = rf.post("/admin/")
    request.user, request.session = panel.people["root"], {}
    request._messages = FallbackStorage(request)
    StageAdmin(Stage, admin.site).bring_in_entries(request, Stage.objects.filter(pk=panel.stage.pk))
    assert [str(m) for m in get_messages(request)] == [f"{panel.stage}: 1 entry added."]
