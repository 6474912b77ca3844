"""judging.conflicts: one definition of "conflicted" in three forms that agree, declarations per
nomination, and conflicts that only the office takes back."""

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from judging import access, conflicts
from judging.entries import judgeable
from judging.models import Assignment, Conflict, ConflictDeclaration, Entry, PanelMember, Stage
from nominations.models import Dossier
from tests.factories import AwardFactory, NominationFactory, UserFactory, declare_all

pytestmark = pytest.mark.django_db

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

worlds = st.fixed_dictionaries(
    {
        # which dossier (0 for none) each of six nominations is in
        "dossiers": st.lists(st.integers(0, 2), min_size=6, max_size=6),
        # which nominations have their own entry, and which dossiers have one
        "own_entries": st.sets(st.integers(0, 5)),
        "dossier_entries": st.sets(st.integers(1, 2)),
        # (person, nomination, status) of recorded conflicts
        "conflicts": st.lists(
            st.tuples(st.integers(0, 2), st.integers(0, 5), st.sampled_from(["confirmed", "rejected", "suggested"])),
            max_size=8,
        ),
        # (person, nomination) declarations in the stage
        "declared": st.sets(st.tuples(st.integers(0, 2), st.integers(0, 5))),
        "statuses": st.lists(st.sampled_from(["submitted", "submitted", "withdrawn"]), min_size=6, max_size=6),
    }
)


def build(world):
    award = AwardFactory()
    stage = Stage.objects.create(award=award, name="S")
    people = [UserFactory() for _ in range(3)]
    for person in people:
        PanelMember.objects.create(stage=stage, user=person)
    dossiers = {d: Dossier.objects.create(award=award, title=f"D{d}") for d in (1, 2)}
    nominations = [
        NominationFactory(award=award, status=status, dossier=dossiers.get(d))
        for d, status in zip(world["dossiers"], world["statuses"], strict=True)
    ]
    for i in sorted(world["own_entries"]):
        Entry.objects.create(stage=stage, nomination=nominations[i])
    for d in sorted(world["dossier_entries"]):
        Entry.objects.create(stage=stage, dossier=dossiers[d])
    seen = set()
    for person, i, status in world["conflicts"]:
        if (person, i) not in seen:
            seen.add((person, i))
            Conflict.objects.create(judge=people[person], nomination=nominations[i], status=status)
    for person, i in sorted(world["declared"]):
        ConflictDeclaration.objects.create(
            stage=stage, judge=people[person], nomination=nominations[i], declared_at=timezone.now()
        )
    return stage, people, nominations


@SETTINGS
@given(world=worlds)
def test_the_filter_the_pairs_and_the_check_agree_with_the_rule(db, world):
    with transaction.atomic():
        stage, people, nominations = build(world)
        pairs = conflicts.conflict_pairs(stage)
        for person in people:
            by_filter = set(stage.entries.filter(conflicts.conflicted_q(person)).values_list("pk", flat=True))
            for entry in stage.entries.all():
                # The rule, as DESIGN.md states it: a confirmed conflict with any nomination of the nominee.
                touched = {entry.nomination_id} if entry.nomination_id else set()
                dossier = entry.dossier_id or (entry.nomination.dossier_id if entry.nomination_id else None)
                if dossier:
                    touched |= {n.pk for n in nominations if n.dossier_id == dossier}
                expected = Conflict.objects.filter(judge=person, nomination_id__in=touched, status="confirmed").exists()
                assert (entry.pk in by_filter) == expected
                assert ((person.pk, entry.pk) in pairs) == expected
                assert conflicts.is_conflicted(person, entry) == expected
        transaction.set_rollback(True)


@SETTINGS
@given(world=worlds)
def test_declarations_cover_an_entry_only_when_they_cover_every_nomination_it_shows(db, world):
    with transaction.atomic():
        stage, people, nominations = build(world)
        for entry in stage.entries.all():
            for person in people:
                Assignment.objects.get_or_create(entry=entry, judge=person)
        awaiting = conflicts.awaiting_declaration(stage)
        for person in people:
            covered = set(stage.entries.filter(conflicts.declared_q(person)).values_list("pk", flat=True))
            for entry in stage.entries.all():
                shown = (
                    [entry.nomination]
                    if entry.nomination_id
                    else [n for n in nominations if n.dossier_id == entry.dossier_id and n.status == "submitted"]
                )
                declared = set(
                    ConflictDeclaration.objects.filter(stage=stage, judge=person).values_list(
                        "nomination_id", flat=True
                    )
                )
                expected = all(n.pk in declared for n in shown)
                assert (entry.pk in covered) == expected, (entry, person)
                if entry in judgeable(stage.entries.all()):
                    assert ((person.pk, entry.pk) in awaiting) == (not expected)
        transaction.set_rollback(True)


@pytest.fixture
def stage_with_a_judge():
    award = AwardFactory()
    stage = Stage.objects.create(award=award, name="Shortlisting")
    judge = UserFactory(username="jo", email="jo@northfield.example")
    seat = PanelMember.objects.create(stage=stage, user=judge, organisation="Northfield Trust")
    colleague = NominationFactory(
        award=award, status="submitted", nominee_name="Grace", nominee_organisation="Northfield Trust"
    )
    stranger = NominationFactory(award=award, status="submitted", nominee_name="Alan", nominee_organisation="Southbay")
    for nomination in (colleague, stranger):
        Entry.objects.create(stage=stage, nomination=nomination)
    return stage, seat, colleague, stranger


