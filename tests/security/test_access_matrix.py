"""Every URL pattern × every role, generated from the URLconf.

Roles: anonymous, nominator A, nominator B, the nominee, a judge, a judge conflicted with
the entry, a judge of another panel, the chair of another award, the chair, an admin, the
programme's manager, its office viewer (reads, never changes) and the manager of another programme.
Each of our URL names has a row saying what each role gets; a new URL with no row fails
here. Django's admin is checked by one rule for all its patterns: only staff get past the
login page, and nobody gets a server error. What a role may not see is a 404, never a 403.
"""

from dataclasses import dataclass
from http.cookies import SimpleCookie

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from awards import office
from judging.models import Scorecard, ShortlistPack
from nominations.domain import link_create
from nominations.models import Answer, Endorsement, Nomination, new_token
from results.models import OfficeMessage
from tests.factories import ProgrammeFactory, QuestionFactory, UserFactory

ROLES = [
    "anonymous",
    "nominator_a",
    "nominator_b",
    "nominee",
    "judge",
    "conflicted_judge",
    "other_panel_judge",
    "other_chair",
    "chair",
    "admin",
    "manager",
    "viewer",
    "other_manager",
]
# Office roles below superuser: the programme's manager and office viewer, and the manager of another programme.
OFFICE = {"manager": "manager", "viewer": "viewer", "other_manager": "manager"}
PEOPLE = {
    "judge": "bob",
    "conflicted_judge": "alice",
    "other_panel_judge": "charlie",
    "other_chair": "dana",
    "chair": "chidi",
    "admin": "root",
}
SIGNED_OUT = ["anonymous", "nominator_a", "nominator_b", "nominee"]
SIGN_IN = "sign-in"  # a redirect to the judges' sign-in page


def row(default, **overrides):
    return {role: overrides.get(role, default) for role in ROLES}


PUBLIC = row(200)
NOMINATOR_A = row(404, nominator_a=200)
JUDGE_PAGE = row(404, **dict.fromkeys(SIGNED_OUT, SIGN_IN), judge=200, conflicted_judge=200)
JUDGE_ENTRY = row(404, **dict.fromkeys(SIGNED_OUT, SIGN_IN), judge=200)
CHAIR_PAGE = row(404, **dict.fromkeys(SIGNED_OUT, SIGN_IN), chair=200, admin=200, manager=200, viewer=200)
CHAIR_POST = row(404, **dict.fromkeys(SIGNED_OUT, SIGN_IN), chair=302, admin=302, manager=302)
OFFICE_PAGE = row(404, **dict.fromkeys(SIGNED_OUT, SIGN_IN), admin=200, manager=200, viewer=200)
OFFICE_WRITE = row(404, **dict.fromkeys(SIGNED_OUT, SIGN_IN), admin=200, manager=200)
SIGNED_IN = row(200, **dict.fromkeys(SIGNED_OUT, SIGN_IN))

