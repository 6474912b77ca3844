"""The form builder: one field per question type, each rule enforced on the server."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from awards import rules
from nominations.builder import FIELD_BUILDERS, AwardForm
from nominations.words import count_words
from tests.factories import AwardFactory, QuestionFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def section():
    return SectionFactory(award=AwardFactory())


def form_for(section, data=None, files=None):
    award = section.award
    return AwardForm(data, files, award=award)


def errors(section, key, value, files=None):
    form = form_for(section, {f"q-{key}": value} if files is None else {}, files)
    form.is_valid()
    return form.errors.get(f"q-{key}", [])


def test_every_question_type_has_a_builder():
    assert sorted(FIELD_BUILDERS) == sorted(rules.QUESTION_TYPES)


def test_a_required_question_must_be_answered(section):
    QuestionFactory(section=section, key="story")
    assert errors(section, "story", "") == [f"Enter your answer to: {section.questions.get().prompt}"]


def test_an_optional_question_may_be_left_blank(section):
    QuestionFactory(section=section, key="story", required=False)
    assert errors(section, "story", "") == []


def test_long_answers_are_refused_with_the_count_not_cut(section):
    QuestionFactory(section=section, key="story", max_words=3)
    form = form_for(section, {"q-story": "one two three four"})
    assert not form.is_valid()
    prompt = section.questions.get().prompt
    # The error names its question, so a summary of several says which to shorten.
    assert form.errors["q-story"] == [f"Your answer to “{prompt}” must be 3 words or fewer. You wrote 4 words."]
    # The answer is kept for the nominator to shorten; the widget never carries a maxlength.
    assert 'value="one two three four"' in str(form["q-story"]) or "one two three four" in str(form["q-story"])
    assert ' maxlength="' not in str(form["q-story"])


def test_short_answers_below_the_minimum_are_refused(section):
    QuestionFactory(section=section, key="story", min_words=3)
    prompt = section.questions.get().prompt
    assert errors(section, "story", "too short") == [
        f"Your answer to “{prompt}” must be at least 3 words. You wrote 2 words."
    ]


def test_short_text_character_limit_has_no_maxlength_attribute(section):
    QuestionFactory(section=section, key="title", type="short_text", max_length=5)
    form = form_for(section, {"q-title": "abcdefg"})
    assert not form.is_valid()
    prompt = section.questions.get().prompt
    assert form.errors["q-title"] == [
        f"Your answer to “{prompt}” must be 5 characters or fewer. You wrote 7 characters."
    ]
    assert ' maxlength="' not in str(form["q-title"])


@pytest.mark.parametrize(
    "qtype,good,bad,message",
    [
        ("email", "ana@example.org", "ana@", "Enter an email address in the correct format, like name@example.org"),
        ("url", "www.example.org", "not a url", "Enter a web address in the correct format, like www.example.org"),
        ("phone", "01632 960 001", "call me", "Enter a phone number, like 01632 960 001 or +44 808 157 0192"),
        ("number", "12.5", "twelve", "Enter a number, like 12 or 3.5"),
    ],
)
def test_validated_text_types(section, qtype, good, bad, message):
    QuestionFactory(section=section, key="answer", type=qtype)
    assert errors(section, "answer", good) == []
    assert errors(section, "answer", bad) == [message]


def test_number_range(section):
    QuestionFactory(section=section, key="staff", type="number", min_value=Decimal(1), max_value=Decimal(100))
    assert errors(section, "staff", "0") == ["Enter a number from 1 to 100"]
    assert errors(section, "staff", "100") == []


def test_date_is_three_boxes_and_must_be_real(section):
    QuestionFactory(section=section, key="started", type="date")
    form = form_for(section, {"q-started_0": "31", "q-started_1": "2", "q-started_2": "2026"})
    assert not form.is_valid()
    assert form.errors["q-started"] == ["Date must be a real date, like 27 3 2025"]
    form = form_for(section, {"q-started_0": "28", "q-started_1": "2", "q-started_2": ""})
    assert not form.is_valid()
    assert form.errors["q-started"] == ["Date must include a year"]
    form = form_for(section, {"q-started_0": "28", "q-started_1": "2", "q-started_2": "2026"})
    assert form.is_valid()
    assert form.answers() == {"started": dt.date(2026, 2, 28)}


def test_choice_accepts_only_its_choices(section):
    QuestionFactory(section=section, key="region", type="choice", choices=["North", "South"])
    assert errors(section, "region", "North") == []
    assert errors(section, "region", "Mars") == ["Select a valid choice. Mars is not one of the available choices."]
    assert isinstance(form_for(section).fields["q-region"].widget, forms.RadioSelect)


def test_a_long_choice_list_is_a_drop_down(section):
    QuestionFactory(section=section, key="trust", type="choice", choices=[f"Trust {n}" for n in range(12)])
    assert isinstance(form_for(section).fields["q-trust"].widget, forms.Select)


def test_multi_choice_counts(section):
    QuestionFactory(
        section=section, key="leaders", type="multi_choice", choices=["A", "B", "C"], min_choices=2, max_choices=2
    )
    form = form_for(section, {"q-leaders": ["A"]})
    assert not form.is_valid()
    assert form.errors["q-leaders"] == ["Choose at least 2. You chose 1."]
    form = form_for(section, {"q-leaders": ["A", "B", "C"]})
    assert not form.is_valid()
    assert form.errors["q-leaders"] == ["Choose 2 or fewer. You chose 3."]


def test_yes_no(section):
    QuestionFactory(section=section, key="partners", type="yes_no")
    assert errors(section, "partners", "yes") == []
    assert errors(section, "partners", "maybe") == ["Select a valid choice. maybe is not one of the available choices."]


def test_file_type_and_size(section):
    QuestionFactory(section=section, key="evidence", type="file", file_types=["pdf"], max_size_mb=Decimal("0.01"))
    exe = SimpleUploadedFile("virus.exe", b"MZ")
    assert errors(section, "evidence", None, files={"q-evidence": exe}) == ["The selected file must be a PDF"]
    big = SimpleUploadedFile("report.pdf", b"%PDF" + b"x" * 20_000)
    assert errors(section, "evidence", None, files={"q-evidence": big}) == [
        "The selected file must be smaller than 10.2\xa0KB"
    ]


# ---------------------------------------------------------------- conditional questions


@pytest.fixture
def conditional(section):
    QuestionFactory(section=section, key="has-partners", type="yes_no", position=0)
    QuestionFactory(
        section=section,
        key="partners",
        prompt="Which partners?",
        position=1,
        show_if_key="has-partners",
        show_if_value="yes",
    )
    QuestionFactory(
        section=section, key="partner-count", type="number", position=2, show_if_key="partners", show_if_value="x"
    )
    return section


def test_a_hidden_question_is_neither_required_nor_stored(conditional):
    form = form_for(conditional, {"q-has-partners": "no", "q-partners": "Leftover text from before"})
    assert form.is_valid(), form.errors
    assert form.answers() == {"has-partners": "no"}


def test_a_shown_question_is_required(conditional):
    form = form_for(conditional, {"q-has-partners": "yes"})
    assert not form.is_valid()
    assert form.errors["q-partners"] == ["Enter your answer to: Which partners?"]


def test_invalid_answers_to_hidden_questions_do_not_block(section):
    QuestionFactory(section=section, key="has-contact", type="yes_no", position=0)
    QuestionFactory(
        section=section, key="contact", type="email", position=1, show_if_key="has-contact", show_if_value="yes"
    )
    form = form_for(section, {"q-has-contact": "no", "q-contact": "not-an-email"})
    assert form.is_valid(), form.errors


# ---------------------------------------------------------------- words


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", 0),
        ("one", 1),
        ("state-of-the-art care", 5),
        ("it's 3,000 staff", 3),
        ("Caring 💙 for   everyone\n\n- bullet one\n- bullet two", 7),
        ("e.g. the ward", 4),
        ("10:30 on ward 7", 5),
        ("O'Neill and rock'n'roll", 3),
    ],
)
def test_words_are_counted_like_the_browser(text, expected):
    assert count_words(text) == expected


@pytest.mark.parametrize("text,expected", [("abc", 3), ("café", 4), ("👩‍⚕️ nurse", 7), ("🇬🇧", 1), ("", 0)])
def test_characters_are_counted_as_people_see_them(text, expected):
    from nominations.words import count_characters

    assert count_characters(text) == expected
