"""Screening: the office marks nominations eligible or not eligible in bulk, before judging."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.models import AuditEvent
from awards import office
from awards.models import OfficeRole, Programme
from nominations import screening
from nominations.models import Nomination
from results.overview import programme_overview
from tests.factories import AwardFactory, NominationFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

REASONS = ["Not NHS staff", "Outside the region"]


def nominations(programme, *statuses):
    award = AwardFactory(programme=programme)
    return [
        NominationFactory(
            award=award,
            reference=f"S{programme.pk}-{i:04d}",
            status=status,
            submitted_at=timezone.now() if status != "draft" else None,
        )
        for i, status in enumerate(statuses)
    ]


def judged_ids(award_ids=None):
    return set(Nomination.objects.filter(Nomination.judgeable_q()).values_list("pk", flat=True))


def test_a_programme_that_screens_judges_only_what_is_marked_eligible():
    programme = ProgrammeFactory(screening=True, screening_reasons=REASONS)
    first, second = nominations(programme, "submitted", "submitted")

    assert judged_ids() == set()
    assert first.why_not_judged == "waiting for the awards office to screen it"

    done = screening.screen(nominations=[first], eligible=True, by=None, now=timezone.now())

    assert (done.marked, done.skipped) == (1, 0)
    assert judged_ids() == {first.pk}
    assert Nomination.objects.get(pk=first.pk).goes_to_judging
    assert not Nomination.objects.get(pk=second.pk).goes_to_judging


def test_a_programme_that_does_not_screen_judges_submitted_nominations_at_once():
    (nomination,) = nominations(ProgrammeFactory(), "submitted")

    assert judged_ids() == {nomination.pk} and nomination.goes_to_judging


def test_not_eligible_takes_a_reason_from_the_list_skips_drafts_and_is_audited():
    programme = ProgrammeFactory(screening=True, screening_reasons=REASONS)
    submitted, draft, withdrawn = nominations(programme, "submitted", "draft", "withdrawn")

    done = screening.screen(
        nominations=[submitted, draft, withdrawn], eligible=False, reason="Outside the region", now=timezone.now()
    )

    assert (done.marked, done.skipped) == (1, 2)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.ineligible_reason) == ("ineligible", "Outside the region")
    assert Nomination.objects.get(pk=draft.pk).status == "draft"
    assert AuditEvent.objects.filter(summary__contains="screened: not eligible (Outside the region)").count() == 1

    # Reinstated by marking it eligible: judged again.
    screening.screen(nominations=[submitted], eligible=True, now=timezone.now())
    submitted.refresh_from_db()
    assert (submitted.status, submitted.ineligible_reason) == ("submitted", "")
    assert judged_ids() == {submitted.pk}


@pytest.mark.parametrize("reason", ["", "Because I said so", "not nhs staff"])
def test_a_reason_not_on_the_list_is_refused_and_nothing_changes(reason):
    programme = ProgrammeFactory(screening=True, screening_reasons=REASONS)
    (nomination,) = nominations(programme, "submitted")

    with pytest.raises(screening.ScreeningRefused, match="one of the programme's reasons"):
        screening.screen(nominations=[nomination], eligible=False, reason=reason, now=timezone.now())

    assert Nomination.objects.get(pk=nomination.pk).status == "submitted"
    assert not AuditEvent.objects.filter(summary__contains="screened").exists()


def test_nominations_of_two_programmes_cannot_share_a_reason():
    (first,) = nominations(ProgrammeFactory(screening_reasons=REASONS), "submitted")
    (second,) = nominations(ProgrammeFactory(screening_reasons=REASONS), "submitted")

    with pytest.raises(screening.ScreeningRefused, match="one programme"):
        screening.screen(nominations=[first, second], eligible=False, reason=REASONS[0], now=timezone.now())


def test_a_programme_without_its_own_reasons_offers_the_usual_ones():
    assert ProgrammeFactory.build().reasons == list(Programme.USUAL_REASONS)
    assert ProgrammeFactory.build(screening_reasons=REASONS).reasons == REASONS


# The one rule, as a filter and for a nomination in hand, agrees whatever the state.


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    status=st.sampled_from(Nomination.Status.values),
    consent=st.sampled_from(Nomination.Consent.values),
    removed=st.booleans(),
    screens=st.booleans(),
    screened=st.booleans(),
)
def test_the_filter_and_the_nomination_agree_on_what_is_judged(status, consent, removed, screens, screened):
    now = timezone.now()
    award = AwardFactory(programme=ProgrammeFactory(screening=screens))
    nomination = NominationFactory(
        award=award,
        reference=f"P-{award.pk}",
        status=status,
        consent_status=consent,
        nominee_data_removed_at=now if removed else None,
        screened_at=now if screened else None,
    )

    in_filter = Nomination.objects.filter(Nomination.judgeable_q(), pk=nomination.pk).exists()

    assert in_filter == Nomination.objects.get(pk=nomination.pk).goes_to_judging
    if screens and not screened:
        assert not in_filter


# The office's pages.


@pytest.fixture
def manager_client(client):
    programme = ProgrammeFactory(screening=True, screening_reasons=REASONS)
    user = UserFactory()
    office.role_grant(programme, user, OfficeRole.Role.MANAGER)
    client.force_login(user)
    client.programme = programme
    return client


def act(client, action, chosen, **data):
    return client.post(
        reverse("admin:nominations_nomination_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [n.pk for n in chosen], **data},
    )


def test_the_office_marks_eligible_in_bulk(manager_client):
    chosen = nominations(manager_client.programme, "submitted", "submitted", "draft")

    response = act(manager_client, "screen_eligible", chosen)

    assert response.status_code == 302
    assert Nomination.objects.filter(screened_at__isnull=False).count() == 2
    listing = manager_client.get(reverse("admin:nominations_nomination_changelist") + "?screening=eligible")
    assert listing.context["cl"].result_count == 2


def test_the_office_marks_not_eligible_with_a_reason_asked_on_its_own_page(manager_client):
    chosen = nominations(manager_client.programme, "submitted", "submitted")

    asked = act(manager_client, "screen_not_eligible", chosen)
    page = asked.content.decode()
    assert asked.status_code == 200 and "Not NHS staff" in page and "Outside the region" in page

    missing = act(manager_client, "screen_not_eligible", chosen, apply="Mark not eligible")
    assert "Choose why the nominations are not eligible" in missing.content.decode()
    assert not Nomination.objects.filter(status="ineligible").exists()

    invented = act(manager_client, "screen_not_eligible", chosen, apply="1", reason="Made up")
    assert "Select a valid choice" in invented.content.decode()

    done = act(manager_client, "screen_not_eligible", chosen, apply="1", reason="Not NHS staff")
    assert done.status_code == 302
    assert set(Nomination.objects.values_list("status", "ineligible_reason")) == {("ineligible", "Not NHS staff")}


def test_an_office_viewer_is_not_offered_screening_and_cannot_post_it(client):
    programme = ProgrammeFactory(screening=True)
    (nomination,) = nominations(programme, "submitted")
    viewer = UserFactory()
    office.role_grant(programme, viewer, OfficeRole.Role.VIEWER)
    client.force_login(viewer)

    listing = client.get(reverse("admin:nominations_nomination_changelist")).content.decode()
    assert "screen_eligible" not in listing
    act(client, "screen_eligible", [nomination])
    assert Nomination.objects.get(pk=nomination.pk).screened_at is None


@pytest.mark.parametrize(
    "reasons, error",
    [
        ("Not NHS staff\nNot NHS staff", "is listed twice"),
        ("x" * 201, "at most 200 characters"),
    ],
)
def test_the_programme_form_refuses_bad_reasons(client, reasons, error):
    programme = ProgrammeFactory()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = reverse("admin:awards_programme_change", args=[programme.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: form[name].value() if not isinstance(form[name].value(), list) else ""
        for name in form.fields
        if form[name].value() is not None
    }
    data.update(
        {
            "nominations_open_0": "2026-01-01",
            "nominations_open_1": "09:00",
            "nominations_close_0": "2099-01-01",
            "nominations_close_1": "17:00",
            "screening_reasons": reasons,
            "awards-TOTAL_FORMS": "0",
            "awards-INITIAL_FORMS": "0",
            "office_roles-TOTAL_FORMS": "0",
            "office_roles-INITIAL_FORMS": "0",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 200 and error in response.content.decode()
    assert Programme.objects.get(pk=programme.pk).screening_reasons == []


def test_the_overview_counts_what_is_left_to_screen():
    programme = ProgrammeFactory(screening=True)
    first, second, _draft = nominations(programme, "submitted", "submitted", "draft")
    screening.screen(nominations=[first], eligible=True, now=timezone.now())

    (row,) = programme_overview(programme).awards

    assert (row.to_screen, row.screened_eligible, row.submitted) == (1, 1, 2)
