"""Criteria changes are announced once per award in a batch (an import, an admin save), at once
outside one, and not at all when the batch fails; stored totals follow either way."""

import pytest
from django.db import transaction

from awards.changes import criteria_batch, criteria_changed
from tests.factories import AwardFactory, CriterionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced():
    heard = []

    def listen(sender, award_id, **kwargs):
        heard.append(award_id)

    criteria_changed.connect(listen)
    yield heard
    criteria_changed.disconnect(listen)


def test_each_change_is_announced_at_once_outside_a_batch(announced):
    award = AwardFactory()
    first = CriterionFactory(award=award, key="impact")
    CriterionFactory(award=award, key="reach", position=1)
    first.delete()
    assert announced == [award.pk] * 3


def test_a_batch_announces_each_award_once_at_its_end(announced):
    one, two = AwardFactory(), AwardFactory()
    with criteria_batch():
        for n in range(4):
            CriterionFactory(award=one, key=f"c{n}", position=n)
        with criteria_batch():  # nested: the outer batch announces
            CriterionFactory(award=two, key="only")
        assert announced == []
    assert sorted(announced) == sorted([one.pk, two.pk])


def test_a_failed_batch_announces_nothing(announced):
    award = AwardFactory()
    with pytest.raises(RuntimeError), transaction.atomic(), criteria_batch():
        CriterionFactory(award=award, key="impact")
        raise RuntimeError("the import failed")
    assert announced == []


def test_an_import_announces_each_award_once(announced):
    from tests.awards.test_format import import_doc, minimal_doc

    doc = minimal_doc()
    doc["awards"][0]["criteria"] += [
        {"key": f"extra{n}", "title": f"Extra {n}", "weight": 1, "scale": [0, 5]} for n in range(3)
    ]
    award = import_doc(doc).programme.awards.get()
    assert announced == [award.pk]


def test_an_admin_save_of_several_criteria_announces_the_award_once(admin_client, announced):
    from tests.awards.test_admin import post_award

    award = AwardFactory()
    response = post_award(
        admin_client,
        award,
        questions=[],
        criteria=[
            {"key": key, "title": key.title(), "levels": "0: None\n5: Outstanding", "question_keys": []}
            for key in ("impact", "reach", "voice")
        ],
    )
    assert response.status_code == 302
    assert award.criteria.count() == 3
    assert announced == [award.pk]
