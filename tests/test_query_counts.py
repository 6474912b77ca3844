"""List pages and exports make the same number of queries at N = 10 and N = 500, and never more
than 20: they do not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from judging.models import Assignment, Entry, Score, Scorecard
from nominations.models import Answer, Nomination

LIMIT = 20


def grow(panel, target):
    """Bring the panel's stage up to `target` entries, each assigned to bob and alice and scored by bob."""
    stage = panel.stage
    award = stage.award
    have = stage.entries.count()
    story = award.questions.get(key="story")
    start = Nomination.objects.count()
    nominations = Nomination.objects.bulk_create(
        Nomination(
            award=award,
            reference=f"QC-{start + i:05d}",
            status="submitted",
            nominee_name=f"Nominee {start + i}",
            nominator_email=f"n{start + i}@example.org",
            submitted_at=timezone.now(),
        )
        for i in range(target - have)
    )
    Answer.objects.bulk_create(Answer(nomination=n, question=story, value="They listened.") for n in nominations)
    entries = Entry.objects.bulk_create(Entry(stage=stage, nomination=n) for n in nominations)
    Assignment.objects.bulk_create(
        Assignment(entry=e, judge=panel.people[name]) for e in entries for name in ("bob", "alice")
    )
    cards = Scorecard.objects.bulk_create(
        Scorecard(entry=e, judge=panel.people["bob"], status="submitted", submitted_at=timezone.now()) for e in entries
    )
    Score.objects.bulk_create(
        Score(scorecard=card, criterion=criterion, value=(card.pk % 5) + 1, comment="Fine.")
        for card in cards
        for criterion in panel.criteria
    )


PAGES = {
    "judge queue": ("bob", lambda p: reverse("judging:queue", args=[p.stage.pk])),
    "judge panels": ("bob", lambda p: reverse("judging:home")),
    "chair progress": ("chidi", lambda p: reverse("judging:progress", args=[p.stage.pk])),
    "chair assignments": ("chidi", lambda p: reverse("judging:assignments", args=[p.stage.pk])),
    "assignments CSV": ("chidi", lambda p: reverse("judging:assignments_download", args=[p.stage.pk])),
    "ranking": ("chidi", lambda p: reverse("judging:ranking", args=[p.stage.pk])),
    "ranking normalised": ("chidi", lambda p: reverse("judging:ranking", args=[p.stage.pk]) + "?order=normalised"),
    "ranking CSV": ("chidi", lambda p: reverse("judging:export", args=[p.stage.pk, "ranking", "csv"])),
    "scores XLSX": ("chidi", lambda p: reverse("judging:export", args=[p.stage.pk, "scores", "xlsx"])),
    "outcome emails": ("chidi", lambda p: reverse("judging:outcomes", args=[p.stage.pk])),
    "admin nominations": ("root", lambda p: "/admin/nominations/nomination/"),
    "admin nominations CSV": ("root", lambda p: f"/admin/nominations/nomination/export/?award={p.stage.award_id}"),
    "admin entries": ("root", lambda p: "/admin/judging/entry/"),
    "admin conflicts": ("root", lambda p: "/admin/judging/conflict/"),
    "audit log": ("root", lambda p: "/admin/audit/auditevent/"),
}


def queries(client, url) -> int:
    client.get(url)  # warm: sessions, content types, the first-request caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_do_not_grow_with_the_data(client, panel, page):
    who, url_for = PAGES[page]
    client.force_login(panel.people[who])
    grow(panel, 10)
    small = queries(client, url_for(panel))
    grow(panel, 500)
    large = queries(client, url_for(panel))
    assert small == large, f"{page}: {small} queries at N=10, {large} at N=500"
    assert large <= LIMIT, f"{page}: {large} queries"


# ---------------------------------------------------------------- the admin's add and change pages

OUR_APPS = {"awards", "nominations", "judging", "audit", "plaudit"}


def admin_pages(panel):
    """(name, url) of the add page and one change page of every model of ours in the admin."""
    from django.contrib import admin

    from nominations.domain import dossier_merge

    if not panel.stage.award.dossiers.exists():
        dossier_merge(nominations=[panel.entries[1].nomination, panel.entries[2].nomination])
    pages = []
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in OUR_APPS:
            continue
        base = f"admin:{meta.app_label}_{meta.model_name}"
        pages.append((f"{meta.model_name} add", reverse(f"{base}_add")))
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append((f"{meta.model_name} change", reverse(f"{base}_change", args=[first.pk])))
    return pages


