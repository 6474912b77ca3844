"""Server time (p95 of 20 requests after a warm-up) and queries of the main pages at N = 5,000,
in the process, against the benchmark database. Prints one JSON line."""

import json
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from judging.models import Assignment, Stage  # noqa: E402
from nominations.domain import link_create  # noqa: E402
from nominations.models import Nomination  # noqa: E402


def measure(client, url, runs=20):
    client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return statistics.quantiles(times, n=20)[18], len(captured)


def main():
    User = get_user_model()
    stage = Stage.objects.get(award__slug="synthetic-award")
    award = stage.award
    judge = User.objects.get(username="synthetic-judge-001")
    entry_id = Assignment.objects.filter(entry__stage=stage, judge=judge).values_list("entry_id", flat=True).first()
    # A draft in an open award (the synthetic programme's nominations have closed).
    from awards.models import Award

    open_award = Award.objects.get(slug="excellence-in-patient-experience")
    draft = Nomination.objects.create(award=open_award, reference="EPE-DRAFT", nominator_email="draft@example.org")
    nominator = Client(SERVER_NAME="127.0.0.1")
    nominator.get(f"/n/{link_create(nomination=draft)}/", SERVER_NAME="127.0.0.1")
    clients = {
        "public": Client(SERVER_NAME="127.0.0.1"),
        "nominator": nominator,
        "judge": Client(SERVER_NAME="127.0.0.1"),
        "chair": Client(SERVER_NAME="127.0.0.1"),
        "admin": Client(SERVER_NAME="127.0.0.1"),
    }
    clients["judge"].force_login(judge)
    clients["chair"].force_login(User.objects.get(username="synthetic-chair"))
    clients["admin"].force_login(User.objects.get(username="admin"))
    pages = [
        ("Home (public)", "public", "/"),
        ("Award page (public)", "public", award.get_absolute_url()),
        ("Nomination form", "nominator", f"/nominations/{draft.reference}/"),
        ("Judge: panels", "judge", "/judging/"),
        ("Judge: queue (page 1 of about 750 entries)", "judge", f"/judging/stages/{stage.pk}/"),
        ("Judge: scoring page", "judge", f"/judging/stages/{stage.pk}/entries/{entry_id}/"),
        ("Chair: progress", "chair", f"/judging/stages/{stage.pk}/progress/"),
        ("Chair: assignments (page 1)", "chair", f"/judging/stages/{stage.pk}/assignments/"),
        ("Chair: ranking (all 5,000 entries ranked, page 1 shown)", "chair", f"/judging/stages/{stage.pk}/ranking/"),
        ("Chair: outcome emails", "chair", f"/judging/stages/{stage.pk}/outcomes/"),
        ("Admin: nominations", "admin", "/admin/nominations/nomination/"),
        ("Admin: audit log", "admin", "/admin/audit/auditevent/"),
    ]
    rows = []
    for name, who, url in pages:
        runs = 5 if "ranking" in url else 20
        p95, queries = measure(clients[who], url, runs=runs)
        rows.append({"page": name, "p95_ms": p95, "queries": queries})
    draft.delete()
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