# name -> (method, expected per role)
MATRIX = {
    "plaudit:favicon": ("get", row(302)),
    "plaudit:health": ("get", PUBLIC),
    "plaudit:accessibility": ("get", PUBLIC),
    "plaudit:privacy": ("get", PUBLIC),
    "awards:home": ("get", PUBLIC),
    "awards:programme": ("get", PUBLIC),
    "awards:award": ("get", PUBLIC),
    "nominations:start": ("get", PUBLIC),
    # The secret link is the nominator's key: whoever holds it gets in, and nobody else.
    "nominations:resume": ("get", row(302)),
    # Lost links: the finding page is public; a key that is not a "my nominations" key opens
    # nothing; the list is only for a session that opened such a key (else back to finding).
    "nominations:find": ("get", PUBLIC),
    "nominations:mine_open": ("get", row(404)),
    "nominations:mine": ("get", row(302)),
    "nominations:edit": ("get", NOMINATOR_A),
    "nominations:step": ("get", NOMINATOR_A),
    "nominations:autosave": ("post", NOMINATOR_A),
    "nominations:check": ("get", NOMINATOR_A),
    "nominations:submit": ("post", NOMINATOR_A),  # a draft with answers missing: the check page says which
    "nominations:submitted": ("get", row(404, nominator_a=302)),  # not submitted yet: back to the form
    "nominations:receipt": ("get", row(404)),  # a draft has no receipt yet, even for its nominator
    "nominations:withdraw": ("get", NOMINATOR_A),
    "nominations:file": ("get", NOMINATOR_A),
    # The nominee's own key, like the nominator's link: exchanged for a session, then to /consent/.
    "nominations:consent": ("get", row(302)),
    "nominations:consent_page": ("get", row(404)),
    # The key in a nominator's reminders that stops them: anything else opens nothing.
    "nominations:reminders_stop": ("get", row(404)),  # only for the session that opened a consent link
    # A referee's key, like the nominee's: anything else opens nothing; the page only for its session.
    "nominations:statement_open": ("get", row(404)),
    "nominations:statement": ("get", row(404)),
    "nominations:statement_stop": ("get", row(404)),
    "nominations:statement_resend": ("post", row(404, nominator_a=302)),
    "judging:sign_in": (
        "get",
        row(
            200,
            **dict.fromkeys([role for role in ROLES if role not in SIGNED_OUT], 302),
        ),
    ),
    "judging:sign_in_link": ("get", PUBLIC),
    "judging:sign_out": ("post", row(SIGN_IN)),
    "judging:home": ("get", SIGNED_IN),
    "judging:declare": ("get", JUDGE_PAGE),
    "judging:queue": ("get", JUDGE_PAGE),
    "judging:score": ("get", JUDGE_ENTRY),
    "judging:autosave": ("post", JUDGE_ENTRY),
    "judging:conflict": ("get", JUDGE_ENTRY),
    "judging:evidence": ("get", {**JUDGE_ENTRY, "chair": 200, "admin": 200, "manager": 200, "viewer": 200}),
    "judging:ballot": ("get", row(404, **dict.fromkeys(SIGNED_OUT, SIGN_IN))),  # a scoring stage has no ballot
    "judging:reading_pack": ("get", JUDGE_PAGE),
    "judging:progress": ("get", CHAIR_PAGE),
    "judging:remind": ("post", CHAIR_POST),
    "judging:assignments": ("get", CHAIR_PAGE),
    "judging:assignment_change": ("post", CHAIR_POST),
    "judging:reopen": ("post", CHAIR_POST),
    "judging:assignments_download": ("get", CHAIR_PAGE),
    "judging:assignments_upload": ("get", CHAIR_PAGE),
    "judging:ranking": ("get", CHAIR_PAGE),
    "judging:explain": ("get", CHAIR_PAGE),
    "judging:apply_pending": ("get", CHAIR_PAGE),
    "judging:outcomes_send": ("get", CHAIR_PAGE),
    "judging:export": ("get", CHAIR_PAGE),
    "judging:shortlist_request": ("post", {**CHAIR_POST, "viewer": 302}),  # a pack is an export
    "judging:shortlist": ("get", CHAIR_PAGE),
    "judging:shortlist_download": ("get", CHAIR_PAGE),
    "judging:outcomes": ("get", CHAIR_PAGE),
    "judging:office": ("get", SIGNED_IN),  # the programmes one is the office of (perhaps none)
    "judging:overview": ("get", OFFICE_PAGE),
    # Messages from the office: read by the office; written and sent by its managers.
    "judging:messages": ("get", OFFICE_PAGE),
    "judging:message": ("get", OFFICE_PAGE),
    "judging:message_new": ("get", OFFICE_WRITE),
    "judging:message_edit": ("get", OFFICE_WRITE),
    "judging:feedback": ("get", OFFICE_PAGE),
    "judging:moderation": ("get", OFFICE_PAGE),
}


def patterns(resolver=None, namespace=""):
    """(qualified name, pattern) for every named URL, following includes."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def test_every_url_has_a_row():
    ours = {name for name, _ in patterns() if not name.startswith("admin:")}
    assert ours - set(MATRIX) == set(), "add the new URL to MATRIX with what each role gets"
    assert set(MATRIX) - ours == set(), "MATRIX names a URL that no longer exists"


class RoleClients:
    """world.clients[role] gives the one test client wearing that role's cookies."""

    def __init__(self, client, cookies):
        self.client, self.cookies = client, cookies

    def __getitem__(self, role):
        self.client.cookies = self.cookies[role]
        return self.client


@dataclass
class World:
    clients: dict
    kwargs: dict


