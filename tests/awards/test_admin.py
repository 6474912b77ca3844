"""The admin refuses bad award configurations with a clear message, and never answers 500."""

import pytest
from django.urls import reverse

from awards.models import Award, Criterion, Programme, Question
from tests.factories import AnswerFactory, AwardFactory, CriterionFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db

QUESTION_FIELDS = {
    "section": "",
    "position": "0",
    "key": "",
    "type": "long_text",
    "prompt": "",
    "guidance": "",
    "required": "on",
    "active": "on",
    "max_length": "",
    "min_words": "",
    "max_words": "",
    "min_value": "",
    "max_value": "",
    "choices": "",
    "min_choices": "",
    "max_choices": "",
    "file_types": "",
    "max_size_mb": "",
    "show_if_key": "",
    "show_if_value": "",
}
CRITERION_FIELDS = {
    "key": "",
    "position": "0",
    "title": "",
    "description": "",
    "weight": "1",
    "scale_min": "0",
    "scale_max": "5",
    "levels": "",
}


def formset(prefix, rows, initial=0):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            if value is None or value is False:
                continue
            if isinstance(value, list):
                data[f"{prefix}-{index}-{name}"] = value
            else:
                data[f"{prefix}-{index}-{name}"] = value
    return data


@pytest.fixture
def award():
    award = AwardFactory(slug="kindness", title="Kindness")
    SectionFactory(award=award, title="First", position=0)
    SectionFactory(award=award, title="Second", position=1)
    return award


def post_award(client, award, questions=(), criteria=(), sections=None, existing_questions=0):
    sections = sections if sections is not None else list(award.sections.order_by("position"))
    data = {
        "programme": str(award.programme_id),
        "title": award.title,
        "slug": award.slug,
        "position": "0",
        "active": "on",
        "summary": award.summary,
        "description": award.description,
        "nominee": award.nominee,
        "nominations_open_0": "",
        "nominations_open_1": "",
        "nominations_close_0": "",
        "nominations_close_1": "",
    }
    data |= formset(
        "sections",
        [{"id": str(s.pk), "award": str(award.pk), "position": str(s.position), "title": s.title} for s in sections],
        initial=len(sections),
    )
    data |= formset(
        "questions", [QUESTION_FIELDS | {"award": str(award.pk)} | q for q in questions], initial=existing_questions
    )
    data |= formset("criteria", [CRITERION_FIELDS | {"award": str(award.pk)} | c for c in criteria])
    return client.post(reverse("admin:awards_award_change", args=[award.pk]), data)


def errors_of(response) -> list[str]:
    """Every error message the admin showed, from the forms and formsets in its context."""
    assert response.status_code == 200, "the admin should re-show the form with errors"
    messages = []
    for form in (
        response.context["adminform"].form,
        *[f for formset in response.context["inline_admin_formsets"] for f in formset.formset.forms],
    ):
        for field_errors in form.errors.values():
            messages.extend(field_errors)
    return messages


def question(section, key, **fields):
    return {"section": str(section.pk), "key": key, "prompt": f"{key}?", **fields}


def test_a_valid_award_saves_with_its_questions_and_criteria(admin_client, award):
    first = award.sections.get(position=0)
    response = post_award(
        admin_client,
        award,
        questions=[
            question(first, "partners-yes-no", type="yes_no", position="0"),
            question(first, "partners", position="1", show_if_key="partners-yes-no", show_if_value="yes"),
        ],
        criteria=[{"key": "impact", "title": "Impact", "levels": "0: None\n5: Outstanding", "question_keys": []}],
    )
    assert response.status_code == 302
    assert list(award.questions.values_list("key", flat=True)) == ["partners-yes-no", "partners"]
    assert Criterion.objects.get(award=award).level_descriptors == {0: "None", 5: "Outstanding"}


def test_it_refuses_a_scale_whose_minimum_is_not_below_its_maximum(admin_client, award):
    response = post_award(admin_client, award, criteria=[{"key": "impact", "title": "Impact", "scale_min": "5"}])
    assert "Scale minimum must be below maximum." in errors_of(response)
    assert not Criterion.objects.exists()


def test_it_refuses_a_negative_weight(admin_client, award):
    response = post_award(admin_client, award, criteria=[{"key": "impact", "title": "Impact", "weight": "-1"}])
    assert "Weight must be 0 or more (0 keeps the criterion out of the total)." in errors_of(response)


def test_it_refuses_level_descriptors_it_cannot_read(admin_client, award):
    response = post_award(admin_client, award, criteria=[{"key": "impact", "title": "Impact", "levels": "good: 5"}])
    assert "Line 1 must start with a whole-number level and a colon, like '3: Clear evidence'." in errors_of(response)


def test_it_refuses_a_level_outside_the_scale(admin_client, award):
    response = post_award(admin_client, award, criteria=[{"key": "impact", "title": "Impact", "levels": "9: Beyond"}])
    assert "Level 9 is outside the scale 0 to 5." in errors_of(response)


def test_it_refuses_a_choice_question_with_no_choices(admin_client, award):
    first = award.sections.first()
    response = post_award(admin_client, award, questions=[question(first, "region", type="choice")])
    assert "A choice question needs at least one choice." in errors_of(response)
    assert not Question.objects.exists()


def test_it_refuses_duplicate_question_keys(admin_client, award):
    first = award.sections.first()
    response = post_award(
        admin_client, award, questions=[question(first, "story"), question(first, "story", position="1")]
    )
    assert "The key 'story' is already used by another question of this award." in errors_of(response)


def test_it_refuses_duplicate_criterion_keys(admin_client, award):
    response = post_award(
        admin_client,
        award,
        criteria=[{"key": "impact", "title": "A"}, {"key": "impact", "title": "B", "position": "1"}],
    )
    assert "The key 'impact' is already used by another criterion of this award." in errors_of(response)


