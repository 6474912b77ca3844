"""Any award the format accepts works end to end.

Hypothesis writes award definitions as docs/award-format.md allows them: every question type,
word, character, number and choice limits, choices, chains of `show_if`, weights of 0 and with
decimals, scales, N/A, identifying and hidden-from-judges answers, reportable questions, files,
blind stages, supporting statements, forms in steps. For each: import it; read the public award page; open the nomination form; fill
it with valid answers at the edges of their limits and submit it (over HTTP, files included);
bring it into a stage and score it; read the ranking, its explanation and its exports (CSV and
XLSX); build the shortlist PDF; export the definition and import it again unchanged.
"""

import datetime as dt
import io
import os
import re
from decimal import Decimal

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awards import format
from awards.models import Award
from judging.entries import stage_sync_entries
from judging.models import Assignment, PanelMember, ShortlistPack, Stage
from judging.scorecards import ScoreInput, scorecard_save
from nominations import domain as nominations
from nominations import endorsements
from nominations.models import Endorsement, Nomination
from results.shortlist import pack_build
from tests.factories import UserFactory, declare_all, make_public

pytestmark = pytest.mark.django_db

FILES = {
    "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82",
    "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00"
    b"\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
    "txt": "Evidence, with a café and an em dash — as typed.\n".encode(),
    "csv": b"ward,patients\nNorth,12\n",
}

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé", min_size=1, max_size=8)
phrases = st.lists(words, min_size=1, max_size=6).map(" ".join).map(str.capitalize)
prose = st.one_of(st.just(""), phrases, st.lists(phrases, min_size=1, max_size=3).map(". ".join))
decimals = st.decimals(min_value=Decimal("-1000"), max_value=Decimal("100000"), places=2, allow_nan=False)


@st.composite
def questions(draw, key: str, earlier: list[dict]):
    qtype = draw(st.sampled_from(format.rules.QUESTION_TYPES))
    question = {"key": key, "prompt": draw(phrases) + "?", "type": qtype, "required": draw(st.booleans())}
    if draw(st.booleans()):
        question["guidance"] = draw(prose) or "Say what they did."
    for flag in ("identifying", "visible_to_judges"):
        if draw(st.integers(0, 3)) == 0:
            question[flag] = draw(st.booleans())
    if qtype == "short_text" and draw(st.booleans()):
        question["max_length"] = draw(st.integers(1, 300))
    if qtype == "long_text":
        low = draw(st.one_of(st.none(), st.integers(1, 40)))
        high = draw(st.one_of(st.none(), st.integers(low or 1, 500)))
        question.update({k: v for k, v in (("min_words", low), ("max_words", high)) if v is not None})
    if qtype == "number":
        low, high = sorted([draw(decimals), draw(decimals)])
        if draw(st.booleans()):
            question["min_value"] = float(low) if draw(st.booleans()) else int(low)
        if draw(st.booleans()) and high > low:
            question["max_value"] = float(high)
    if qtype in ("choice", "multi_choice"):
        question["choices"] = draw(st.lists(phrases, min_size=1, max_size=12, unique_by=str.strip))
        if draw(st.booleans()):
            question["reportable"] = True
    if qtype == "multi_choice":
        count = len(question["choices"])
        low = draw(st.one_of(st.none(), st.integers(1, count)))
        high = draw(st.one_of(st.none(), st.integers(low or 1, count)))
        question.update({k: v for k, v in (("min_choices", low), ("max_choices", high)) if v is not None})
    if qtype == "yes_no" and draw(st.booleans()):
        question["reportable"] = True
    if qtype == "file":
        question["file_types"] = draw(st.lists(st.sampled_from(sorted(FILES)), min_size=1, max_size=4, unique=True))
        if draw(st.booleans()):
            question["file_types"].append(draw(st.sampled_from(["docx", "xlsx", "odt", "rtf"])))
        question["max_size_mb"] = draw(st.sampled_from([0.5, 1, 2.5, 10]))
    if qtype == "endorsement":
        if draw(st.booleans()):
            question["max_words"] = draw(st.integers(1, 500))
        if draw(st.booleans()):
            question["file_types"] = draw(st.lists(st.sampled_from(sorted(FILES)), min_size=1, max_size=3, unique=True))
        if draw(st.booleans()):
            question["wait_for_statement"] = True
    sources = [q for q in earlier if q["type"] in ("choice", "yes_no")]
    if sources and draw(st.integers(0, 2)) == 0:
        source = draw(st.sampled_from(sources))
        equals = (
            draw(st.sampled_from(source["choices"]))
            if source["type"] == "choice"
            else draw(st.sampled_from(["yes", "no", True, False]))
        )
        question["show_if"] = {"question": source["key"], "equals": equals}
    return question


