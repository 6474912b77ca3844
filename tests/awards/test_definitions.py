"""An award's definition as kept per process (awards.definitions) is never older than the
database's: the award's revision moves on with every change to its sections, questions or
criteria, whatever code makes it, and never back; what is kept answers as a fresh read."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awards import definitions
from awards.models import Award, Criterion, Question, Section
from tests.factories import AwardFactory, CriterionFactory, QuestionFactory, SectionFactory


def _revision(award) -> int:
    return Award.objects.values_list("revision", flat=True).get(pk=award.pk)


def _fresh_criteria(award):
    return [
        (c.pk, c.key, c.title, c.weight, c.scale_max, c.levels, c.question_keys)
        for c in Criterion.objects.filter(award=award).order_by("position", "id")
    ]


def _kept_criteria(award):
    award = Award.objects.get(pk=award.pk)  # as a request reads it: the row, then the definition
    return [
        (c.pk, c.key, c.title, c.weight, c.scale_max, c.levels, c.question_keys) for c in definitions.criteria_of(award)
    ]


def _fresh_questions(award):
    return [
        (q.pk, q.key, q.prompt, q.active, q.section_id, q.section.title, q.section.position)
        for q in Question.objects.filter(award=award, active=True, section__isnull=False)
        .select_related("section")
        .order_by("section__position", "section_id", "position", "id")
    ]


def _kept_questions(award):
    award = Award.objects.get(pk=award.pk)
    return [
        (q.pk, q.key, q.prompt, q.active, q.section_id, q.section.title, q.section.position)
        for q in definitions.form_questions_of(award)
    ]


# Every way the definition is changed: an instance saved, a queryset update, bulk writes,
# deletes one by one and by queryset, and moving a row to another award.
def _change(kind: str, award, other, n: int):
    criteria = list(Criterion.objects.filter(award=award).order_by("pk"))
    questions = list(Question.objects.filter(award=award).order_by("pk"))
    sections = list(Section.objects.filter(award=award).order_by("pk"))
    if kind == "add criterion":
        CriterionFactory(award=award, position=n % 3)
    elif kind == "save criterion" and criteria:
        criterion = criteria[n % len(criteria)]
        criterion.title, criterion.levels = f"Retitled {n}", {"1": f"level {n}"}
        criterion.save()
    elif kind == "update criteria":
        return Criterion.objects.filter(award=award).update(scale_max=3 + n % 4) > 0
    elif kind == "bulk update criteria" and criteria:
        for criterion in criteria:
            criterion.weight = 1 + n % 3
        Criterion.objects.bulk_update(criteria, ["weight"])
    elif kind == "bulk create criteria":
        made = Criterion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        Criterion.objects.bulk_create(
            [Criterion(award=award, key=f"bulk-{made}-{i}", title=f"Bulk {i}") for i in range(2)]
        )
    elif kind == "delete criterion" and criteria:
        criteria[n % len(criteria)].delete()
    elif kind == "move criterion away" and criteria:
        moved = criteria[n % len(criteria)]
        Criterion.objects.filter(pk=moved.pk).update(award=other, key=f"moved-{moved.pk}")
    elif kind == "add question":
        QuestionFactory(section=sections[n % len(sections)] if sections else SectionFactory(award=award))
    elif kind == "retire questions":
        return (
            Question.objects.filter(award=award, pk__in=[q.pk for q in questions[n % 2 :: 2]]).update(active=False) > 0
        )
    elif kind == "retitle section" and sections:
        Section.objects.filter(pk=sections[n % len(sections)].pk).update(title=f"Part {n}", position=n % 3)
    elif kind == "delete section" and sections:
        Section.objects.filter(pk=sections[n % len(sections)].pk).delete()
    elif kind == "award saved from an older copy":
        stale = Award.objects.get(pk=award.pk)
        CriterionFactory(award=award)
        stale.title = f"Renamed {n}"
        stale.save()  # writes its old revision: the database keeps the newer one
    else:
        return False
    return True


KINDS = [
    "add criterion",
    "save criterion",
    "update criteria",
    "bulk update criteria",
    "bulk create criteria",
    "delete criterion",
    "move criterion away",
    "add question",
    "retire questions",
    "retitle section",
    "delete section",
    "award saved from an older copy",
]


@pytest.mark.django_db(transaction=True)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 50), st.booleans()), min_size=1, max_size=10))
def test_what_is_kept_is_never_older_than_the_database(steps):
    award, other = AwardFactory(), AwardFactory()
    CriterionFactory(award=award)
    QuestionFactory(section=SectionFactory(award=award))
    for kind, n, rolled_back in steps:
        before, before_other = _revision(award), _revision(other)
        # Read (and so kept) before the change: the change must not be hidden by it.
        assert _kept_criteria(award) == _fresh_criteria(award)
        assert _kept_questions(award) == _fresh_questions(award)
        if rolled_back:
            # A change that rolls back, read inside its transaction (never kept there).
            with pytest.raises(RuntimeError), transaction.atomic():
                if _change(kind, award, other, n):
                    assert _kept_criteria(award) == _fresh_criteria(award)
                    assert _kept_questions(award) == _fresh_questions(award)
                raise RuntimeError("roll back")
            assert _revision(award) == before
        elif _change(kind, award, other, n):
            assert _revision(award) > before, kind
            if kind == "move criterion away":
                assert _revision(other) > before_other
        assert _revision(award) >= before
        assert _kept_criteria(award) == _fresh_criteria(award), kind
        assert _kept_questions(award) == _fresh_questions(award), kind
        assert _kept_criteria(other) == _fresh_criteria(other)


@pytest.mark.django_db(transaction=True)
def test_kept_criteria_are_the_callers_own():
    award = AwardFactory()
    CriterionFactory(award=award, levels={"1": "Some"}, question_keys=["story"])
    award.refresh_from_db()
    first = definitions.criteria_of(award)
    first[0].levels["1"] = "Changed by a caller"
    first[0].question_keys.append("other")
    first[0].title = "Changed by a caller"
    again = definitions.criteria_of(award)
    assert (again[0].levels, again[0].question_keys) == ({"1": "Some"}, ["story"])
    assert again[0].title != "Changed by a caller"


@pytest.mark.django_db(transaction=True)
def test_kept_questions_and_sections_are_the_callers_own():
    award = AwardFactory()
    QuestionFactory(award=award, type="choice", choices=["Yes", {"label": "No", "more": ["x"]}])
    award.refresh_from_db()
    first = definitions.form_questions_of(award)
    first[0].choices[1]["more"].append("changed")
    first[0].choices.append("Changed by a caller")
    first[0].prompt = first[0].section.title = "Changed by a caller"
    again = definitions.form_questions_of(award)
    assert again[0].choices == ["Yes", {"label": "No", "more": ["x"]}]
    assert "Changed by a caller" not in (again[0].prompt, again[0].section.title)


@pytest.mark.django_db
def test_each_award_starts_at_a_revision_of_its_own():
    revisions = {AwardFactory().revision for _ in range(20)}
    assert len(revisions) == 20
