"""Browser journey: a nominator answers one question of every type, as a person would, checks
the answers and submits; axe on every page. (A date question used to be a server error.)"""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from awards import format
from nominations.models import Answer, Nomination
from tests.e2e.conftest import assert_accessible
from tests.e2e.nominating import PDF_BYTES, fill_identity, start_nomination
from tests.factories import make_public

pytestmark = pytest.mark.django_db(transaction=True)


def definition():
    now = timezone.now()
    return {
        "format": 1,
        "programme": {
            "slug": "every-type",
            "name": "Every Type Awards",
            "organiser": "Northfield NHS Trust",
            "contact_email": "awards@example.org",
            "timezone": "Europe/London",
            "nominations_open": (now - timezone.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "nominations_close": (now + timezone.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
        },
        "awards": [
            {
                "slug": "every-type",
                "title": "Every Type Award",
                "summary": "One question of each kind.",
                "nominee": "individual",
                "self_nomination": False,
                "sections": [
                    {
                        "title": "About the work",
                        "questions": [
                            {
                                "key": "headline",
                                "prompt": "A headline for their work",
                                "type": "short_text",
                                "max_length": 80,
                            },
                            {"key": "story", "prompt": "What did they do?", "type": "long_text", "max_words": 50},
                            {"key": "manager-email", "prompt": "Their manager's email address", "type": "email"},
                            {"key": "website", "prompt": "A web page about the work", "type": "url"},
                            {"key": "phone", "prompt": "A phone number for the team", "type": "phone"},
                            {
                                "key": "patients",
                                "prompt": "How many patients did it reach?",
                                "type": "number",
                                "min_value": 0,
                                "max_value": 100000,
                            },
                            {"key": "started", "prompt": "When did the work start?", "type": "date"},
                        ],
                    },
                    {
                        "title": "Where and how",
                        "questions": [
                            {
                                "key": "region",
                                "prompt": "Which region?",
                                "type": "choice",
                                "choices": ["North", "South", "East", "West"],
                                "reportable": True,
                            },
                            {
                                "key": "settings",
                                "prompt": "Which care settings?",
                                "type": "multi_choice",
                                "choices": ["Hospital", "Community", "Home"],
                                "max_choices": 2,
                            },
                            {"key": "partners", "prompt": "Did partner organisations help?", "type": "yes_no"},
                            {
                                "key": "evidence",
                                "prompt": "Supporting evidence",
                                "type": "file",
                                "file_types": ["pdf"],
                                "max_size_mb": 1,
                            },
                            {
                                "key": "referee",
                                "prompt": "Who can support this nomination?",
                                "type": "endorsement",
                                "max_words": 200,
                            },
                        ],
                    },
                ],
                "criteria": [
                    {"key": "impact", "title": "Impact", "weight": 1, "scale": [0, 5], "questions": ["story"]}
                ],
            }
        ],
    }


def test_a_nominator_answers_one_question_of_every_type(page, live_server):
    programme = make_public(format.import_definition(format.parse(definition())).programme)
    award = programme.awards.get()
    assert {q.type for q in award.questions.all()} == set(format.rules.QUESTION_TYPES)
    start_nomination(page, f"{live_server.url}/programmes/every-type/every-type/")
    assert_accessible(page)
    fill_identity(page)
    page.get_by_label("A headline for their work").fill("Listening clinic")
    page.get_by_label("What did they do?").fill("They listened to every patient and changed the clinic")
    page.get_by_label("Their manager's email address").fill("manager@example.org")
    page.get_by_label("A web page about the work").fill("www.example.org/clinic")
    page.get_by_label("A phone number for the team").fill("01632 960 001")
    page.get_by_label("How many patients did it reach?").fill("1250")
    date = page.get_by_role("group", name="When did the work start?")
    date.get_by_label("Day").fill("29")
    date.get_by_label("Month").fill("2")
    date.get_by_label("Year").fill("2024")
    page.get_by_role("group", name="Which region?").get_by_label("South").check()
    settings = page.get_by_role("group", name="Which care settings?")
    settings.get_by_label("Hospital").check()
    settings.get_by_label("Home").check()
    page.get_by_role("group", name="Did partner organisations help?").get_by_label("No").check()
    page.get_by_label("Supporting evidence").set_input_files(
        {"name": "evidence.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    referee = page.get_by_role("group", name="Who can support this nomination?")
    referee.get_by_label("Their full name").fill("Dr Jane Doe")
    referee.get_by_label("Their role, and how they know the nominee").fill("Ward sister")
    referee.get_by_label("Their email address").fill("jane@example.org")
    assert_accessible(page)
    page.get_by_role("button", name="Continue to check your answers").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    for shown in (
        "Listening clinic",
        "manager@example.org",
        "1250",
        "29 February 2024",
        "South",
        "Hospital, Home",
        "evidence.pdf",
        "Dr Jane Doe, Ward sister (jane@example.org)",
    ):
        expect(page.get_by_text(shown, exact=False).first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit nomination").click()
    expect(page.get_by_role("heading", name="Nomination submitted")).to_be_visible()
    assert_accessible(page)
    nomination = Nomination.objects.get(award=award)
    assert nomination.status == "submitted"
    values = dict(Answer.objects.filter(nomination=nomination).values_list("question__key", "value"))
    assert values == {
        "headline": "Listening clinic",
        "story": "They listened to every patient and changed the clinic",
        "manager-email": "manager@example.org",
        "website": "https://www.example.org/clinic",
        "phone": "01632 960 001",
        "patients": "1250",
        "started": "2024-02-29",
        "region": "South",
        "settings": ["Hospital", "Home"],
        "partners": "no",
        "evidence": "evidence.pdf",
        "referee": {"name": "Dr Jane Doe", "role": "Ward sister", "email": "jane@example.org", "note": ""},
    }