def test_it_refuses_show_if_naming_a_missing_question(admin_client, award):
    first = award.sections.first()
    response = post_award(
        admin_client, award, questions=[question(first, "partners", show_if_key="ghost", show_if_value="yes")]
    )
    assert "Show only if names 'ghost', which is not an earlier question of this award." in errors_of(response)


def test_it_refuses_show_if_naming_a_later_question(admin_client, award):
    first, second = award.sections.order_by("position")
    response = post_award(
        admin_client,
        award,
        questions=[
            question(first, "partners", show_if_key="has-partners", show_if_value="yes"),
            question(second, "has-partners", type="yes_no"),
        ],
    )
    assert "Show only if names 'has-partners', which is not an earlier question of this award." in errors_of(response)


def test_show_if_looks_at_sections_in_their_new_order(admin_client, award):
    """Moving the second section first in the same save makes its question an earlier one."""
    first, second = award.sections.order_by("position")
    first.position, second.position = 1, 0
    response = post_award(
        admin_client,
        award,
        sections=[first, second],
        questions=[
            question(first, "partners", show_if_key="has-partners", show_if_value="yes"),
            question(second, "has-partners", type="yes_no"),
        ],
    )
    assert response.status_code == 302


def test_it_refuses_an_option_of_another_type(admin_client, award):
    first = award.sections.first()
    response = post_award(admin_client, award, questions=[question(first, "region", type="yes_no", max_words="10")])
    assert "Max words does not apply to this type of question." in errors_of(response)


def test_it_refuses_a_criterion_naming_a_question_deleted_in_the_same_save(admin_client, award):
    story = QuestionFactory(award=award, section=award.sections.first(), key="story")
    response = post_award(
        admin_client,
        award,
        questions=[{"id": str(story.pk), **question(award.sections.first(), "story"), "DELETE": "on"}],
        criteria=[{"key": "impact", "title": "Impact", "question_keys": ["story"]}],
    )
    assert "'story' is no longer a question of this award." in errors_of(response)


def test_it_refuses_to_change_the_type_of_an_answered_question(admin_client, award):
    story = QuestionFactory(award=award, section=award.sections.first(), key="story")
    AnswerFactory(question=story)
    row = {"id": str(story.pk), **question(award.sections.first(), "story", type="short_text")}
    response = post_award(admin_client, award, questions=[row], existing_questions=1)
    assert (
        "This question has 1 answers, so its type cannot change. "
        "Untick Active to retire it and add a new question instead." in errors_of(response)
    )
    assert Question.objects.get(pk=story.pk).type == "long_text"


def test_an_answered_question_cannot_be_deleted_from_the_admin(admin_client, award):
    story = QuestionFactory(award=award, section=award.sections.first(), key="story")
    answer = AnswerFactory(question=story)
    row = {"id": str(story.pk), **question(award.sections.first(), "story"), "DELETE": "on"}
    response = post_award(admin_client, award, questions=[row], existing_questions=1)
    question_formset = response.context["inline_admin_formsets"][1].formset
    assert question_formset.non_form_errors() == [
        "Deleting question story: story? would require deleting the following protected related objects: "
        f"answer {answer.nomination.reference} / story"
    ]
    assert Question.objects.filter(pk=story.pk).exists()


def test_the_preview_checks_answers_and_saves_nothing(admin_client, award):
    first = award.sections.first()
    QuestionFactory(award=award, section=first, key="story", prompt="What did they do?", max_words=5)
    url = reverse("admin:awards_award_preview", args=[award.pk])

    response = admin_client.post(url, {"q-story": "one two three four five six"})

    assert response.status_code == 200
    assert (
        "Your answer to “What did they do?” must be 5 words or fewer. You wrote 6 words." in response.content.decode()
    )
    assert "one two three four five six" in response.content.decode()


def test_the_preview_is_for_staff_only(client, award):
    response = client.get(reverse("admin:awards_award_preview", args=[award.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_admin_download_and_upload_round_trip(admin_client, award):
    first = award.sections.first()
    QuestionFactory(award=award, section=first, key="story", prompt="What did they do?")
    CriterionFactory(award=award, key="impact", question_keys=["story"])
    download = admin_client.get(reverse("admin:awards_programme_export", args=[award.programme_id]))
    assert download["Content-Disposition"] == f'attachment; filename="{award.programme.slug}.yaml"'
    text = download.content

    Programme.objects.all().delete()
    upload = admin_client.post(
        reverse("admin:awards_programme_import"),
        {"file": _file("programme.yaml", text)},
    )
    assert upload.status_code == 302
    programme = Programme.objects.get()
    again = admin_client.get(reverse("admin:awards_programme_export", args=[programme.pk]))
    assert again.content == text
    # The audit log says who imported it.
    from audit.models import AuditEvent

    event = AuditEvent.objects.filter(subject=f"programme:{programme.pk}", action="configuration").latest("pk")
    assert "from an award definition" in event.summary
    assert event.actor_id == int(admin_client.session["_auth_user_id"])


def test_admin_upload_lists_every_problem_and_writes_nothing(admin_client):
    bad = b"format: 1\nprogramme: {slug: Bad Slug}\nawards: []\n"
    response = admin_client.post(reverse("admin:awards_programme_import"), {"file": _file("bad.yaml", bad)})
    page = response.content.decode()
    assert response.status_code == 200
    assert "programme.slug: must use only lower-case letters" in page
    assert "programme.name: is required" in page
    assert Programme.objects.count() == 0
    assert Award.objects.count() == 0


def _file(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/yaml")
