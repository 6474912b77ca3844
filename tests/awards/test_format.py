"""The award format: export then import is exact, bad files are refused whole with path-named problems."""

import copy
import datetime as dt
import io
import zoneinfo
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from awards import format
from awards.models import Award, Criterion, Programme, Question, Section
from tests.factories import AnswerFactory, NominationFactory

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo" / "data"
DEMO_FILES = sorted(DEMO_DIR.glob("*.yaml"))

pytestmark = pytest.mark.django_db


def minimal_doc() -> dict:
    return {
        "format": 1,
        "programme": {
            "slug": "test-awards",
            "name": "Test Awards",
            "organiser": "Northfield NHS Trust",
            "contact_email": "awards@example.org",
            "timezone": "Europe/London",
            "nominations_open": "2026-12-01T09:00",
            "nominations_close": "2027-01-31T17:00",
        },
        "awards": [
            {
                "slug": "kindness",
                "title": "Kindness Award",
                "summary": "For kindness.",
                "nominee": "individual",
                "self_nomination": False,
                "sections": [
                    {
                        "title": "Your nomination",
                        "questions": [
                            {"key": "story", "prompt": "What did they do?", "type": "long_text", "max_words": 300},
                            {"key": "has-partners", "prompt": "Partners?", "type": "yes_no"},
                            {
                                "key": "partners",
                                "prompt": "Which partners?",
                                "type": "short_text",
                                "show_if": {"question": "has-partners", "equals": True},
                            },
                            {"key": "region", "prompt": "Region?", "type": "choice", "choices": ["North", "South"]},
                        ],
                    }
                ],
                "criteria": [
                    {"key": "impact", "title": "Impact", "weight": 1, "scale": [0, 5], "questions": ["story"]},
                ],
            }
        ],
    }


def import_doc(doc, **kwargs):
    return format.import_definition(format.parse(copy.deepcopy(doc)), **kwargs)


def snapshot(programme: Programme) -> dict:
    """Every stored field of a programme and everything under it, without database ids."""

    def fields(obj, exclude=()):
        data = model_to_dict(obj, exclude=["id", *exclude])
        return data

    awards = programme.awards.order_by("position")
    return {
        "programme": fields(programme),
        "awards": [
            {
                "award": fields(award, exclude=["programme"]),
                "sections": [fields(s, exclude=["award"]) for s in award.sections.order_by("position")],
                "questions": [
                    {**fields(q, exclude=["award", "section"]), "section": q.section.position}
                    for q in award.questions.order_by("section__position", "position")
                ],
                "criteria": [fields(c, exclude=["award"]) for c in award.criteria.order_by("position")],
            }
            for award in awards
        ],
    }


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.name)
def test_export_then_import_gives_back_the_same_programme_field_for_field(path):
    result = format.import_text(path.read_bytes())
    before = snapshot(result.programme)
    exported = format.export_text(result.programme)

    Programme.objects.all().delete()
    again = format.import_text(exported)

    assert snapshot(again.programme) == before
    assert format.export_text(again.programme) == exported


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.name)
def test_the_demo_file_is_what_the_exporter_writes(path):
    """The committed demo definition is canonical: importing and exporting it changes nothing."""
    result = format.import_text(path.read_bytes())
    body = "".join(line for line in path.read_text().splitlines(keepends=True) if not line.startswith("#"))
    assert format.export_text(result.programme) == body


def test_json_round_trip_matches_yaml():
    result = import_doc(minimal_doc())
    before = format.export_definition(result.programme)
    as_json = format.export_text(result.programme, as_json=True)
    Programme.objects.all().delete()
    again = format.import_text(as_json)
    assert format.export_definition(again.programme) == before


