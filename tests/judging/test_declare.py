"""Judges declare conflicts before they see any entry; suggestions are confirmed or rejected with a reason."""

import pytest
from django.urls import reverse

from judging import access, conflicts
from judging.models import Assignment, Conflict, ConflictDeclaration, Entry, PanelMember, Stage
from tests.factories import AwardFactory, NominationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel():
    award = AwardFactory()
    stage = Stage.objects.create(award=award, name="Shortlisting")
    judge = UserFactory(username="jo", email="jo@northfield.example")
    seat = PanelMember.objects.create(stage=stage, user=judge, organisation="Northfield NHS Trust")
    colleague = NominationFactory(
        award=award, status="submitted", nominee_name="Grace Hopper", nominee_organisation="Northfield NHS Trust"
    )
    stranger = NominationFactory(
        award=award, status="submitted", nominee_name="Alan Turing", nominee_organisation="Southfield Trust"
    )
    for nomination in (colleague, stranger):
        entry = Entry.objects.create(stage=stage, nomination=nomination)
        Assignment.objects.create(entry=entry, judge=judge)
    return stage, seat, colleague, stranger


def url(stage):
    return reverse("judging:declare", args=[stage.pk])


def test_the_form_lists_nominees_with_the_suggestion_ticked(client, panel):
    stage, seat, colleague, stranger = panel
    client.force_login(seat.user)
    page = client.get(url(stage)).content.decode()
    assert "Grace Hopper, Northfield NHS Trust" in page
    assert "Plaudit suggests a conflict: you work at the nominee&#x27;s organisation." in page


def test_rejecting_a_suggestion_needs_a_reason(client, panel):
    stage, seat, colleague, stranger = panel
    client.force_login(seat.user)
    response = client.post(url(stage), {f"n-{colleague.pk}-conflict": "no", f"n-{stranger.pk}-conflict": "no"})
    assert "Say why you have no conflict with Grace Hopper, Northfield NHS Trust" in response.content.decode()
    assert not ConflictDeclaration.objects.exists()


def test_a_declaration_records_conflicts_and_opens_the_unconflicted_entries(client, panel):
    stage, seat, colleague, stranger = panel
    client.force_login(seat.user)
    assert list(access.entries_for_judge(seat.user, stage)) == []
    response = client.post(
        url(stage),
        {
            f"n-{colleague.pk}-conflict": "no",
            f"n-{colleague.pk}-reason": "Different site, never worked together",
            f"n-{stranger.pk}-conflict": "yes",
            f"n-{stranger.pk}-reason": "My brother-in-law",
        },
    )
    assert response.status_code == 302
    assert set(Conflict.objects.values_list("nomination_id", "status", "source")) == {
        (colleague.pk, "rejected", "detected"),
        (stranger.pk, "confirmed", "judge"),
    }
    assert [e.nomination_id for e in access.entries_for_judge(seat.user, stage)] == [colleague.pk]


def test_a_blind_stage_declares_against_organisations_only(panel):
    stage, seat, colleague, stranger = panel
    stage.blind = True
    stage.save()
    rows = conflicts.declaration_rows(stage=stage, member=seat)
    assert [(row.label, row.nomination_ids) for row in rows] == [
        ("Northfield NHS Trust", (colleague.pk,)),
        ("Southfield Trust", (stranger.pk,)),
    ]
    assert all("Hopper" not in row.label and "Turing" not in row.label for row in rows)


def test_someone_not_on_the_panel_gets_404(client, panel):
    stage, *_ = panel
    client.force_login(UserFactory(username="stranger"))
    assert client.get(url(stage)).status_code == 404
    client.logout()
    assert client.get(url(stage)).status_code == 302


def test_the_queue_shows_progress_and_only_unconflicted_entries(client, panel, django_assert_max_num_queries):
    from judging.models import Scorecard

    stage, seat, colleague, stranger = panel
    client.force_login(seat.user)
    queue = reverse("judging:queue", args=[stage.pk])
    assert client.get(queue).url == url(stage)  # declare first
    client.post(
        url(stage),
        {f"n-{colleague.pk}-conflict": "yes", f"n-{stranger.pk}-conflict": "no"},
    )
    Scorecard.objects.create(entry=Entry.objects.get(nomination=stranger), judge=seat.user, status="submitted")
    with django_assert_max_num_queries(20):
        page = client.get(queue).content.decode()
    assert "1 of 1 scored" in page
    assert "Alan Turing" in page and "Grace Hopper" not in page


def test_the_queue_is_only_for_the_panels_judges(client, panel):
    stage, *_ = panel
    client.force_login(UserFactory(username="other"))
    assert client.get(reverse("judging:queue", args=[stage.pk])).status_code == 404
