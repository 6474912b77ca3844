"""A kept query answers exactly as the queryset it was compiled from, and a query whose shape
depends on its values is refused rather than kept wrong (plaudit.prepared)."""

import pytest
from django.db import connection, transaction
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awards.models import Criterion
from plaudit.prepared import Prepared, ShapeDependsOnValues
from tests.factories import AwardFactory, CriterionFactory


def _criteria_from(award_id: int, low: int):
    # Two ids and a constant ("x"), one of them used twice, in a subquery too.
    others = Criterion.objects.filter(award_id=award_id, key__startswith="x")
    return (
        Criterion.objects.filter(Q(award_id=award_id, pk__gte=low) | Q(pk__in=others.values("pk")))
        .order_by("position", "id")
        .values_list("pk", "key", "position")
    )


CRITERIA_FROM = Prepared(_criteria_from, int, int)


def _criteria_with_awards(award_id: int, low: int):
    return Criterion.objects.filter(pk__in=_criteria_from(award_id, low).values("pk")).select_related(
        "award__programme"
    )


CRITERIA_WITH_AWARDS = Prepared(_criteria_with_awards, int, int)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    positions=st.lists(st.tuples(st.integers(0, 1), st.integers(0, 6), st.booleans()), max_size=8),
    low=st.integers(-2, 9),
    which=st.integers(0, 2),
)
def test_a_kept_query_answers_as_its_queryset(positions, low, which):
    awards = [AwardFactory(), AwardFactory()]
    made = [
        CriterionFactory(award=awards[award], position=position, key=f"x{n}" if named_x else f"k{n}").pk
        for n, (award, position, named_x) in enumerate(positions)
    ]
    award_id = awards[which].pk if which < 2 else 10**9  # no such award too
    # An id among the criteria's own or next to them.
    low = max(1, min(made, default=1) + low)
    assert CRITERIA_FROM.fetch(award_id, low) == list(_criteria_from(award_id, low))
    # Instances with what they select related, each value converted as Django's own do.
    kept = CRITERIA_WITH_AWARDS.fetch(award_id, low)
    fresh = list(_criteria_with_awards(award_id, low))
    assert [(c.pk, c.key, c.award.title, c.award.nominations_open, c.award.programme.slug) for c in kept] == [
        (c.pk, c.key, c.award.title, c.award.nominations_open, c.award.programme.slug) for c in fresh
    ]
    assert all(c.award.programme.pk for c in kept)
    Criterion.objects.all().delete()


def _criterion_by_key(award_id: int, key: str):
    return Criterion.objects.filter(award_id=award_id, key=key).values_list("pk", "key")


CRITERION_BY_KEY = Prepared(_criterion_by_key, int, str)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# No NUL: PostgreSQL's driver refuses it in text either way (a reference in a URL cannot hold one).
# No lone surrogate: the driver cannot encode one either way, and a request's text cannot hold one
# (Django decodes paths and cookies as UTF-8, escaping or replacing broken bytes).
@given(
    key=st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=30)
    | st.sampled_from(["k1", "%s", "%%", "$1", "'; SELECT 1; --", "{{ key }}", "é\u200b"])
)
def test_text_is_a_parameter_whatever_it_holds(key):
    award = AwardFactory()
    CriterionFactory(award=award, key="k1")
    assert CRITERION_BY_KEY.fetch(award.pk, key) == list(_criterion_by_key(award.pk, key))
    if key != "k1":
        Criterion.objects.create(award=award, key=key, title="t")
        assert CRITERION_BY_KEY.fetch(award.pk, key) == list(_criterion_by_key(award.pk, key))
    Criterion.objects.all().delete()


@pytest.mark.django_db
def test_a_query_shaped_by_its_values_is_refused():
    longer = Prepared(lambda n: Criterion.objects.filter(pk__in=[n, n + 1]).values_list("pk"), int)
    branching = Prepared(
        lambda n: (
            Criterion.objects.filter(pk=n) if n < 2_000_000_000 else Criterion.objects.filter(key="a")
        ).values_list("pk"),
        int,
    )
    swapped = Prepared(
        lambda a, b: Criterion.objects.filter(pk=a if a < 2_000_000_000 else b).values_list("pk"), int, int
    )
    for prepared in (longer, branching, swapped):
        with pytest.raises(ShapeDependsOnValues):
            prepared.fetch(*[1] * len(prepared.kinds))


@pytest.mark.django_db
def test_an_id_out_of_range_names_no_row():
    criterion = CriterionFactory()
    assert CRITERIA_FROM.fetch(criterion.award_id, criterion.pk) == [(criterion.pk, criterion.key, criterion.position)]
    for out in (0, -1, 10**18, 2**63):
        assert CRITERIA_FROM.fetch(criterion.award_id, out) == []
        assert CRITERIA_FROM.fetch(out, criterion.pk) == []


def test_only_ids_are_taken():
    with pytest.raises(TypeError):
        CRITERIA_FROM.fetch("1", 2)
    with pytest.raises(TypeError):
        CRITERIA_FROM.fetch(1)
    with pytest.raises(TypeError):
        CRITERIA_FROM.fetch(True, 2)
    with pytest.raises(TypeError):
        CRITERION_BY_KEY.fetch(1, 2)


@pytest.mark.django_db(transaction=True)
def test_a_statement_prepared_survives_a_rollback_and_a_new_connection_prepares_again():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    criterion = CriterionFactory()
    expected = [(criterion.pk, criterion.key, criterion.position)]
    kept = Prepared(_criteria_from, int, int)  # prepared afresh, inside the transaction below
    with pytest.raises(RuntimeError), transaction.atomic():
        assert kept.fetch(criterion.award_id, criterion.pk) == expected
        raise RuntimeError("roll back")
    assert kept.fetch(criterion.award_id, criterion.pk) == expected
    connection.close()
    assert kept.fetch(criterion.award_id, criterion.pk) == expected
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = %s", [kept.name])
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db(transaction=True)
def test_a_kept_query_with_no_parameters_runs():
    criterion = CriterionFactory()
    every = Prepared(lambda award_id: Criterion.objects.order_by("pk").values_list("pk"), int)
    assert every.fetch(criterion.award_id) == every.fetch(criterion.award_id) == [(criterion.pk,)]
