"""The award builder: sections, questions and criteria added, changed, moved and removed one at a
time, by the importer's rules, with errors beside the field."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from awards import building, office
from awards.models import Award, Criterion, OfficeRole, Question, Section, Status
from awards.rules import QUESTION_TYPES
from judging.models import Entry, Score, Scorecard, Stage
from tests.factories import (
    AnswerFactory,
    AwardFactory,
    CriterionFactory,
    NominationFactory,
    ProgrammeFactory,
    QuestionFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def award():
    return AwardFactory(programme=ProgrammeFactory(status=Status.DRAFT), status=Status.DRAFT, title="Kindness Award")


@pytest.fixture
def office_client(client, award):
    manager = UserFactory()
    office.role_grant(award.programme, manager, OfficeRole.Role.MANAGER)
    client.force_login(manager)
    return client


def url(name, award, *args):
    return reverse(f"admin:awards_award_{name}", args=[award.pk, *args])


# Keys.


@pytest.mark.parametrize(
    "prompt, taken, expected",
    [
        ("What did they do?", set(), "what-did-they-do"),
        ("What did they do?", {"what-did-they-do"}, "what-did-they-do-2"),
        ("What did they do?", {"what-did-they-do", "what-did-they-do-2"}, "what-did-they-do-3"),
        ("Ça va – l’équipe!", set(), "ca-va-lequipe"),
        ("???", set(), "question"),
        ("x" * 200, set(), "x" * 60),
    ],
)
def test_keys_are_made_from_the_prompt(prompt, taken, expected):
    assert building.key_from(prompt, taken) == expected


# The services.


def test_a_section_takes_questions_and_a_question_is_ticked_by_a_criterion_at_once(award):
    section = building.section_save(award, Section(title="Your nomination"))
    question = building.question_save(
        Question(award=award, section=section, type="long_text", prompt="What did they do?")
    )
    criterion = building.criterion_save(
        Criterion(award=award, title="Impact", levels={"0": "None", "5": "Great"}, question_keys=[question.key])
    )

    assert (question.key, question.position, criterion.key) == ("what-did-they-do", 0, "impact")
    assert AuditEvent.objects.filter(subject=f"award:{award.pk}").count() == 3


def test_a_question_with_answers_keeps_its_key_and_type_and_is_retired_not_deleted(award):
    question = QuestionFactory(section=SectionFactory(award=award), key="story")
    criterion = CriterionFactory(award=award, question_keys=["story"])
    AnswerFactory(question=question, nomination=NominationFactory(award=award))

    question.key = "new-key"
    with pytest.raises(building.BuildRefused, match="key and its type stay"):
        building.question_save(question)
    question.refresh_from_db()

    assert building.question_remove(question) == "retired"
    question.refresh_from_db()
    assert not question.active and question.answers.count() == 1
    criterion.refresh_from_db()
    assert criterion.question_keys == []


def test_a_question_another_depends_on_cannot_be_removed(award):
    section = SectionFactory(award=award)
    source = QuestionFactory(section=section, key="partners", type="yes_no", position=0)
    QuestionFactory(section=section, key="who", show_if_key="partners", show_if_value="yes", position=1)

    with pytest.raises(building.BuildRefused, match="shown only after an answer"):
        building.question_remove(source)


def test_a_scored_criterion_stays(award):
    criterion = CriterionFactory(award=award)
    stage = Stage.objects.create(award=award, name="Shortlisting")
    entry = Entry.objects.create(stage=stage, nomination=NominationFactory(award=award, status="submitted"))
    card = Scorecard.objects.create(entry=entry, judge=UserFactory())
    Score.objects.create(scorecard=card, criterion=criterion, value=3)

    with pytest.raises(building.BuildRefused, match="Judges have scored"):
        building.criterion_remove(criterion)


def test_moving_swaps_neighbours_and_stops_at_the_ends(award):
    section = SectionFactory(award=award)
    first, second, third = (QuestionFactory(section=section, key=k, position=i) for i, k in enumerate("abc"))

    assert building.move(third, -1)
    assert list(section.questions.order_by("position").values_list("key", flat=True)) == ["a", "c", "b"]
    first.refresh_from_db()
    assert not building.move(first, -1)


def test_reordering_needs_exactly_the_current_items(award):
    sections = [SectionFactory(award=award, position=i) for i in range(3)]

    building.reorder(Section, award, [s.pk for s in reversed(sections)])
    assert list(award.sections.order_by("position").values_list("pk", flat=True)) == [s.pk for s in reversed(sections)]
    with pytest.raises(building.BuildRefused, match="out of date"):
        building.reorder(Section, award, [sections[0].pk])
    with pytest.raises(building.BuildRefused):
        building.reorder(Section, award, [sections[0].pk, sections[0].pk, sections[1].pk])


def test_a_section_with_questions_is_not_removed(award):
    section = SectionFactory(award=award)
    QuestionFactory(section=section)

    with pytest.raises(building.BuildRefused, match="still asks questions"):
        building.section_remove(section)


# The pages.


def test_the_builder_shows_everything_of_the_award_on_one_page(office_client, award):
    section = SectionFactory(award=award, title="About them")
    QuestionFactory(section=section, prompt="What did they do?")
    CriterionFactory(award=award, title="Impact")

    page = office_client.get(url("build", award)).content.decode()

    assert "About them" in page and "What did they do?" in page and "Impact" in page
    assert reverse("admin:awards_award_preview", args=[award.pk]) in page  # the preview beside it


@pytest.mark.parametrize("qtype", QUESTION_TYPES)
def test_a_question_form_shows_only_its_types_settings(office_client, award, qtype):
    section = SectionFactory(award=award)

    form = office_client.get(url("question_add", award) + f"?type={qtype}&section={section.pk}").context["form"]

    from awards.rules import TYPE_OPTIONS

    options = {option for option, types in TYPE_OPTIONS.items() if qtype in types}
    assert set(form.fields) & set(TYPE_OPTIONS) == options


def test_adding_a_question_generates_its_key_and_goes_back_to_the_builder(office_client, award):
    section = SectionFactory(award=award)

    response = office_client.post(
        url("question_add", award) + "?type=choice",
        {"section": section.pk, "prompt": "Which region?", "choices": "North\nSouth", "required": "on"},
    )

    assert response.status_code == 302
    question = award.questions.get()
    assert (question.key, question.type, question.choices) == ("which-region", "choice", ["North", "South"])


@pytest.mark.parametrize(
    "qtype, data, field, message",
    [
        ("choice", {"prompt": "Which?", "choices": "A\nA"}, "choices", "listed twice"),
        ("choice", {"prompt": "Which?", "choices": ""}, "choices", "at least one choice"),
        (
            "long_text",
            {"prompt": "Why?", "min_words": "50", "max_words": "10"},
            "max_words",
            "must not be more than the maximum",
        ),
        ("file", {"prompt": "A letter", "file_types": "exe"}, "file_types", "not an accepted file type"),
        ("long_text", {"prompt": "Why?", "key": "Bad Key"}, "key", "lower-case letters"),
        ("long_text", {"prompt": "Why?", "key": "taken"}, "key", "already used by another question"),
        ("long_text", {"prompt": "Why?", "show_if_key": "later"}, "show_if_key", "is not an earlier question"),
        ("long_text", {"prompt": ""}, "prompt", "Enter the question"),
    ],
)
def test_what_the_importer_refuses_the_builder_refuses_beside_the_field(
    office_client, award, qtype, data, field, message
):
    section = SectionFactory(award=award, position=0)
    QuestionFactory(section=section, key="taken", position=0)
    QuestionFactory(section=SectionFactory(award=award, position=1), key="later", type="yes_no")
    before = award.questions.count()

    response = office_client.post(url("question_add", award) + f"?type={qtype}", {"section": section.pk, **data})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    page = response.content.decode()
    assert "There is a problem" in page and f'id="id_{field}_error"' in page
    assert award.questions.count() == before


def test_a_criterion_links_questions_by_ticking_them(office_client, award):
    section = SectionFactory(award=award)
    QuestionFactory(section=section, key="story", prompt="What did they do?")

    form = office_client.get(url("criterion_add", award)).context["form"]
    assert [key for key, _ in form.fields["question_keys"].choices] == ["story"]

    office_client.post(
        url("criterion_add", award),
        {
            "title": "Impact on patients",
            "weight": "2",
            "scale_min": "0",
            "scale_max": "5",
            "levels": "0: None\n5: Great",
            "question_keys": ["story"],
        },
    )

    criterion = award.criteria.get()
    assert (criterion.key, criterion.question_keys, criterion.level_descriptors) == (
        "impact-on-patients", ["story"], {0: "None", 5: "Great"},
    )  # fmt: skip
    page = office_client.get(url("criterion", award, criterion.pk)).content.decode()
    assert 'value="2"' in page  # not 2.0000
    type(criterion).objects.filter(pk=criterion.pk).update(weight=10)
    assert "Weight 10 ·" in office_client.get(url("build", award)).content.decode()  # not 1E+1


def test_moving_and_removing_from_the_builder_page(office_client, award):
    first, second = (
        SectionFactory(award=award, title="First", position=0),
        SectionFactory(award=award, title="Second", position=1),
    )

    office_client.post(url("build", award), {"kind": "section", "action": "down", "item": first.pk})
    assert list(award.sections.order_by("position").values_list("title", flat=True)) == ["Second", "First"]
    office_client.post(url("build", award), {"kind": "section", "action": "remove", "item": second.pk})
    assert list(award.sections.values_list("title", flat=True)) == ["First"]
    refused = office_client.post(
        url("build", award), {"kind": "nonsense", "action": "up", "item": first.pk}, follow=True
    )
    assert "not one the builder makes" in refused.content.decode()


def test_drag_and_drop_posts_the_order(office_client, award):
    section = SectionFactory(award=award)
    questions = [QuestionFactory(section=section, key=k, position=i) for i, k in enumerate("abc")]

    response = office_client.post(
        url("build", award),
        {
            "kind": "question",
            "action": "order",
            "section": section.pk,
            "ids": [questions[2].pk, questions[0].pk, questions[1].pk],
        },
        headers={"X-Requested-With": "fetch"},
    )

    assert response.status_code == 204
    assert list(section.questions.order_by("position").values_list("key", flat=True)) == ["c", "a", "b"]
    stale = office_client.post(
        url("build", award),
        {"kind": "question", "action": "order", "section": section.pk, "ids": [questions[0].pk]},
        headers={"X-Requested-With": "fetch"},
    )
    assert stale.status_code == 409


def test_only_the_programmes_manager_builds(client, award):
    viewer, other = UserFactory(), UserFactory()
    office.role_grant(award.programme, viewer, OfficeRole.Role.VIEWER)
    office.role_grant(ProgrammeFactory(), other, OfficeRole.Role.MANAGER)
    client.force_login(viewer)
    assert client.get(url("build", award)).status_code == 403
    client.force_login(other)
    assert client.get(url("build", award)).status_code == 404
    assert client.post(url("section_add", award), {"title": "Sneaky"}).status_code == 404
    assert not Section.objects.filter(title="Sneaky").exists()


def test_the_preview_may_be_framed_by_the_site_only(office_client, award):
    response = office_client.get(reverse("admin:awards_award_preview", args=[award.pk]))

    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    builder = office_client.get(url("build", award))
    assert builder["X-Frame-Options"] == "DENY"


def test_the_builder_page_stays_flat_in_queries(office_client, award):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def grow(n):
        for s in range(n):
            section = SectionFactory(award=award, position=100 + s)
            for q in range(4):
                QuestionFactory(section=section, position=q)
            CriterionFactory(award=award)

    def count():
        office_client.get(url("build", award))
        with CaptureQueriesContext(connection) as queries:
            assert office_client.get(url("build", award)).status_code == 200
        return [q["sql"][:150] for q in queries.captured_queries]

    grow(1)
    small = count()
    grow(5)
    large = count()
    assert len(large) == len(small), large
    assert len(large) <= 25, large  # the admin's menu and permissions included


def test_an_award_built_in_the_builder_passes_the_pre_flight_check(office_client, award):
    from awards import publishing

    office_client.post(url("section_add", award), {"title": "Your nomination"})
    section = award.sections.get()
    office_client.post(
        url("question_add", award) + "?type=long_text",
        {"section": section.pk, "prompt": "What did they do?", "required": "on"},
    )
    office_client.post(
        url("criterion_add", award),
        {"title": "Impact", "weight": "1", "scale_min": "0", "scale_max": "5", "levels": "0: None\n5: Great"},
    )

    assert publishing.preflight(award.programme, [Award.objects.get(pk=award.pk)]).ready
