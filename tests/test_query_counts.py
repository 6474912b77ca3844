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
