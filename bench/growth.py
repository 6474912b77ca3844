"""How the chair's pages, the exports and the shortlist pack grow with the size of a stage.

python -m bench.growth build N     the bench programme with a stage of N entries, each scored by
                                   5 of 40 judges on 8 criteria (a balanced split)
python -m bench.growth measure K   one measurement, in a fresh process (so its peak memory is its
                                   own); prints one JSON line: seconds, queries, peak_mb

The pages go through Django's test client in the process (server time, no network); exports and
the pack through the worker's own function (results.shortlist.pack_build), as a site builds them.
"""

import json
import os
import resource
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.sizes import JUDGES, PER_ENTRY  # noqa: E402
from judging.models import Entry, ShortlistPack, Stage  # noqa: E402

OFFICE = "bench-office"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage() -> Stage:
    return Stage.objects.select_related("award__programme").get(award__programme__slug="bench", award__slug="ranking")


def office():
    user, _ = get_user_model().objects.get_or_create(
        username=OFFICE, defaults={"is_superuser": True, "is_staff": True, "email": "office@example.org"}
    )
    return user


def build(entries: int) -> None:
    from bench.data import build as build_data
    from judging.conflicts import undeclared_nominations
    from judging.models import ConflictDeclaration

    build_data(entries=entries, judges=JUDGES, per_entry=PER_ENTRY, say=lambda line: print(line, flush=True))
    office()
    # The judge whose queue is measured has declared (no conflict) for the stage's entries.
    judge, current, now = get_user_model().objects.get(username="bench-judge-000"), stage(), timezone.now()
    ConflictDeclaration.objects.bulk_create(
        (
            ConflictDeclaration(stage=current, judge=judge, nomination=nomination, declared_at=now)
            for nomination in undeclared_nominations(current, judge)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE judging_conflictdeclaration")


def _timed(call):
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - started
    return result, seconds, len(captured)


def _page(url: str, user, *, warm: bool) -> dict:
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    if warm:
        client.get(url)
    response, seconds, queries = _timed(lambda: client.get(url))
    assert response.status_code == 200, (url, response.status_code)
    return {"seconds": seconds, "queries": queries}


def _prepared(export: str = "", selected: int = 0) -> dict:
    from results import decisions
    from results.shortlist import pack_build

    current = stage()
    by = office()
    if selected:
        chosen = list(Entry.objects.filter(stage=current).order_by("pk")[:selected])
        decisions.decisions_record(
            stage=current, entries=chosen, outcome="shortlisted", reason="Bench", by=by, now=timezone.now()
        )
    pack = ShortlistPack.objects.create(stage=current, requested_by=by, export=export)
    _, seconds, queries = _timed(lambda: pack_build(pack.pk))
    pack.refresh_from_db()
    assert pack.status == "done", pack.error
    size = pack.pdf.size
    pack.pdf.delete(save=False)
    if selected:
        from judging.models import Decision

        Decision.objects.filter(entry__stage=current, reason="Bench").delete()
    return {"seconds": seconds, "queries": queries, "mb": round(size / 1e6, 1)}


def measure(kind: str) -> dict:
    current = stage()
    judge = get_user_model().objects.get(username="bench-judge-000")
    if kind == "ranking_first":
        result = _page(f"/judging/stages/{current.pk}/ranking/", office(), warm=False)
    elif kind == "ranking_cold":
        # Computed, not kept, in a process that has served a page before (another stage's
        # ranking): the stage's results worked out, without the process's own first-request
        # costs (modules imported on first use, templates compiled), which ranking_first shows.
        other = Stage.objects.filter(award__programme=current.award.programme).exclude(pk=current.pk).first()
        _page(f"/judging/stages/{other.pk}/ranking/", office(), warm=False)
        result = _page(f"/judging/stages/{current.pk}/ranking/", office(), warm=False)
    elif kind == "ranking_cached":
        result = _page(f"/judging/stages/{current.pk}/ranking/", office(), warm=True)
    elif kind == "progress":
        result = _page(f"/judging/stages/{current.pk}/progress/", office(), warm=True)
    elif kind == "queue":
        result = _page(f"/judging/stages/{current.pk}/", judge, warm=True)
    elif kind.startswith("export_"):
        result = _prepared(export=kind.removeprefix("export_").replace("_", "."))
    elif kind == "pack_50":
        result = _prepared(selected=50)
    else:
        raise SystemExit(f"no such measurement: {kind}")
    return {**result, "peak_mb": round(peak_mb())}


if __name__ == "__main__":
    if sys.argv[1] == "build":
        build(int(sys.argv[2]))
    else:
        print(json.dumps(measure(sys.argv[2])))
