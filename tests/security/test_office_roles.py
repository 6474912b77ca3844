"""Office roles below superuser: a programme manager does everything for their programmes, an
office viewer reads them, and neither sees another programme at all."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awards import access, office
from awards.models import OfficeRole, Programme, Status
from judging.models import Stage
from nominations.models import Nomination
from plaudit.roles import MANAGERS, VIEWERS
from tests.factories import AwardFactory, NominationFactory, ProgrammeFactory, UserFactory, kindness_award

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_programmes():
    """Ours (with an award, a stage and a nomination) and theirs (the same)."""
    made = {}
    for name in ("ours", "theirs"):
        award = kindness_award(slug=f"{name}-awards", name=f"{name.title()} Awards")
        Stage.objects.create(award=award, name="Shortlisting")
        made[name] = NominationFactory(award=award, reference=f"{name.upper()}-0001", status="submitted")
    return made


def person(role, programme):
    user = UserFactory()
    office.role_grant(programme, user, role)
    return user


def test_a_role_makes_staff_and_joins_the_group_and_removing_it_leaves(two_programmes):
    ours = two_programmes["ours"].award.programme
    user = UserFactory()

    office.role_grant(ours, user, OfficeRole.Role.MANAGER)
    user.refresh_from_db()
    assert user.is_staff and set(user.groups.values_list("name", flat=True)) == {MANAGERS}
    assert user.has_perm("awards.change_award") and user.has_perm("nominations.view_nomination")
    assert not user.has_perm("auth.view_user") and not user.has_perm("audit.view_auditevent")

    office.role_grant(ours, user, OfficeRole.Role.VIEWER)  # the same programme: replaced, not added
    user = type(user).objects.get(pk=user.pk)
    assert set(user.groups.values_list("name", flat=True)) == {VIEWERS}
    assert user.has_perm("awards.view_award") and not user.has_perm("awards.change_award")

    office.role_remove(ours, user)
    assert not type(user).objects.get(pk=user.pk).groups.exists()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(roles=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.sampled_from(["manager", "viewer", None]))))
def test_who_is_the_office_of_what_follows_the_roles_exactly(roles):
    """Any sequence of roles given and taken over three people and three programmes: after each,
    each person reads exactly the programmes they hold a role in, changes exactly those they manage."""
    programmes = [ProgrammeFactory() for _ in range(3)]
    people = [UserFactory() for _ in range(3)]
    model: dict[tuple[int, int], str] = {}
    for who, which, role in roles:
        if role is None:
            office.role_remove(programmes[which], people[who])
            model.pop((who, which), None)
        else:
            office.role_grant(programmes[which], people[who], role)
            model[who, which] = role
        for p, user in enumerate(people):
            user = type(user).objects.get(pk=user.pk)
            reads = {programmes[i].pk for (w, i), r in model.items() if w == p}
            manages = {programmes[i].pk for (w, i), r in model.items() if w == p and r == "manager"}
            assert set(access.office_programmes(user).values_list("pk", flat=True)) == reads
            assert set(access.managed_programmes(user).values_list("pk", flat=True)) == manages
            for programme in programmes:
                assert access.is_office_for(user, programme) == (programme.pk in reads)
                assert access.manages(user, programme) == (programme.pk in manages)


def test_a_manager_works_on_their_programme_and_never_sees_another(client, two_programmes):
    ours, theirs = two_programmes["ours"], two_programmes["theirs"]
    client.force_login(person("manager", ours.award.programme))

    programmes = client.get(reverse("admin:awards_programme_changelist"))
    assert list(programmes.context["cl"].queryset) == [ours.award.programme]
    nominations = client.get(reverse("admin:nominations_nomination_changelist"))
    assert list(nominations.context["cl"].queryset) == [ours]
    assert client.get(reverse("admin:awards_award_change", args=[ours.award_id])).status_code == 200
    assert (
        client.get(reverse("admin:awards_award_change", args=[theirs.award_id])).status_code == 302
    )  # "does not exist"
    for name, args in [
        ("admin:awards_programme_publish", [theirs.award.programme_id]),
        ("admin:awards_programme_copy", [theirs.award.programme_id]),
        ("admin:awards_programme_export", [theirs.award.programme_id]),
        ("admin:nominations_nomination_ineligible", [theirs.pk]),
        ("admin:nominations_nomination_consent", [theirs.pk]),
        ("admin:awards_award_preview", [theirs.award_id]),
        ("admin:judging_stage_invite", [theirs.award.stages.get().pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    assert client.get(reverse("admin:awards_programme_publish", args=[ours.award.programme_id])).status_code == 200

    # The nominations export lists only their awards, and exports only theirs.
    choose = client.get(reverse("admin:nominations_nomination_export")).content.decode()
    assert "Ours Awards" in choose and "Theirs Awards" not in choose
    export = client.get(reverse("admin:nominations_nomination_export") + f"?award={theirs.award_id}").content.decode()
    assert "THEIRS-0001" not in export

    # The chair's pages of their stages, not of others'.
    assert client.get(reverse("judging:ranking", args=[ours.award.stages.get().pk])).status_code == 200
    assert client.get(reverse("judging:ranking", args=[theirs.award.stages.get().pk])).status_code == 404


def test_a_manager_marks_a_nomination_not_eligible_and_chooses_only_their_awards(client, two_programmes):
    ours, theirs = two_programmes["ours"], two_programmes["theirs"]
    client.force_login(person("manager", ours.award.programme))

    response = client.post(
        reverse("admin:nominations_nomination_ineligible", args=[ours.pk]), {"reason": "Not NHS staff"}
    )
    assert response.status_code == 302
    assert Nomination.objects.get(pk=ours.pk).status == "ineligible"

    form = client.get(reverse("admin:judging_stage_add")).context["adminform"].form
    assert list(form.fields["award"].queryset) == [ours.award]
    refused = client.post(reverse("admin:judging_stage_add"), {"award": theirs.award_id, "name": "Sneaky"})
    assert refused.status_code == 200 and not Stage.objects.filter(name="Sneaky").exists()


def test_an_office_viewer_reads_and_exports_and_changes_nothing(client, two_programmes):
    ours = two_programmes["ours"]
    programme = ours.award.programme
    client.force_login(person("viewer", programme))

    change = client.get(reverse("admin:awards_award_change", args=[ours.award_id]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    before = ours.award.title
    assert (
        client.post(reverse("admin:awards_award_change", args=[ours.award_id]), {"title": "Mine now"}).status_code
        == 403
    )
    assert type(ours.award).objects.get(pk=ours.award_id).title == before
    assert client.get(reverse("admin:awards_programme_export", args=[programme.pk])).status_code == 200
    export = client.get(reverse("admin:nominations_nomination_export") + f"?award={ours.award_id}&format=csv")
    assert "OURS-0001" in export.content.decode("utf-8-sig")
    for name, args in [
        ("admin:awards_programme_publish", [programme.pk]),
        ("admin:awards_programme_status", [programme.pk, "close"]),
        ("admin:nominations_nomination_ineligible", [ours.pk]),
    ]:
        assert client.post(reverse(name, args=args), {"reason": "x", "awards": [ours.award_id]}).status_code == 403, (
            name
        )
    assert client.get(reverse("admin:awards_programme_add")).status_code == 403
    assert Programme.objects.get(pk=programme.pk).status == Status.PUBLISHED
    assert Nomination.objects.get(pk=ours.pk).status == "submitted"

    # The chair's pages read, never change.
    stage = ours.award.stages.get()
    assert client.get(reverse("judging:ranking", args=[stage.pk])).status_code == 200
    assert client.post(reverse("judging:ranking", args=[stage.pk]), {"decide": "1"}).status_code == 404


def test_a_manager_who_creates_copies_or_imports_a_programme_manages_it_and_cannot_import_over_another(
    client, two_programmes
):
    ours, theirs = two_programmes["ours"], two_programmes["theirs"]
    manager = person("manager", ours.award.programme)
    client.force_login(manager)

    copied = client.post(
        reverse("admin:awards_programme_copy", args=[ours.award.programme_id]),
        {"slug": "ours-awards-next", "name": "Ours Next", "shift_years": "1"},
    )
    assert copied.status_code == 302
    assert access.manages(manager, Programme.objects.get(slug="ours-awards-next"))

    from awards import format

    text = format.export_text(theirs.award.programme).replace("Theirs Awards", "Taken over")
    upload = SimpleUploadedFile("theirs.yaml", text.encode(), content_type="application/yaml")
    refused = client.post(reverse("admin:awards_programme_import"), {"file": upload})
    assert "is a programme you do not manage" in refused.content.decode()
    assert Programme.objects.get(pk=theirs.award.programme_id).name == "Theirs Awards"

    fresh = text.replace("slug: theirs-awards", "slug: brand-new")
    upload = SimpleUploadedFile("new.yaml", fresh.encode(), content_type="application/yaml")
    assert client.post(reverse("admin:awards_programme_import"), {"file": upload}).status_code == 302
    assert access.manages(manager, Programme.objects.get(slug="brand-new"))


def test_only_superusers_give_office_roles(client, two_programmes):
    programme = two_programmes["ours"].award.programme
    manager = person("manager", programme)
    client.force_login(manager)

    page = client.get(reverse("admin:awards_programme_change", args=[programme.pk])).content.decode()
    assert "office_roles-TOTAL_FORMS" not in page

    root = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(root)
    page = client.get(reverse("admin:awards_programme_change", args=[programme.pk])).content.decode()
    assert "office_roles-TOTAL_FORMS" in page


def test_the_groups_exist_after_migrate_with_their_permissions():
    managers, viewers = Group.objects.get(name=MANAGERS), Group.objects.get(name=VIEWERS)
    assert managers.permissions.filter(codename="change_stage").exists()
    assert not viewers.permissions.exclude(codename__startswith="view_").exists()
    assert viewers.permissions.filter(codename="view_nomination").exists()
    assert not managers.permissions.filter(content_type__app_label__in=["auth", "audit", "axes"]).exists()


def test_a_draft_award_of_another_programme_is_not_offered_to_copy_or_publish(client, two_programmes):
    theirs = two_programmes["theirs"].award.programme
    AwardFactory(programme=theirs, status=Status.DRAFT)
    client.force_login(person("viewer", two_programmes["ours"].award.programme))

    assert client.get(reverse("admin:awards_programme_publish", args=[theirs.pk])).status_code == 404


def test_a_manager_answers_a_subject_access_request_for_their_programme_only(client, two_programmes):
    import json

    ours, theirs = two_programmes["ours"], two_programmes["theirs"]
    Nomination.objects.filter(pk__in=[ours.pk, theirs.pk]).update(nominator_email="pat@example.org")
    manager = person("manager", ours.award.programme)
    client.force_login(manager)
    url = reverse("admin:awards_programme_subject_access", args=[ours.award.programme_id])

    assert client.get(url).status_code == 200
    held = json.loads(client.post(url, {"email": "pat@example.org"}).content)

    assert [n["reference"] for n in held["nominations"]] == ["OURS-0001"]
    assert held["audit"] == [] and held["programmes"] == ["Ours Awards"]
    assert (
        client.post(
            reverse("admin:awards_programme_subject_access", args=[theirs.award.programme_id]),
            {"email": "pat@example.org"},
        ).status_code
        == 404
    )
    client.force_login(person("viewer", ours.award.programme))
    assert client.post(url, {"email": "pat@example.org"}).status_code == 403
