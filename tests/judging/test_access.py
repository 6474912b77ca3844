"""Judges see only their assigned, unconflicted entries; chairs their panels; nobody else anything."""

import pytest
from django.contrib.auth.models import AnonymousUser

from judging import access, conflicts
from judging.models import Assignment, Conflict, ConflictDeclaration, Entry, PanelMember, Stage
from nominations.domain import dossier_merge
from tests.factories import AwardFactory, NominationFactory, UserFactory, declare_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """alice and bob judge the shortlist; charlie judges another award; chidi chairs; admin sees all."""
    award = AwardFactory()
    stage = Stage.objects.create(award=award, name="Shortlisting")
    other_stage = Stage.objects.create(award=AwardFactory(), name="Shortlisting")
    nominations = [NominationFactory(award=award, status="submitted") for _ in range(4)]
    dossier = dossier_merge(nominations=nominations[2:])
    entries = {
        "first": Entry.objects.create(stage=stage, nomination=nominations[0]),
        "second": Entry.objects.create(stage=stage, nomination=nominations[1]),
        "dossier": Entry.objects.create(stage=stage, dossier=dossier),
    }
    people = {name: UserFactory(username=name) for name in ("alice", "bob", "charlie", "chidi")}
    people["admin"] = UserFactory(username="admin", is_superuser=True, is_staff=True)
    for name in ("alice", "bob"):
        PanelMember.objects.create(stage=stage, user=people[name])
    PanelMember.objects.create(stage=other_stage, user=people["charlie"])
    PanelMember.objects.create(stage=stage, user=people["chidi"], role="chair")
    for entry in entries.values():
        for name in ("alice", "bob"):
            Assignment.objects.create(entry=entry, judge=people[name])
    Entry.objects.create(stage=other_stage, nomination=NominationFactory(status="submitted"))
    for name in ("alice", "bob"):
        declare_all(stage, people[name])
    # alice declared a conflict with the first entry, and with one nomination of the dossier.
    Conflict.objects.create(judge=people["alice"], nomination=nominations[0])
    Conflict.objects.create(judge=people["alice"], nomination=nominations[3])
    # bob's suggested conflict was rejected: it hides nothing.
    Conflict.objects.create(judge=people["bob"], nomination=nominations[1], status="rejected")
    return stage, entries, people


def names(entries, queryset):
    found = set(queryset)
    return sorted(name for name, entry in entries.items() if entry in found)


def test_a_judge_never_sees_an_entry_they_are_conflicted_with(world):
    stage, entries, people = world
    assert names(entries, access.entries_for_judge(people["alice"], stage)) == ["second"]
    assert names(entries, access.entries_for_judge(people["bob"], stage)) == ["dossier", "first", "second"]


def test_a_judge_sees_only_assigned_entries(world):
    stage, entries, people = world
    Assignment.objects.filter(judge=people["bob"], entry=entries["first"]).delete()
    assert names(entries, access.entries_for_judge(people["bob"], stage)) == ["dossier", "second"]


def test_judges_of_another_panel_anonymous_and_chairs_as_judges_see_nothing(world):
    stage, entries, people = world
    assert list(access.entries_for_judge(people["charlie"], stage)) == []
    assert list(access.entries_for_judge(AnonymousUser(), stage)) == []
    assert list(access.entries_for_judge(people["chidi"], stage)) == []
    assert list(access.stages_for(AnonymousUser())) == []
    assert stage not in access.stages_for(people["charlie"])


def test_the_chair_sees_their_panels_stage_and_the_admin_everything(world):
    stage, entries, people = world
    assert names(entries, access.entries_for_chair(people["chidi"], stage)) == ["dossier", "first", "second"]
    assert list(access.entries_for_chair(people["alice"], stage)) == []
    assert names(entries, access.entries_for_chair(people["admin"], stage)) == ["dossier", "first", "second"]
    assert list(access.chaired_stages(people["chidi"])) == [stage]
    assert set(access.stages_for(people["admin"])) == set(Stage.objects.all())


def test_a_conflicted_chair_does_not_see_that_entry(world):
    stage, entries, people = world
    Conflict.objects.create(judge=people["chidi"], nomination=entries["second"].nomination)
    assert names(entries, access.entries_for_chair(people["chidi"], stage)) == ["dossier", "first"]


def test_a_judge_sees_no_entry_before_declaring_conflicts(world):
    stage, entries, people = world
    ConflictDeclaration.objects.filter(judge=people["bob"]).delete()
    assert list(access.entries_for_judge(people["bob"], stage)) == []
    assert not conflicts.has_declared_any(people["bob"], stage)