def test_a_rejected_suggestion_needs_its_reason_even_past_the_form(stage_with_a_judge):
    stage, seat, colleague, stranger = stage_with_a_judge
    rows = conflicts.declaration_rows(stage=stage, member=seat)
    with pytest.raises(conflicts.ConflictRefused):
        conflicts.conflict_declare(stage=stage, judge=seat.user, decisions={}, rows=rows, now=timezone.now())
    assert not ConflictDeclaration.objects.exists() and not Conflict.objects.exists()


def test_declaring_again_never_takes_a_confirmed_conflict_back(stage_with_a_judge):
    stage, seat, colleague, stranger = stage_with_a_judge
    judge, now = seat.user, timezone.now()
    rows = conflicts.declaration_rows(stage=stage, member=seat)
    answers = {f"n-{colleague.pk}": (True, "My manager"), f"n-{stranger.pk}": (False, "")}
    conflicts.conflict_declare(stage=stage, judge=judge, decisions=answers, rows=rows, now=now)
    # The same rows posted again, now saying "no conflict" everywhere: nothing changes.
    conflicts.conflict_declare(
        stage=stage, judge=judge, decisions={key: (False, "Changed my mind") for key in answers}, rows=rows, now=now
    )
    assert Conflict.objects.get(nomination=colleague).status == "confirmed"
    assert conflicts.declaration_rows(stage=stage, member=seat) == []


def test_blind_rows_keep_their_keys_when_another_organisation_arrives(stage_with_a_judge):
    stage, seat, colleague, stranger = stage_with_a_judge
    stage.blind = True
    stage.save()
    before = {row.label: row.key for row in conflicts.declaration_rows(stage=stage, member=seat)}
    Entry.objects.create(
        stage=stage,
        nomination=NominationFactory(award=stage.award, status="submitted", nominee_organisation="Aardvark Health"),
    )
    after = {row.label: row.key for row in conflicts.declaration_rows(stage=stage, member=seat)}
    assert {label: after[label] for label in before} == before and "Aardvark Health" in after


def test_an_entry_that_arrives_later_is_declared_for_before_it_is_shown(stage_with_a_judge):
    stage, seat, colleague, stranger = stage_with_a_judge
    judge = seat.user
    for entry in stage.entries.all():
        Assignment.objects.create(entry=entry, judge=judge)
    declare_all(stage, judge)
    Conflict.objects.filter(judge=judge).delete()
    late = Entry.objects.create(
        stage=stage,
        nomination=NominationFactory(award=stage.award, status="submitted", nominee_organisation="Northfield Trust"),
    )
    Assignment.objects.create(entry=late, judge=judge)
    assert late not in access.entries_for_judge(judge, stage)
    assert conflicts.awaiting_declaration(stage) == {(judge.pk, late.pk)}
    rows = conflicts.declaration_rows(stage=stage, member=seat)
    assert [row.nomination_ids for row in rows] == [(late.nomination_id,)]
    assert rows[0].because == "you work at the nominee's organisation"
    conflicts.conflict_declare(
        stage=stage, judge=judge, decisions={rows[0].key: (False, "Other site")}, rows=rows, now=timezone.now()
    )
    assert late in access.entries_for_judge(judge, stage)


def test_only_the_office_removes_a_conflict_with_a_reason_and_it_is_audited(stage_with_a_judge):
    stage, seat, colleague, stranger = stage_with_a_judge
    office = UserFactory(username="office", is_superuser=True)
    conflict = conflicts.conflict_record(
        judge=seat.user, nomination=colleague, reason="Line manager", by=office, now=timezone.now()
    )
    assert conflict.status == "confirmed" and conflict.source == "admin"
    with pytest.raises(conflicts.ConflictRefused):
        conflicts.conflict_remove(conflict=conflict, reason="  ", by=office, now=timezone.now())
    conflicts.conflict_remove(conflict=conflict, reason="Wrong judge", by=office, now=timezone.now())
    conflict.refresh_from_db()
    assert conflict.status == "rejected" and conflict.reason == "Wrong judge"
    with pytest.raises(conflicts.ConflictRefused):
        conflicts.conflict_remove(conflict=conflict, reason="Again", by=office, now=timezone.now())
    events = AuditEvent.objects.filter(action="conflict").order_by("pk")
    assert [e.actor_id for e in events] == [office.pk, office.pk]
    assert events.last().data["previous_reason"] == "Line manager"


def test_a_judge_adds_a_conflict_from_an_entry_and_it_leaves_their_queue(client, stage_with_a_judge):
    from django.urls import reverse

    stage, seat, colleague, stranger = stage_with_a_judge
    judge = seat.user
    entry = Entry.objects.get(nomination=stranger)
    Assignment.objects.create(entry=entry, judge=judge)
    declare_all(stage, judge)
    client.force_login(judge)
    url = reverse("judging:conflict", args=[stage.pk, entry.pk])
    refused = client.post(url, {"reason": ""})
    assert "Say what your conflict of interest is" in refused.content.decode()
    assert client.post(url, {"reason": "My neighbour"}).status_code == 302
    assert Conflict.objects.get(judge=judge, nomination=stranger).source == "judge"
    assert entry not in access.entries_for_judge(judge, stage)
    assert client.get(url).status_code == 404
