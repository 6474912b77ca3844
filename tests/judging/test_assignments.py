"""Judging set-up: entries into a stage, suggested conflicts, assignments that respect conflicts."""

import pytest
from django.core.exceptions import ValidationError

from judging import assignments, conflicts, entries
from judging.models import Assignment, Conflict, Entry, JudgeGroup, PanelMember, Stage
from nominations.domain import dossier_merge
from tests.factories import AwardFactory, NominationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def award():
    return AwardFactory(title="Kindness Award")


def eligible(award, **fields):
    defaults = {"status": "submitted", "consent_status": "confirmed"}
    return NominationFactory(award=award, **(defaults | fields))


def test_entries_come_in_once_each_with_a_dossier_as_one(award):
    a, b, c = eligible(award), eligible(award), eligible(award)
    eligible(award, consent_status="declined")
    eligible(award, status="withdrawn")
    dossier = dossier_merge(nominations=[b, c])
    stage = Stage.objects.create(award=award, name="Shortlisting")

    assert entries.stage_sync_entries(stage=stage) == 2
    assert entries.stage_sync_entries(stage=stage) == 0
    assert {(e.nomination_id, e.dossier_id) for e in Entry.objects.all()} == {(a.pk, None), (None, dossier.pk)}
    assert sorted(e.reference for e in Entry.objects.all()) == sorted([a.reference, f"KIN-D{dossier.pk:03d}"])


def test_a_promoted_stage_takes_no_entries_directly(award):
    stage = Stage.objects.create(award=award, name="Final", entries_from=Stage.EntriesFrom.PROMOTED)
    with pytest.raises(ValueError, match="promoted from the previous stage"):
        entries.stage_sync_entries(stage=stage)


def test_conflicts_are_suggested_for_people_and_organisations_not_shared_domains(award):
    judge = UserFactory(username="sam", email="sam@northfield.example")
    stage = Stage.objects.create(award=award, name="Shortlisting")
    member = PanelMember.objects.create(stage=stage, user=judge, organisation="Northfield NHS Foundation Trust")
    is_nominee = eligible(award, nominee_email="SAM@northfield.example")
    nominated = eligible(award, nominator_email="sam@northfield.example")
    same_org = eligible(award, nominee_organisation="The Northfield Trust", nominee_email="x@elsewhere.example")
    same_domain = eligible(award, nominee_organisation="Southfield", nominee_email="y@northfield.example")
    eligible(award, nominee_organisation="Southfield", nominee_email="z@elsewhere.example")

    found = {
        s.nomination_id: s.because
        for s in conflicts.suggested_conflicts(member=member, nominations=award.nominations.all())
    }

    assert found == {
        is_nominee.pk: "you are the nominee",
        nominated.pk: "you nominated them",
        same_org.pk: "you work at the nominee's organisation",
        same_domain.pk: "your email domain is the nominee's",
    }


def test_a_shared_email_domain_is_no_conflict(award):
    judge = UserFactory(username="kim", email="kim@nhs.net")
    member = PanelMember.objects.create(stage=Stage.objects.create(award=award, name="S"), user=judge)
    eligible(award, nominee_email="someone@nhs.net", nominee_organisation="Elsewhere")
    assert conflicts.suggested_conflicts(member=member, nominations=award.nominations.all()) == []


def test_assignment_never_gives_a_judge_an_entry_they_are_conflicted_with(award):
    nominations = [eligible(award) for _ in range(6)]
    dossier = dossier_merge(nominations=nominations[4:])
    stage = Stage.objects.create(award=award, name="Shortlisting", assigning="balanced", judges_per_entry=2)
    group = JudgeGroup.objects.create(stage=stage, name="Patient leaders", share="0.2")
    judges = [UserFactory(username=f"judge{n}") for n in range(4)]
    for n, judge in enumerate(judges):
        PanelMember.objects.create(stage=stage, user=judge, group=group if n == 0 else None)
    PanelMember.objects.create(stage=stage, user=UserFactory(username="chair"), role="chair")
    Conflict.objects.create(judge=judges[1], nomination=nominations[0])
    Conflict.objects.create(judge=judges[2], nomination=nominations[5])  # conflicted with the whole dossier
    Conflict.objects.create(judge=judges[3], nomination=nominations[1], status="rejected")
    entries.stage_sync_entries(stage=stage)
    dossier_entry = Entry.objects.get(dossier=dossier)
    # Confirmed conflicts only, directly or through any nomination of a dossier.
    assert conflicts.conflict_pairs(stage) == {
        (judges[1].pk, Entry.objects.get(nomination=nominations[0]).pk),
        (judges[2].pk, dossier_entry.pk),
    }

    split = assignments.stage_assign(stage=stage)

    assert split.shortfall == {}
    pairs = set(Assignment.objects.values_list("judge__username", "entry__nomination_id"))
    assert ("judge1", nominations[0].pk) not in pairs
    assert not Assignment.objects.filter(entry=dossier_entry, judge=judges[2]).exists()
    assert not Assignment.objects.filter(judge__username="chair").exists()
    assert Assignment.objects.count() == 5 * 2


def test_everyone_scores_everything_except_their_conflicts(award):
    nominations = [eligible(award) for _ in range(3)]
    stage = Stage.objects.create(award=award, name="Final")
    judges = [UserFactory(username=f"judge{n}") for n in range(3)]
    for judge in judges:
        PanelMember.objects.create(stage=stage, user=judge)
    Conflict.objects.create(judge=judges[0], nomination=nominations[0])
    entries.stage_sync_entries(stage=stage)
    assignments.stage_assign(stage=stage)
    assert Assignment.objects.count() == 3 * 3 - 1


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"mode": "voting"}, "voting", "Choose how judges vote."),
        ({"mode": "voting", "voting": "approval"}, "approvals_allowed", "Say how many entries each judge may approve."),
        ({"voting": "ranked"}, "voting", "Only voting stages have a voting method."),
    ],
)
def test_a_stage_refuses_settings_that_do_not_fit(award, fields, field, message):
    with pytest.raises(ValidationError) as excinfo:
        Stage(award=award, name="S", **fields).full_clean()
    assert excinfo.value.message_dict[field] == [message]


def test_a_group_share_is_between_0_and_1(award):
    stage = Stage.objects.create(award=award, name="S")
    with pytest.raises(ValidationError) as excinfo:
        JudgeGroup(stage=stage, name="Patient leaders", share="1.5").full_clean()
    assert excinfo.value.message_dict["share"] == ["A share is between 0 and 1 (0.2 is 20% of the marks)."]


def test_the_office_brings_in_entries_and_assigns_from_the_stage_list(admin_client, award):
    from django.urls import reverse

    eligible(award)
    stage = Stage.objects.create(award=award, name="Shortlisting")
    PanelMember.objects.create(stage=stage, user=UserFactory(username="judge0"))
    url = reverse("admin:judging_stage_changelist")
    admin_client.post(url, {"action": "bring_in_entries", "_selected_action": [stage.pk]})
    response = admin_client.post(url, {"action": "assign_judges", "_selected_action": [stage.pk]}, follow=True)
    assert "every entry has its judges" in response.content.decode()
    assert Assignment.objects.count() == 1
