"""The demo's judging data: valid sample nominations, a stage per award with a panel, some scoring done."""

import io

import pytest
from django.core.management import call_command

from judging import access
from judging.models import Scorecard, Stage
from nominations.forms import nomination_forms
from nominations.models import Nomination

pytestmark = pytest.mark.django_db


def test_every_sample_nomination_passes_its_awards_own_form():
    call_command("load_demo", stdout=io.StringIO())
    nominations = Nomination.objects.filter(award__programme__slug="leadership-awards-2026")
    assert nominations.count() == 20
    for nomination in nominations:
        identity_form, award_form = nomination_forms(nomination, bind_saved=True)
        assert identity_form.is_valid(), (nomination.reference, identity_form.errors)
        assert award_form.is_valid(), (nomination.reference, award_form.errors)


def test_the_demo_shows_the_whole_judging_flow_and_loads_twice_without_change():
    from django.contrib.auth import get_user_model

    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    users = {u.username: u for u in get_user_model().objects.all()}
    stages = Stage.objects.filter(award__programme__slug="leadership-awards-2026")
    assert stages.count() == 4 and stages.filter(blind=True).count() == 1
    assert set(access.chaired_stages(users["chair"])) == set(stages)
    for stage in stages:
        assert stage.entries.count() == 5
        assert access.entries_for_judge(users["judge1"], stage).count() == 5
        # judge2 declared a conflict with one entry; judge3 has yet to declare, so sees none.
        assert access.entries_for_judge(users["judge2"], stage).count() == 4
        assert access.entries_for_judge(users["judge3"], stage).count() == 0
    assert Scorecard.objects.filter(judge=users["judge1"], status="submitted").count() >= 8
    assert Nomination.objects.count() == 20
