"""seed_synthetic builds the programme tests and benchmarks use: the shape the issue asks for, deterministic."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from judging import access, conflicts
from judging.models import Assignment, Conflict, Scorecard, Stage

pytestmark = pytest.mark.django_db


def snapshot():
    stage = Stage.objects.get(award__slug="synthetic-award", name="Shortlisting")
    assignments = sorted(
        Assignment.objects.filter(entry__stage=stage).values_list("entry__nomination__reference", "judge__username")
    )
    scores = sorted(
        Scorecard.objects.filter(entry__stage=stage).values_list(
            "entry__nomination__reference", "judge__username", "scores__criterion__key", "scores__value"
        )
    )
    return stage, assignments, scores


def test_the_synthetic_programme_has_the_promised_shape():
    call_command("seed_synthetic", nominations=60, judges=10, seed=7, stdout=open("/dev/null", "w"))
    stage, assignments, _ = snapshot()
    award = stage.award
    assert award.programme.slug == "synthetic"
    assert award.questions.filter(type="long_text").count() == 6
    assert award.questions.filter(type="choice", reportable=True).count() == 1
    criteria = list(award.criteria.all())
    assert len(criteria) == 5 and len({(c.scale_min, c.scale_max) for c in criteria}) > 2
    assert any(c.weight == 0 for c in criteria) and any(c.allow_na for c in criteria)
    assert {(g.name, str(g.share)) for g in stage.groups.all()} == {
        ("Patient leaders", "0.3000"),
        ("Clinical experts", "0.7000"),
    }
    assert stage.members.filter(role="judge").count() == 10 and stage.members.filter(role="chair").count() == 1
    per_entry = stage.entries.annotate(n=Count("assignments")).values_list("n", flat=True)
    assert set(per_entry) == {3}
    assert not {(j, e) for e, j in Assignment.objects.values_list("entry_id", "judge_id")} & conflicts.conflict_pairs(
        stage
    )
    assert abs(Conflict.objects.count() - round(60 * 10 * 0.05)) <= 1
    assert set(Scorecard.objects.values_list("status", flat=True)) == {"submitted"}
    assert Scorecard.objects.count() == len(assignments) == 180
    # Every judge can open their queue: declared, assigned, nothing conflicted in it.
    judge = stage.members.filter(role="judge").first().user
    assert access.entries_for_judge(judge, stage).count() == Assignment.objects.filter(judge=judge).count()


def test_the_same_seed_builds_the_same_data_and_a_rerun_replaces_it():
    quiet = open("/dev/null", "w")
    call_command("seed_synthetic", nominations=40, judges=6, seed=3, stdout=quiet)
    first = snapshot()[1:]
    call_command("seed_synthetic", nominations=40, judges=6, seed=3, stdout=quiet)
    assert snapshot()[1:] == first
    assert Stage.objects.filter(award__slug="synthetic-award").count() == 1
    call_command("seed_synthetic", nominations=40, judges=6, seed=4, stdout=quiet)
    assert snapshot()[1:] != first