def grow_people_and_dossiers(panel, target):
    from django.contrib.auth import get_user_model

    from nominations.models import Dossier

    User = get_user_model()
    have = User.objects.filter(username__startswith="qc-judge-").count()
    User.objects.bulk_create(User(username=f"qc-judge-{n}", email=f"qc{n}@example.org") for n in range(have, target))
    award = panel.stage.award
    have = Dossier.objects.filter(award=award).count()
    Dossier.objects.bulk_create(Dossier(award=award, title=f"Dossier {n}") for n in range(have, target))


@pytest.mark.django_db
def test_the_admins_add_and_change_pages_do_not_grow_with_the_data(client, panel):
    client.force_login(panel.people["root"])
    grow(panel, 10)
    grow_people_and_dossiers(panel, 10)
    pages = admin_pages(panel)
    counts = {}
    for name, url in pages:
        response = client.get(url)
        if response.status_code == 403:  # no add page (nominations come from nominators, the log from events)
            continue
        counts[name] = queries(client, url)
    grow(panel, 300)
    grow_people_and_dossiers(panel, 300)
    grown = {name: queries(client, url) for name, url in pages if name in counts}
    assert {name: (counts[name], grown[name]) for name in counts if counts[name] != grown[name]} == {}
    assert len(counts) >= 12


def _counted(captured) -> int:
    """Statements a request makes, less transaction control (BEGIN and COMMIT, and the savepoints
    a test's transaction adds around atomic blocks), which read and write nothing."""
    control = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT")
    return sum(1 for q in captured if not q["sql"].startswith(control))


@pytest.mark.django_db(transaction=True)
def test_a_nomination_autosave_reads_what_it_needs_once(client):
    """At most 8 queries, the first save of a whole form included (issue 18: it was 18, then 12),
    and 6 once the answers are there: the session, the nomination with its award, the nomination
    again locked, its working copy saved, its answers, and the changed answers (one statement). The award's questions are kept for its revision
    (awards.definitions): outside a test's transaction, as in a request, so that they can be."""
    from tests.factories import NOMINATION_IDENTITY, QuestionFactory, kindness_award

    award = kindness_award()
    for i in range(10):
        QuestionFactory(section=award.sections.first(), key=f"extra-{i}", prompt=f"Extra {i}?", required=False)
    client.post(reverse("nominations:start", args=[award.programme.slug, award.slug]), {"email": "a@example.org"})
    nomination = Nomination.objects.latest("pk")
    url = reverse("nominations:autosave", args=[nomination.reference])
    answers = {f"q-extra-{i}": f"Answer {i}" for i in range(10)}
    counts = []
    for n, changes in enumerate([answers, {"q-story": "She listened"}, {"q-story": "She listened well"}, {}], start=1):
        answers |= changes
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {**NOMINATION_IDENTITY, **answers, "_page": "p", "_seq": str(n)})
        assert response.status_code == 200 and response.json()["applied"]
        counts.append(_counted(queries.captured_queries))
    assert max(counts) <= 8 and max(counts[1:]) <= 6, counts
    saved = dict(Answer.objects.filter(nomination=nomination).values_list("question__key", "draft"))
    assert saved == {**{f"extra-{i}": f"Answer {i}" for i in range(10)}, "story": "She listened well"}


@pytest.mark.django_db(transaction=True)
def test_a_judges_autosave_reads_the_stage_and_criteria_once(client, panel):
    """At most 8 queries once the judge has scored the entry before (issue 18: it was 18, then 16,
    then 10): the session, the user, the seat with its stage and award, the scores with their
    scorecard locked and its entry, read through the access rule in one query, the changed score,
    the scorecard's version, the audit, and the ranking's generation moved on (plaudit.generations:
    a cache read, a query with the database cache). The criteria are kept for the award's revision
    (awards.definitions): outside a test's transaction, as in a request, so that they can be. The
    first save makes the scorecard, and reads its way there: once for each judge and entry."""
    client.force_login(panel.people["bob"])
    url = reverse("judging:autosave", args=[panel.stage.pk, panel.entries[1].pk])
    version, counts = 0, []
    for n in range(4):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"version": version, "score-impact": str(n + 1), "comment-impact": f"c{n}"})
        assert response.status_code == 200, response.content
        version = response.json()["version"]
        counts.append(_counted(queries.captured_queries))
    assert counts[0] <= 16 and max(counts[1:]) <= 8, counts