@pytest.fixture
def world(panel, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile

    award = panel.stage.award
    office_people = {role: UserFactory(username=f"office-{role}") for role in OFFICE}
    for role, person in office_people.items():
        programme = ProgrammeFactory() if role == "other_manager" else award.programme
        office.role_grant(programme, person, OFFICE[role])
    draft = Nomination.objects.create(award=award, reference="KC-0900", nominator_email="a@example.org")
    other = Nomination.objects.create(award=award, reference="KC-0901", nominator_email="b@example.org")
    evidence = QuestionFactory(section=award.sections.first(), key="evidence", type="file", prompt="Evidence")
    answer = Answer(nomination=draft, question=evidence, file_name="evidence.pdf")
    answer.file.save("evidence.pdf", ContentFile(b"%PDF-1.4"), save=True)
    # A file of the first entry, for its judges and chairs.
    judged = Answer(
        nomination=panel.entries[0].nomination, question=evidence, value="letter.pdf", file_name="letter.pdf"
    )
    judged.file.save("letter.pdf", ContentFile(b"%PDF-1.4"), save=True)
    token_a, token_b = link_create(nomination=draft), link_create(nomination=other)
    consent_token, consent_hash = new_token()
    # The nominee of a nomination still waiting for consent (a judged one would leave judging if it were pending).
    Nomination.objects.filter(pk=other.pk).update(consent_token_hash=consent_hash, consent_status="pending")
    # bob's submitted scorecard for the second entry, for the chair to reopen.
    Scorecard.objects.create(
        entry=panel.entries[1], judge=panel.people["bob"], status="submitted", submitted_at=timezone.now()
    )
    pack = ShortlistPack.objects.create(
        stage=panel.stage,
        requested_by=panel.people["root"],
        status="done",
        pdf=ContentFile(b"%PDF-", name="pack.pdf"),
        entry_ids=[entry.pk for entry in panel.entries],
        nomination_ids=[entry.nomination_id for entry in panel.entries],
    )
    # One client whose cookies are swapped per role: each new Client builds its own handler, and
    # whitenoise then scans every static file again (a third of a second each time).
    client = Client()
    cookies = {}
    for role in ROLES:
        client.cookies = SimpleCookie()
        if role == "nominator_a":
            client.get(reverse("nominations:resume", args=[token_a]))
        elif role == "nominator_b":
            client.get(reverse("nominations:resume", args=[token_b]))
        elif role in PEOPLE:
            client.force_login(panel.people[PEOPLE[role]])
        elif role in OFFICE:
            client.force_login(office_people[role])
        cookies[role] = client.cookies
    clients = RoleClients(client, cookies)
    kwargs = {
        "programme_slug": award.programme.slug,
        "award_slug": award.slug,
        "token": token_a,
        "reference": draft.reference,
        "question_key": "evidence",
        "stage_id": panel.stage.pk,
        "entry_id": panel.entries[0].pk,
        "nomination_id": panel.entries[0].nomination_id,
        "pack_id": pack.pk,
        "what": "ranking",
        "fmt": "csv",
        "number": 1,
        "endorsement_id": Endorsement.objects.create(
            nomination=draft,
            question=QuestionFactory(section=award.sections.first(), key="referee", type="endorsement", prompt="Who?"),
            referee_name="Jane",
            referee_role="Manager",
            referee_email="jane@example.org",
            requested_at=timezone.now(),
        ).pk,
        "message_id": OfficeMessage.objects.create(
            programme=award.programme, segment="drafts", award=award, subject="Hello", body="Dear {name}"
        ).pk,
    }
    overrides = {
        "nominations:consent": {"token": consent_token},
        "judging:reopen": {"entry_id": panel.entries[1].pk},
    }
    return World(clients, {"default": kwargs, **overrides})


def _url(name, pattern, world):
    values = world.kwargs.get(name, {})
    wanted = {key: values.get(key, world.kwargs["default"][key]) for key in pattern.pattern.converters}
    return reverse(name, kwargs=wanted)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_its_row_says(world, panel, name):
    method, expected = MATRIX[name]
    pattern = dict(patterns())[name]
    url = _url(name, pattern, world)
    payload = {
        "judging:autosave": {"version": 0},
        "judging:remind": {"judge": panel.people["bob"].pk},
        "judging:reopen": {"judge": panel.people["bob"].pk},
        "judging:assignment_change": {"remove": panel.people["alice"].pk},
    }.get(name, {})
    got = {}
    for role in ROLES:
        if name == "judging:reopen":  # each role finds the scorecard submitted, as the first did
            Scorecard.objects.filter(entry=panel.entries[1]).update(status="submitted")
        response = getattr(world.clients[role], method)(url, payload)
        # Nothing the site builds is kept by a browser or proxy cache (plaudit.caching).
        assert "no-store" in response.get("Cache-Control", ""), (role, url)
        if response.status_code == 302 and response["Location"].startswith("/sign-in/"):
            got[role] = SIGN_IN
        else:
            got[role] = response.status_code
    wrong = {role: (got[role], expected[role]) for role in ROLES if got[role] != expected[role]}
    assert not wrong, f"{method.upper()} {url}: role -> (got, expected) {wrong}"


ADMIN_ROLES = {
    "admin": "allowed",
    "manager": "allowed",
    "viewer": "allowed",
    "other_manager": "allowed",
    "chair": "login",
    "judge": "login",
    "anonymous": "login",
    "nominator_a": "login",
}


@pytest.mark.parametrize("role", sorted(ADMIN_ROLES))
def test_the_admin_lets_in_staff_only_and_never_fails(world, panel, role):
    client = world.clients[role]
    checked = 0
    for name, pattern in patterns():
        if not name.startswith("admin:") or name in {"admin:logout", "admin:login", "admin:jsi18n"}:
            continue
        kwargs = {}
        for key in pattern.pattern.converters:
            kwargs[key] = "1"
        for key in _placeholders(pattern):
            kwargs.setdefault(key, "1")
        try:
            url = reverse(name, kwargs=kwargs)
        except Exception:
            url = reverse(name, kwargs={k: ("judging" if k == "app_label" else v) for k, v in kwargs.items()})
        response = client.get(url)
        checked += 1
        assert response.status_code < 500, (role, url)
        if ADMIN_ROLES[role] == "login":
            assert response.status_code == 302 and "/admin/login/" in response["Location"], (role, url)
        else:
            assert response.status_code in (200, 302, 403, 404), (role, url, response.status_code)
    assert checked > 50


def _placeholders(pattern):
    import re

    return re.findall(r"\(\?P<(\w+)>", pattern.pattern.regex.pattern)
