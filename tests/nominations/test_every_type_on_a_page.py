"""Every question type renders through the real form renderer on real pages: the public award
page, the nomination form, and the admin's preview. (A date question was a server error on the
nomination page: its widget's template lives in the project's templates, which Django's default
form renderer did not look in; no demo award asks for a date, so nothing had caught it.)"""

import pytest
from django.urls import reverse

from awards.models import Question
from nominations.builder import FIELD_BUILDERS
from nominations.domain import link_create
from nominations.models import Nomination
from tests.factories import AwardFactory, ProgrammeFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db

SETTINGS = {
    "choice": {"choices": ["Ward", "Clinic"]},
    "multi_choice": {"choices": ["Ward", "Clinic", "Home"]},
    "file": {"file_types": ["pdf"], "max_size_mb": 1},
    "number": {"min_value": 0, "max_value": 10},
}


@pytest.fixture
def award():
    programme = ProgrammeFactory()
    award = AwardFactory(programme=programme, nominee="individual")
    section = SectionFactory(award=award, title="About the nomination")
    for position, question_type in enumerate(Question.Type.values):
        QuestionFactory(
            section=section,
            key=f"q-{question_type.replace('_', '-')}",
            type=question_type,
            prompt=f"The {question_type} question",
            position=position,
            **SETTINGS.get(question_type, {}),
        )
    return award


def test_the_award_has_every_type(award):
    assert {q.type for q in award.questions.all()} == set(Question.Type.values) == set(FIELD_BUILDERS)


def test_every_type_renders_on_the_nomination_form(client, award):
    nomination = Nomination.objects.create(award=award, reference="TY-0001", nominator_email="a@example.org")
    client.get(reverse("nominations:resume", args=[link_create(nomination=nomination)]))
    response = client.get(reverse("nominations:edit", args=[nomination.reference]))
    assert response.status_code == 200
    page = response.content.decode()
    for question in award.questions.all():
        assert f"The {question.type} question" in page
    # The date's three boxes, from the project's own widget template.
    assert 'name="q-q-date_0"' in page and 'name="q-q-date_2"' in page and ">Year<" in page


def test_every_type_renders_on_the_public_award_page_and_the_admin_preview(client, admin_client, award):
    page = client.get(reverse("awards:award", args=[award.programme.slug, award.slug])).content.decode()
    for question in award.questions.all():
        assert f"The {question.type} question" in page
    preview = admin_client.get(reverse("admin:awards_award_preview", args=[award.pk]))
    assert preview.status_code == 200 and 'name="q-q-date_1"' in preview.content.decode()
