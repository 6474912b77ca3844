"""Fuzzing (hypothesis): every public and judge form and every import takes any input without a
server error: huge, unicode, control characters, wrong types, missing fields. Forms that refuse
say why next to the field. Missing CSRF tokens and replayed or made-up secret links are refused
cleanly too.

Example counts are kept modest so CI stays quick; each run tries new inputs (and hypothesis
keeps the failures it finds in its database for the next run).
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awards import format, office
from awards.models import OfficeRole
from nominations.domain import link_create
from nominations.models import Nomination
from tests.factories import (
    AwardFactory,
    CriterionFactory,
    ProgrammeFactory,
    QuestionFactory,
    SectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)

# Text as people and attackers type it: any unicode (control characters and NUL included),
# huge strings, numbers in words, HTML and formula payloads.
texts = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202e",
            "=1+1",
            "<script>alert(1)</script>",
            "-1",
            "99999999999999999999999",
            "na",
            "NaN",
            "1e309",
        ]
    ),
    st.integers().map(str),
    st.integers(1, 50).map(lambda n: "ab\n" * 2000 * n),  # up to 300,000 characters
)
values = st.one_of(texts, st.lists(texts, max_size=3))


def form_data(names):
    return st.fixed_dictionaries({}, optional={name: values for name in names})


def post(client, url, data):
    flat = {}
    for key, value in data.items():
        flat[key] = value
    return client.post(url, flat)


def assert_handled(response):
    assert response.status_code < 500, response.status_code
    if response.status_code == 200 and b"nhsuk-error-summary" in response.content:
        # Each refusal names its field: the error summary links every message to a field (or the form).
        body = response.content.decode()
        summary = body[body.index("nhsuk-error-summary") :][:5000]
        assert 'href="#' in summary or "non-field" in summary


@FUZZ
@given(data=form_data(["email", "nominator_email", "csrfmiddlewaretoken"]))
def test_starting_a_nomination(client, panel, data):
    award = panel.stage.award
    assert_handled(post(client, reverse("nominations:start", args=[award.programme.slug, award.slug]), data))


@FUZZ
@given(
    data=form_data(
        [
            "nominee_name",
            "nominee_email",
            "nominee_kind",
            "self_nomination",
            "nominator_name",
            "q-story",
            "q-team",
            "continue",
            "save",
            "_page",
            "_seq",
        ]
    )
)
def test_the_nomination_form_and_its_autosave(panel, data):
    import uuid

    client = Client()
    reference = f"KC-{uuid.uuid4().hex[:8]}"  # fresh each example, whatever an earlier one left
    nomination = Nomination.objects.create(
        award=panel.stage.award, reference=reference, nominator_email="a@example.org"
    )
    client.get(reverse("nominations:resume", args=[link_create(nomination=nomination)]))
    assert_handled(post(client, reverse("nominations:edit", args=[nomination.reference]), data))
    assert_handled(post(client, reverse("nominations:autosave", args=[nomination.reference]), data))
    assert_handled(post(client, reverse("nominations:autosave", args=[nomination.reference]) + "?step=2", data))
    assert_handled(post(client, reverse("nominations:step", args=[nomination.reference, 1]), data))
    assert_handled(post(client, reverse("nominations:withdraw", args=[nomination.reference]), data))


@FUZZ
@given(data=form_data(["method", "link-email", "username", "password", "sesame"]))
def test_sign_in(client, db, data):
    assert_handled(post(client, reverse("judging:sign_in"), data))
    assert_handled(post(client, reverse("judging:sign_in_link"), data))


@FUZZ
@given(
    data=form_data(["version", "score-impact", "score-reach", "comment-impact", "overall_comment", "submit", "next"])
)
def test_the_scoring_page_and_autosave(client, panel, data):
    client.force_login(panel.people["bob"])
    entry = panel.entries[1]
    assert_handled(post(client, reverse("judging:score", args=[panel.stage.pk, entry.pk]), data))
    assert_handled(post(client, reverse("judging:autosave", args=[panel.stage.pk, entry.pk]), data))


@FUZZ
@given(data=form_data(["reason"]))
def test_declaring_a_conflict_from_an_entry(client, panel, data):
    client.force_login(panel.people["bob"])
    entry = panel.entries[2]
    assert_handled(post(client, reverse("judging:conflict", args=[panel.stage.pk, entry.pk]), data))


@FUZZ
@given(data=form_data(["n-1-conflict", "n-1-reason", "n-2-conflict", "org-0-conflict"]))
def test_the_declaration(client, panel, data):
    client.force_login(panel.people["bob"])
    assert_handled(post(client, reverse("judging:declare", args=[panel.stage.pk]), data))


@FUZZ
@given(
    data=form_data(
        [
            "entries",
            "outcome",
            "reason",
            "action",
            "judge",
            "remove",
            "from_judge",
            "to_judge",
            "subject",
            "body",
            "outcome_send",
        ]
    )
)
def test_the_chairs_forms(client, panel, data):
    client.force_login(panel.people["chidi"])
    stage = panel.stage.pk
    for url in (
        reverse("judging:ranking", args=[stage]),
        reverse("judging:assignments", args=[stage]),
        reverse("judging:remind", args=[stage]),
        reverse("judging:assignment_change", args=[stage, panel.entries[1].pk]),
        reverse("judging:reopen", args=[stage, panel.entries[1].pk]),
        reverse("judging:outcomes", args=[stage]),
    ):
        assert_handled(post(client, url, data))


@FUZZ
@given(content=st.one_of(st.binary(max_size=3000), texts.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_uploading_assignments(client, panel, content):
    client.force_login(panel.people["chidi"])
    response = client.post(
        reverse("judging:assignments_upload", args=[panel.stage.pk]), {"file": SimpleUploadedFile("a.csv", content)}
    )
    assert_handled(response)


yaml_like = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), texts),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(
    document=st.one_of(
        yaml_like, st.fixed_dictionaries({"format": st.just(1), "programme": yaml_like, "awards": yaml_like})
    )
)
def test_the_award_format_refuses_any_document_by_path(document):
    try:
        format.parse(document if isinstance(document, dict) else {"format": 1, "awards": document})
    except format.AwardFormatError as error:
        assert all(isinstance(problem, tuple | str) for problem in error.args[0])


@FUZZ
@given(content=st.one_of(st.binary(max_size=2000), yaml_like.map(lambda d: json.dumps(d, default=str).encode())))
def test_the_admin_import_never_fails(admin_client, content):
    response = admin_client.post(
        "/admin/awards/programme/import/", {"file": SimpleUploadedFile("definition.yaml", content)}
    )
    assert_handled(response)


def test_a_missing_csrf_token_is_refused_not_an_error(panel):
    client = Client(enforce_csrf_checks=True)
    award = panel.stage.award
    response = client.post(reverse("nominations:start", args=[award.programme.slug, award.slug]), {"email": "a@b.c"})
    assert response.status_code == 403
    client.force_login(panel.people["bob"])
    response = client.post(reverse("judging:autosave", args=[panel.stage.pk, panel.entries[1].pk]), {"version": 0})
    assert response.status_code == 403


@pytest.mark.parametrize("token", ["", "x", "a" * 500, "../../etc/passwd", "%00", "🙂"])
def test_made_up_secret_links_are_not_found(client, db, token):
    if token:
        assert client.get(f"/n/{token}/").status_code == 404
        assert client.get(f"/consent/{token}/").status_code == 404
    response = client.post(reverse("judging:sign_in_link"), {"sesame": token})
    assert response.status_code == 400


def test_a_replayed_sign_in_link_is_refused(client, panel):
    from sesame.utils import get_query_string

    token = get_query_string(panel.people["bob"]).split("=", 1)[1]
    assert client.post(reverse("judging:sign_in_link"), {"sesame": token}).status_code == 302
    client.logout()
    assert client.post(reverse("judging:sign_in_link"), {"sesame": token}).status_code == 400


@FUZZ
@given(data=form_data(["version", "approve", "rank-1", "rank-2", "rank-3", "submit", "save"]))
def test_the_ballot(client, panel, data):
    stage = panel.stage
    stage.mode, stage.voting, stage.approvals_allowed = "voting", "ranked", 2
    stage.save()
    client.force_login(panel.people["bob"])
    assert_handled(post(client, reverse("judging:ballot", args=[stage.pk]), data))
    stage.voting = "approval"
    stage.save()
    assert_handled(post(client, reverse("judging:ballot", args=[stage.pk]), data))


@FUZZ
@given(data=form_data(["decision", "remove_data"]))
def test_the_nominees_consent(client, panel, data):
    from nominations.models import new_token

    token, token_hash = new_token()
    Nomination.objects.filter(pk=panel.entries[1].nomination_id).update(
        consent_token_hash=token_hash, consent_status="pending"
    )
    assert_handled(post(client, reverse("nominations:consent", args=[token]), data))


def test_a_nul_character_in_a_draft_is_dropped_not_an_error(panel):
    # Found by fuzzing on PostgreSQL, which cannot store NUL in text or JSON.
    client = Client()
    nomination = Nomination.objects.create(
        award=panel.stage.award, reference="KC-0991", nominator_email="a@example.org"
    )
    client.get(reverse("nominations:resume", args=[link_create(nomination=nomination)]))
    response = client.post(
        reverse("nominations:autosave", args=[nomination.reference]), {"nominee_name": "Gr\x00ace", "q-story": "a\x00b"}
    )
    assert response.status_code == 200
    nomination.refresh_from_db()
    assert nomination.identity_draft["nominee_name"] == "Grace"
    assert nomination.answers.get(question__key="story").draft == "ab"


@pytest.fixture
def built_award(db):
    award = AwardFactory(programme=ProgrammeFactory(status="draft"), status="draft")
    section = SectionFactory(award=award, position=0)
    for position in range(2):
        QuestionFactory(section=section, position=position)
    CriterionFactory(award=award)
    manager = UserFactory()
    office.role_grant(award.programme, manager, OfficeRole.Role.MANAGER)
    return award, manager


def _builder_state(award):
    return (
        list(award.sections.order_by("pk").values_list("pk", "position")),
        list(award.questions.order_by("pk").values_list("pk", "position", "active", "section")),
        list(award.criteria.order_by("pk").values_list("pk", "position")),
    )


ids_or_junk = st.one_of(texts, st.integers(-(10**20), 10**20).map(str), st.just("1"))


@FUZZ
@given(
    data=st.fixed_dictionaries(
        {"kind": st.sampled_from(["section", "question", "criterion", "nonsense", ""])},
        optional={
            "action": st.sampled_from(["up", "down", "remove", "order", "", "delete"]),
            "item": ids_or_junk,
            "section": ids_or_junk,
            "ids": st.lists(ids_or_junk, max_size=4),
        },
    ),
    fetch=st.booleans(),
)
def test_the_award_builders_posts(client, built_award, data, fetch):
    """Any post to the builder: handled, never a 500; one it could never have sent itself is a 400
    that says what was wrong (beside an unchanged award), and only a well-formed one changes it."""
    award, manager = built_award
    client.force_login(manager)
    before = _builder_state(award)
    headers = {"X-Requested-With": "fetch"} if fetch else {}
    response = client.post(reverse("admin:awards_award_build", args=[award.pk]), data, headers=headers)
    assert response.status_code < 500, response.status_code
    if response.status_code == 400:
        assert _builder_state(award) == before
        body = response.content.decode()
        assert "builder" in body or "number" in body or "section" in body, body[:300]


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "question", "action": "order", "section": "abc", "ids": ["1"]},
        {"kind": "section", "action": "order", "ids": ["1", "x"]},
        {"kind": "section", "action": "up", "item": "abc"},
        {"kind": "criterion", "action": "remove", "item": "²"},
        {"kind": "nonsense", "action": "up", "item": "1"},
    ],
)
def test_a_malformed_builder_post_is_a_400_with_a_message(client, built_award, data):
    award, manager = built_award
    client.force_login(manager)
    for headers in ({}, {"X-Requested-With": "fetch"}):
        response = client.post(reverse("admin:awards_award_build", args=[award.pk]), data, headers=headers)
        assert response.status_code == 400
        assert response.content.strip()