def test_local_times_are_read_in_the_programme_time_zone():
    doc = minimal_doc()
    doc["programme"]["timezone"] = "America/New_York"
    programme = import_doc(doc).programme
    assert programme.nominations_open == dt.datetime(2026, 12, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert format.export_definition(programme)["programme"]["nominations_open"] == "2026-12-01T09:00"


def test_a_bare_yes_in_show_if_means_yes():
    programme = import_doc(minimal_doc()).programme
    question = Question.objects.get(award__programme=programme, key="partners")
    assert question.show_if == {"question": "has-partners", "equals": "yes"}


# ---------------------------------------------------------------- refusals


def problems_for(doc) -> list[str]:
    with pytest.raises(format.AwardFormatError) as excinfo:
        import_doc(doc)
    return excinfo.value.problems


def award0(doc):
    return doc["awards"][0]


def questions0(doc):
    return doc["awards"][0]["sections"][0]["questions"]


BAD_DOCUMENTS = {
    "scale minimum not below maximum": (
        lambda d: award0(d)["criteria"][0].update(scale=[5, 5]),
        "awards[0].criteria[0].scale: minimum must be below maximum",
    ),
    "scale not two numbers": (
        lambda d: award0(d)["criteria"][0].update(scale=[0]),
        "awards[0].criteria[0].scale: must be [minimum, maximum], two whole numbers",
    ),
    "negative weight": (
        lambda d: award0(d)["criteria"][0].update(weight=-1),
        "awards[0].criteria[0].weight: must be 0 or more (0 keeps the criterion out of the total)",
    ),
    "show_if names a missing question": (
        lambda d: questions0(d)[2].update(show_if={"question": "nope", "equals": "yes"}),
        "awards[0].sections[0].questions[2].show_if: names 'nope', which is not an earlier question of this award",
    ),
    "show_if names a later question": (
        lambda d: questions0(d)[0].update(show_if={"question": "region", "equals": "North"}),
        "awards[0].sections[0].questions[0].show_if: names 'region', which is not an earlier question of this award",
    ),
    "show_if names a text question": (
        lambda d: questions0(d)[2].update(show_if={"question": "story", "equals": "x"}),
        "awards[0].sections[0].questions[2].show_if: names 'story', a long_text question; "
        "only choice and yes_no questions can decide",
    ),
    "show_if value not a choice": (
        lambda d: questions0(d).append(
            {
                "key": "north-detail",
                "prompt": "?",
                "type": "short_text",
                "show_if": {"question": "region", "equals": "East"},
            }
        ),
        "awards[0].sections[0].questions[4].show_if: 'East' is not one of the choices of 'region'",
    ),
    "choice question with no choices": (
        lambda d: questions0(d)[3].update(choices=[]),
        "awards[0].sections[0].questions[3].choices: a choice question needs at least one choice",
    ),
    "duplicate question keys": (
        lambda d: questions0(d)[1].update(key="story"),
        "awards[0].sections[0].questions[1].key: 'story' is used by an earlier question of this award",
    ),
    "duplicate criterion keys": (
        lambda d: award0(d)["criteria"].append(dict(award0(d)["criteria"][0])),
        "awards[0].criteria[1].key: 'impact' is used by an earlier criterion of this award",
    ),
    "duplicate award slugs": (
        lambda d: d["awards"].append(copy.deepcopy(award0(d))),
        "awards[1].slug: 'kindness' is used by an earlier award",
    ),
    "criterion names a missing question": (
        lambda d: award0(d)["criteria"][0].update(questions=["ghost"]),
        "awards[0].criteria[0].questions: 'ghost' is not a question of this award",
    ),
    "unknown question type": (
        lambda d: questions0(d)[0].update(type="essay"),
        "awards[0].sections[0].questions[0].type: must be one of short_text, long_text, email, url, phone, number, "
        "date, choice, multi_choice, yes_no, file",
    ),
    "option of another type": (
        lambda d: questions0(d)[3].update(max_words=10),
        "awards[0].sections[0].questions[3].max_words: does not apply to a choice question",
    ),
    "words range upside down": (
        lambda d: questions0(d)[0].update(min_words=400),
        "awards[0].sections[0].questions[0].max_words: minimum words must not be more than the maximum",
    ),
    "level outside the scale": (
        lambda d: award0(d)["criteria"][0].update(levels={0: "None", 7: "Beyond"}),
        "awards[0].criteria[0].levels: level 7 is outside the scale 0 to 5",
    ),
    "bad slug": (
        lambda d: award0(d).update(slug="Kindness Award"),
        "awards[0].slug: must use only lower-case letters, digits and single hyphens (for example leadership-awards-2026)",
    ),
    "unknown time zone": (
        lambda d: d["programme"].update(timezone="Mars/Olympus"),
        "programme.timezone: 'Mars/Olympus' is not a known time zone (for example Europe/London)",
    ),
    "window closes before it opens": (
        lambda d: d["programme"].update(nominations_close="2026-11-01T09:00"),
        "programme.nominations_close: must be after the opening time",
    ),
    "unreadable date": (
        lambda d: d["programme"].update(nominations_open="next Tuesday"),
        "programme.nominations_open: 'next Tuesday' is not a date and time like 2026-12-01T09:00",
    ),
    "missing prompt": (
        lambda d: questions0(d)[0].pop("prompt"),
        "awards[0].sections[0].questions[0].prompt: is required",
    ),
    "unknown key": (
        lambda d: award0(d).update(colour="blue"),
        "awards[0].colour: is not a key of the award format",
    ),
    "wrong format version": (
        lambda d: d.update(format=2),
        "format: must be 1 (this is the only version Plaudit reads)",
    ),
    "unknown file type": (
        lambda d: questions0(d).append({"key": "evidence", "prompt": "?", "type": "file", "file_types": ["exe"]}),
        "awards[0].sections[0].questions[4].file_types: 'exe' is not an accepted file type",
    ),
}


@pytest.mark.parametrize("name", BAD_DOCUMENTS)
def test_a_bad_document_is_refused_with_its_path_and_nothing_is_written(name):
    break_it, expected = BAD_DOCUMENTS[name]
    doc = minimal_doc()
    break_it(doc)

    problems = problems_for(doc)

    assert any(problem.startswith(expected) for problem in problems), problems
    assert Programme.objects.count() == 0
    assert (
        Award.objects.count() == Section.objects.count() == Question.objects.count() == Criterion.objects.count() == 0
    )


def test_every_problem_is_listed_not_just_the_first():
    doc = minimal_doc()
    award0(doc)["criteria"][0]["scale"] = [3, 1]
    questions0(doc)[3]["choices"] = []
    problems = problems_for(doc)
    assert "awards[0].criteria[0].scale: minimum must be below maximum" in problems
    assert "awards[0].sections[0].questions[3].choices: a choice question needs at least one choice" in problems


def test_a_bad_reimport_leaves_the_existing_programme_untouched():
    programme = import_doc(minimal_doc()).programme
    before = snapshot(programme)
    doc = minimal_doc()
    doc["programme"]["name"] = "Renamed"
    award0(doc)["criteria"][0]["weight"] = -2
    problems_for(doc)
    assert snapshot(Programme.objects.get()) == before


def test_yaml_syntax_errors_name_the_line():
    with pytest.raises(format.AwardFormatError) as excinfo:
        format.import_text("format: 1\nprogramme: [unclosed\n")
    assert excinfo.value.problems[0].startswith("line 3, column 1:")


# ---------------------------------------------------------------- re-import


def test_reimport_updates_in_place_by_slug():
    first = import_doc(minimal_doc()).programme
    question_id = Question.objects.get(key="story").pk
    doc = minimal_doc()
    doc["programme"]["name"] = "Test Awards (renamed)"
    questions0(doc)[0]["prompt"] = "What did they do, in your words?"

    result = import_doc(doc)

    assert not result.created
    assert result.programme.pk == first.pk
    assert result.programme.name == "Test Awards (renamed)"
    assert Question.objects.get(key="story").pk == question_id
    assert Question.objects.get(key="story").prompt == "What did they do, in your words?"


def test_removing_an_unanswered_question_deletes_it():
    import_doc(minimal_doc())
    doc = minimal_doc()
    questions0(doc).pop(3)
    import_doc(doc)
    assert not Question.objects.filter(key="region").exists()


def test_removing_a_question_with_answers_is_refused_naming_it():
    import_doc(minimal_doc())
    AnswerFactory(question=Question.objects.get(key="region"), value="North")
    doc = minimal_doc()
    questions0(doc).pop(3)

    problems = problems_for(doc)

    assert problems[0] == "awards[0].sections: removing question 'region' would orphan its 1 answers"
    assert Question.objects.get(key="region").active


def test_changing_the_type_of_an_answered_question_is_refused():
    import_doc(minimal_doc())
    AnswerFactory(question=Question.objects.get(key="story"))
    doc = minimal_doc()
    questions0(doc)[0].update(type="short_text")
    questions0(doc)[0].pop("max_words")

    problems = problems_for(doc)

    assert problems[0] == (
        "awards[0].sections[0].questions[0].type: changing 'story' from long_text to short_text would orphan its 1 answers"
    )


def test_force_retires_answered_questions_and_keeps_every_answer():
    import_doc(minimal_doc())
    removed = AnswerFactory(question=Question.objects.get(key="region"), value="North")
    retyped = AnswerFactory(question=Question.objects.get(key="story"), value="A long story")
    doc = minimal_doc()
    questions0(doc).pop(3)
    questions0(doc)[0].update(type="short_text")
    questions0(doc)[0].pop("max_words")

    result = import_doc(doc, force=True)

    removed.refresh_from_db()
    retyped.refresh_from_db()
    assert removed.question.active is False and removed.value == "North"
    assert retyped.question.active is False and retyped.value == "A long story"
    assert Question.objects.get(key="story", active=True).type == "short_text"
    assert sorted(result.retired) == ["question 'region' of award 'kindness'", "question 'story' of award 'kindness'"]
    exported_keys = [
        q["key"] for q in format.export_definition(result.programme)["awards"][0]["sections"][0]["questions"]
    ]
    assert exported_keys == ["story", "has-partners", "partners"]


def test_a_retired_question_that_comes_back_gets_its_answers_back():
    import_doc(minimal_doc())
    answer = AnswerFactory(question=Question.objects.get(key="region"), value="South")
    doc = minimal_doc()
    questions0(doc).pop(3)
    import_doc(doc, force=True)

    import_doc(minimal_doc())

    answer.refresh_from_db()
    assert answer.question.active is True


def test_removing_an_award_with_nominations_is_refused_and_retired_with_force():
    programme = import_doc(minimal_doc()).programme
    NominationFactory(award=programme.awards.get())
    doc = minimal_doc()
    doc["awards"][0]["slug"] = "kindness-2027"

    assert problems_for(doc)[0] == "awards: removing award 'kindness' would orphan its 1 nominations"
    import_doc(doc, force=True)
    assert list(programme.awards.order_by("slug").values_list("slug", "active")) == [
        ("kindness", False),
        ("kindness-2027", True),
    ]


# ---------------------------------------------------------------- commands


def test_import_and_export_commands(tmp_path):
    source = tmp_path / "awards.yaml"
    source.write_text(yaml.safe_dump(minimal_doc(), sort_keys=False))
    out = io.StringIO()
    call_command("import_awards", str(source), stdout=out)
    assert out.getvalue().strip() == "Created test-awards with 1 awards."

    exported = io.StringIO()
    call_command("export_awards", "test-awards", stdout=exported)
    assert yaml.safe_load(exported.getvalue()) == format.export_definition(Programme.objects.get())


def test_import_command_lists_every_problem_and_fails(tmp_path):
    doc = minimal_doc()
    award0(doc)["criteria"][0]["scale"] = [3, 1]
    source = tmp_path / "bad.yaml"
    source.write_text(yaml.safe_dump(doc))
    with pytest.raises(CommandError) as excinfo:
        call_command("import_awards", str(source))
    assert "awards[0].criteria[0].scale: minimum must be below maximum" in str(excinfo.value)
    assert Programme.objects.count() == 0


def test_export_command_names_known_programmes_when_the_slug_is_wrong():
    import_doc(minimal_doc())
    with pytest.raises(CommandError, match="No programme 'nope'. Known programmes: test-awards."):
        call_command("export_awards", "nope")


def test_load_demo_twice_duplicates_nothing():
    call_command("load_demo", stdout=io.StringIO())
    counts = [m.objects.count() for m in (Programme, Award, Section, Question, Criterion)]
    call_command("load_demo", stdout=io.StringIO())
    assert [m.objects.count() for m in (Programme, Award, Section, Question, Criterion)] == counts
    assert list(Award.objects.values_list("title", flat=True)) == [
        "Excellence in Patient Experience",
        "Leading for Service Improvement and Innovation",
        "Service User Engagement Award",
        "Patient Leadership",
    ]


def test_half_characters_are_refused_by_path_not_crashed_on():
    # Found by fuzzing: a JSON "\ud800" escape is half a character; showing it in an error failed.
    with pytest.raises(format.AwardFormatError) as refused:
        format.load(b'{"format": 1, "programme": {"name": "\\ud800"}}')
    assert "must be valid Unicode text" in str(refused.value)
    str(refused.value).encode("utf-8")


def test_nul_characters_are_refused_by_path():
    with pytest.raises(format.AwardFormatError, match="no NUL characters"):
        format.load('{"format": 1, "programme": {"name": "a\\u0000b"}}')


# ---------------------------------------------------------------- files that attack the reader


def yaml_text(doc) -> str:
    return yaml.safe_dump(doc, sort_keys=False)


def load_problems(text) -> list[str]:
    with pytest.raises(format.AwardFormatError) as excinfo:
        format.import_text(text)
    return excinfo.value.problems


def test_an_alias_inside_its_own_anchor_is_refused_not_a_recursion_error():
    text = yaml_text(minimal_doc()) + "loop: &loop [*loop]\n"
    assert load_problems(text) == ["document: an alias refers to the node that holds it (a loop)"]
    assert load_problems("&a [*a, *a]") == ["document: an alias refers to the node that holds it (a loop)"]


def test_nested_aliases_are_refused_before_they_are_expanded():
    # Nine levels of nine aliases: a few hundred bytes standing for 387 million values.
    lines = ['a0: &a0 ["lol"]'] + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    text = "\n".join(lines) + "\n"
    assert len(text) < 1000
    problems = load_problems(text)
    assert problems == ["document: too large once its aliases are expanded (over 200,000 values); write it out in full"]


def test_a_file_larger_than_the_format_allows_is_refused_unread():
    text = "format: 1\n# " + "x" * (format.MAX_BYTES + 10) + "\n"
    assert load_problems(text) == ["document: the file is larger than 1,024 KB; an award definition is far smaller"]


def test_the_admin_import_refuses_a_large_file_with_a_clear_message(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("big.yaml", b"format: 1\n# " + b"x" * 8 * 1024 * 1024)
    response = admin_client.post("/admin/awards/programme/import/", {"file": upload})
    assert response.status_code == 200
    assert "larger than 1,024 KB" in response.content.decode()
    assert not Programme.objects.exists()


def test_yes_and_no_are_words_and_only_true_and_false_are_booleans():
    doc = minimal_doc()
    text = yaml_text(doc).replace("weight: 1", "weight: 1\n    levels:\n      0: no\n      5: yes")
    text = text.replace("equals: true", "equals: yes")
    programme = format.import_text(text).programme
    criterion = Criterion.objects.get(award__programme=programme, key="impact")
    assert criterion.levels == {"0": "no", "5": "yes"}  # the words, not "False" and "True"
    # show_if keeps taking both, as the format says.
    assert Question.objects.get(award__programme=programme, key="partners").show_if["equals"] == "yes"
    assert "awards[0].self_nomination: must be true or false" in load_problems(
        yaml_text(doc).replace("self_nomination: false", "self_nomination: no")
    )


def test_numbers_with_colons_or_leading_zeros_stay_text():
    doc = minimal_doc()
    doc["awards"][0]["sections"][0]["questions"][3]["choices"] = ["North", "South"]
    text = yaml_text(doc).replace("- North", "- 1:30").replace("- South", "- 010")
    programme = format.import_text(text).programme
    # YAML 1.1 would read 1:30 as 90 and 010 as 8.
    assert Question.objects.get(award__programme=programme, key="region").choices == ["1:30", "10"]


def test_a_form_in_steps_is_read_written_and_defaults_to_one_page():
    doc = minimal_doc()
    assert import_doc(doc).programme.awards.get().stepped is False
    doc["awards"][0]["stepped"] = True
    programme = import_doc(doc).programme
    assert programme.awards.get().stepped is True
    assert "stepped: true" in format.export_text(programme)
    assert "awards[0].stepped: must be true or false" in load_problems(
        yaml_text(doc).replace("stepped: true", "stepped: sometimes")
    )


def test_an_endorsement_question_round_trips_with_its_options():
    doc = minimal_doc()
    doc["awards"][0]["sections"][0]["questions"].append(
        {
            "key": "referee",
            "prompt": "Who can support this nomination?",
            "type": "endorsement",
            "max_words": 300,
            "file_types": ["pdf"],
            "max_size_mb": 5,
            "wait_for_statement": True,
        }
    )
    programme = import_doc(doc).programme
    question = programme.awards.get().questions.get(key="referee")
    assert (question.type, question.max_words, question.file_types, question.wait_for_statement) == (
        "endorsement",
        300,
        ["pdf"],
        True,
    )
    before = snapshot(programme)
    exported = format.export_definition(programme)
    assert exported["awards"][0]["sections"][0]["questions"][-1]["wait_for_statement"] is True
    programme.delete()
    assert snapshot(import_doc(exported).programme) == before
    bad = copy.deepcopy(doc)
    bad["awards"][0]["sections"][0]["questions"][0]["wait_for_statement"] = True  # a long_text question
    assert any("wait_for_statement: does not apply to a long_text question" in p for p in problems_for(bad))