@st.composite
def award_definitions(draw):
    """A programme of one award, open now, written as the format allows."""
    zone = draw(st.sampled_from(["Europe/London", "UTC", "America/New_York", "Australia/Sydney"]))
    sections, earlier = [], []
    for _ in range(draw(st.integers(1, 3))):
        section = {"questions": []}
        if draw(st.booleans()):
            section["title"] = draw(phrases)
        if draw(st.booleans()):
            section["intro"] = draw(prose) or "Tell us more."
        for _ in range(draw(st.integers(1, 4))):
            question = draw(questions(f"q{len(earlier) + 1}", earlier))
            section["questions"].append(question)
            earlier.append(question)
        sections.append(section)
    keys = [q["key"] for q in earlier]
    criteria = []
    for c in range(draw(st.integers(1, 4))):
        low = draw(st.integers(0, 2))
        high = draw(st.integers(low + 1, low + 9))
        criterion = {
            "key": f"c{c + 1}",
            "title": draw(phrases),
            "weight": draw(st.sampled_from([0, 1, 1.5, 2, 0.25, 3])),
            "scale": [low, high],
            "allow_na": draw(st.booleans()),
            "questions": draw(st.lists(st.sampled_from(keys), unique=True, max_size=3)),
        }
        levels = draw(st.lists(st.integers(low, high), unique=True, max_size=high - low + 1))
        if levels:
            criterion["levels"] = {level: draw(phrases) for level in sorted(levels)}
        if draw(st.booleans()):
            criterion["description"] = draw(prose) or "Look for evidence."
        criteria.append(criterion)
    local = timezone.now().astimezone(__import__("zoneinfo").ZoneInfo(zone))
    return {
        "format": 1,
        "programme": {
            "slug": "any-award",
            "name": draw(phrases),
            "organiser": draw(phrases),
            "contact_email": "awards@example.org",
            "timezone": zone,
            "nominations_open": (local - dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "nominations_close": (local + dt.timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        },
        "awards": [
            {
                "slug": "the-award",
                "title": draw(phrases),
                "summary": draw(phrases),
                "description": draw(prose),
                "nominee": draw(st.sampled_from(format.rules.NOMINEE_KINDS)),
                "self_nomination": draw(st.booleans()),
                "stepped": draw(st.booleans()),
                "sections": sections,
                "criteria": criteria,
            }
        ],
    }


def answer_for(question) -> tuple[dict, dict]:
    """A valid answer at the edge of the question's limits, as form data and files."""
    name, qtype = f"q-{question.key}", question.type
    if qtype == "short_text":
        return {name: "é" * (question.max_length or 40)}, {}
    if qtype == "long_text":
        return {name: " ".join(["word"] * (question.max_words or question.min_words or 12))}, {}
    if qtype == "email":
        return {name: "someone@example.org"}, {}
    if qtype == "url":
        return {name: "www.example.org/work"}, {}
    if qtype == "phone":
        return {name: "+44 808 157 0192"}, {}
    if qtype == "number":
        value = question.max_value if question.max_value is not None else question.min_value
        return {name: f"{Decimal(value if value is not None else 3).normalize():f}"}, {}
    if qtype == "date":
        return {f"{name}_0": "29", f"{name}_1": "2", f"{name}_2": "2024"}, {}
    if qtype == "choice":
        return {name: question.choices[-1]}, {}
    if qtype == "multi_choice":
        return {name: question.choices[: question.max_choices or question.min_choices or 1]}, {}
    if qtype == "yes_no":
        return {name: "yes"}, {}
    if qtype == "endorsement":
        referee = ("Dr Jane Doe", "Her line manager", "jane@example.org", "Thank you for this.")
        return {f"{name}_{index}": part for index, part in enumerate(referee)}, {}
    kind = next(t for t in question.file_types if t in FILES)
    return {}, {name: SimpleUploadedFile(f"evidence.{kind}", FILES[kind])}


def identity(award: Award) -> dict:
    data = {
        "nominee_name": "Grace Hopper",
        "nominee_job_title": "Ward manager",
        "nominee_organisation": "Northfield NHS Trust",
        "nominee_email": "grace@example.org",
        "nominator_name": "Ada Lovelace",
        "nominator_organisation": "Southbay Health",
        "nominator_relationship": "Colleague",
    }
    if award.self_nomination:
        data["self_nomination"] = "no"
    if award.nominee == "individual_or_team":
        data["nominee_kind"] = "individual"
    return data


def shown(question, given: dict) -> bool:
    """Whether the form asks the question, given the answers to the questions before it."""
    if not question.show_if_key:
        return True
    return given.get(question.show_if_key) == question.show_if_value


def nominate(client: Client, award: Award) -> Nomination:
    response = client.post(
        reverse("nominations:start", args=[award.programme.slug, award.slug]), {"email": "ada@example.org"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    nomination = Nomination.objects.filter(award=award).latest("pk")
    edit = reverse("nominations:edit", args=[nomination.reference])
    page = client.get(edit)
    assert page.status_code == 200
    data, files, given = identity(award), {}, {}
    questions = [q for section in award.sections.all() for q in section.questions.filter(active=True)]
    for question in questions:
        if not shown(question, given):
            continue
        fields, uploads = answer_for(question)
        data.update(fields)
        files.update(uploads)
        if question.type in ("choice", "yes_no"):
            given[question.key] = fields[f"q-{question.key}"]
    response = client.post(edit, {**data, **files, "save": "1"})
    assert response.status_code == 302, re.findall(
        r'class="nhsuk-error-message"[^>]*>(.*?)</span>', response.content.decode(), re.S
    )
    response = client.post(reverse("nominations:submit", args=[nomination.reference]))
    nomination.refresh_from_db()
    assert nomination.status == "submitted", re.findall(
        r"nhsuk-error-summary__list.*?</ul>", response.content.decode(), re.S
    )
    if nomination.consent_status == "pending":
        nominations.consent_respond(nomination=nomination, agree=True, remove_data=False, now=timezone.now())
    for endorsement in Endorsement.objects.filter(nomination=nomination, status="requested"):
        # The referee writes (the statement a judge then reads, and one the award may wait for).
        endorsements.statement_submit(endorsement=endorsement, text="Supportive.", letter=None, now=timezone.now())
    nomination.refresh_from_db()
    assert nomination.goes_to_judging, nomination.why_not_judged
    return nomination


def judge_it(award: Award, blind: bool):
    stage = Stage.objects.create(award=award, name="Shortlisting", blind=blind)
    judge, chair = UserFactory(username="any-judge"), UserFactory(username="any-chair")
    PanelMember.objects.create(stage=stage, user=judge)
    PanelMember.objects.create(stage=stage, user=chair, role="chair")
    assert stage_sync_entries(stage=stage) == 1
    entry = stage.entries.get()
    Assignment.objects.create(entry=entry, judge=judge)
    declare_all(stage, judge)
    criteria = list(award.criteria.order_by("position", "id"))
    scores = {
        c.key: ScoreInput("na" if c.allow_na and i % 2 else str(c.scale_max if i % 3 else c.scale_min), "Fine.")
        for i, c in enumerate(criteria)
    }
    card = scorecard_save(
        entry=entry, judge=judge, scores=scores, overall_comment="Good", version=0, now=timezone.now(), submit=True
    )
    assert card.status == "submitted"
    return stage, judge, chair, entry


@settings(
    # 8 awards a run on each database in CI; set PLAUDIT_ANY_AWARD_EXAMPLES to search longer.
    max_examples=int(os.environ.get("PLAUDIT_ANY_AWARD_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(definition=award_definitions(), blind=st.booleans())
def test_any_award_the_format_accepts_works_end_to_end(db, settings, tmp_path, definition, blind):
    settings.MEDIA_ROOT = tmp_path
    with transaction.atomic():
        text = format.dump(definition)
        programme = make_public(format.import_text(text).programme)
        award = programme.awards.get()
        client = Client()
        page = client.get(reverse("awards:award", args=[programme.slug, award.slug]))
        assert page.status_code == 200
        nomination = nominate(client, award)
        assert nomination.goes_to_judging

        stage, judge, chair, entry = judge_it(award, blind)
        client.force_login(judge)
        scoring_page = client.get(reverse("judging:score", args=[stage.pk, entry.pk]))
        assert scoring_page.status_code == 200
        # Whatever the award: judges never read a referee's address or the nominator's note to
        # them, and in a blind stage not the referee's name either.
        html = scoring_page.content.decode()
        assert "jane@example.org" not in html and "Thank you for this." not in html
        if blind:
            assert "Dr Jane Doe" not in html
        assert client.get(reverse("judging:reading_pack", args=[stage.pk])).status_code == 200
        client.force_login(chair)
        for url in (
            reverse("judging:ranking", args=[stage.pk]),
            reverse("judging:ranking", args=[stage.pk]) + "?order=normalised&agreement=criteria",
            reverse("judging:explain", args=[stage.pk, entry.pk]),
            reverse("judging:export", args=[stage.pk, "ranking", "csv"]),
            reverse("judging:export", args=[stage.pk, "scores", "xlsx"]),
            reverse("judging:export", args=[stage.pk, "ranking", "xlsx"]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
        pack = ShortlistPack.objects.create(stage=stage, requested_by=chair)
        pack_build(pack.pk)
        pack.refresh_from_db()
        assert pack.status == "done", pack.error

        exported = format.export_definition(programme)
        again = format.import_text(format.dump(exported))
        assert not again.created and again.retired == []
        assert format.export_definition(again.programme) == exported
        assert yaml.safe_load(io.StringIO(format.dump(exported)))["awards"][0]["slug"] == "the-award"
        transaction.set_rollback(True)
