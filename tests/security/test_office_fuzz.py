"""Malformed input on every page of the awards office (Django's admin, the builder, publishing,
copying, screening, exports, invitations, conflicts): generated from the URLconf, each page is
posted, and asked with a query string, junk in every field it reads (ids that are words, huge
numbers, lists, control characters), as the programme's manager. Refused or ignored, never a
server error."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from awards import office
from awards.models import Award, OfficeRole, Programme
from judging.models import Conflict, Entry, PanelMember, Stage
from nominations.models import Dossier, Nomination
from tests.factories import CriterionFactory, NominationFactory, UserFactory, kindness_award

pytestmark = pytest.mark.django_db

# The names the office's forms and views read, and the admin's own.
FIELDS = [
    "action", "_selected_action", "select_across", "index", "post", "_save", "_continue",
    "kind", "item", "ids", "section", "type", "awards", "when", "at", "slug", "name", "shift_years",
    "with_panels", "nomination", "reason", "email", "role", "group", "judge", "entry", "stage", "award",
    "file", "force", "expected", "eligible", "count", "format", "o", "p", "q", "e", "term", "app_label",
    "model_name", "field_name", "programme", "title", "position", "key", "prompt", "weight", "levels",
]  # fmt: skip
JUNK = st.one_of(
    st.sampled_from(["", "abc", "-1", "0", "1", "99999999999999999999999", "1.5", "²", "\x00", "1,2", "[1]", "None"]),
    st.text(max_size=20),
)
VALUES = st.one_of(JUNK, st.lists(JUNK, max_size=3))
SKIP = {"admin:logout", "admin:login", "admin:jsi18n", "admin:password_change", "admin:password_change_done"}


def _patterns(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


OFFICE_URLS = sorted(name for name, _ in _patterns() if name.startswith("admin:") and name not in SKIP)


@pytest.fixture
def ours():
    award = kindness_award(slug="ours", name="Ours")
    CriterionFactory(award=award)
    stage = Stage.objects.create(award=award, name="Shortlisting")
    judge = UserFactory()
    PanelMember.objects.create(stage=stage, user=judge)
    first = NominationFactory(award=award, status="submitted", reference="OUR-0001")
    second = NominationFactory(award=award, status="submitted", reference="OUR-0002")
    second.dossier = Dossier.objects.create(award=award, title="A dossier")
    second.save()
    Entry.objects.create(stage=stage, nomination=first)
    Conflict.objects.create(judge=judge, nomination=first, reason="Colleague")
    manager = UserFactory()
    office.role_grant(award.programme, manager, OfficeRole.Role.MANAGER)
    rows = {
        "programme": award.programme_id,
        "award": award.pk,
        "stage": stage.pk,
        "entry": Entry.objects.get(stage=stage).pk,
        "nomination": first.pk,
        "dossier": second.dossier_id,
        "conflict": Conflict.objects.get().pk,
        "section": award.sections.first().pk,
        "question": award.questions.first().pk,
        "criterion": award.criteria.first().pk,
    }
    client = Client()
    client.force_login(manager)
    return client, rows


def _url(name, rows):
    """The page for one of our rows: the model is in the pattern's name (admin:awards_award_build)."""
    pattern = dict(_patterns())[name]
    kwargs = {}
    model = name.split(":")[1].split("_")[1] if "_" in name.split(":")[1] else ""
    for key in set(pattern.pattern.converters) | set(pattern.pattern.regex.groupindex):
        if key in ("object_id", "pk"):
            kwargs[key] = str(rows.get(model, 1))
        elif key == "item":
            kwargs[key] = str(
                rows["criterion"] if "criterion" in name else rows["section"] if "section" in name else rows["question"]
            )
        elif key == "app_label":
            kwargs[key] = "awards"
        else:
            kwargs[key] = "1"
    try:
        return reverse(name, kwargs=kwargs)
    except Exception:
        return None


@pytest.mark.parametrize("name", OFFICE_URLS)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(FIELDS, VALUES)))
@example(data={"judge": "abc", "entry": "abc", "nomination": "abc", "dossier": "abc"})
@example(data={"judge": "99999999999999999999999", "entry": "99999999999999999999", "dossier": "-1"})
def test_no_office_page_fails_on_malformed_input(ours, name, data):
    client, rows = ours
    url = _url(name, rows)
    if url is None:
        return
    flat = {key: value for key, value in data.items() if not (isinstance(value, str) and "\x00" in value)}
    posted = client.post(url, flat)
    assert posted.status_code < 500, (name, flat)
    asked = client.get(
        url,
        {
            key: value
            for key, value in flat.items()
            if key in ("o", "p", "q", "e", "award", "format", "term", "app_label", "model_name", "field_name")
        },
    )
    assert asked.status_code < 500, (name, flat)
    # Nothing of another programme was made by a malformed post.
    assert Programme.objects.count() <= 2 and Award.objects.exclude(programme_id=rows["programme"]).count() <= 1
    assert Nomination.objects.exclude(award_id=rows["award"]).count() == 0
