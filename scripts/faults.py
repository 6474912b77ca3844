"""Fault drills against a running deployment (see scripts/faults.sh).

1. PostgreSQL restarted during a burst of nominations submitted over HTTP: requests that fail
   get the friendly error page; afterwards every nomination the site confirmed is there,
   submitted, with all its answers, and none is half-written.
2. The task worker killed while building a shortlist pack: the pack is marked failed (with
   "Try again"), never left "being built".

Usage: faults.py BASE_URL restart-postgres|kill-worker WORKER_PID
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402

from awards.models import Award  # noqa: E402
from demo.programme import _shown, _value  # noqa: E402
from nominations.models import Nomination  # noqa: E402

SLUG = "excellence-in-patient-experience"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FRIENDLY = "Sorry, there is a problem with the service"


class Browser:
    """Just enough of a browser: cookies, CSRF tokens, no redirects followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), self.NoRedirect
        )

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode(errors="replace")

    def csrf(self, path):
        status, _, html = self.request(path)
        match = CSRF.search(html)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path}: {status}")
        return match.group(1)


def form_for(award, index):
    """A complete, valid nomination form, the way the demo's samples are made."""
    import random

    rng = random.Random(index)
    data = {
        "self_nomination": "no",
        "nominee_kind": "individual",
        "nominee_name": f"Nominee {index}",
        "nominee_job_title": "Ward manager",
        "nominee_organisation": "Northfield Hospital",
        "nominee_email": f"nominee{index}@example.org",
        "nominator_name": f"Nominator {index}",
        "nominator_organisation": "Northfield Hospital",
        "nominator_relationship": "Colleague",
        "continue": "1",
    }
    answers = {}
    for question in award.questions.filter(active=True).order_by("section__position", "position"):
        if not _shown(question, answers):
            continue
        value = _value(question, index, rng, f"Nominee {index}")
        if value is not None:
            answers[question.key] = value
            data[f"q-{question.key}"] = value
    return data, len(answers)


def nominate(base, award, index, outcome):
    browser = Browser(base)
    start = f"/programmes/{award.programme.slug}/{SLUG}/nominate/"
    try:
        token = browser.csrf(start)
        status, location, _ = browser.request(
            start, {"csrfmiddlewaretoken": token, "email": f"drill{index}@example.org"}
        )
        if status != 302:
            raise RuntimeError(f"start: {status}")
        edit = location
        data, _count = form_for(award, index)
        status, location, html = browser.request(edit, {"csrfmiddlewaretoken": browser.csrf(edit), **data})
        if status != 302 or not location.endswith("/check/"):
            raise RuntimeError(f"form: {status}")
        token = browser.csrf(location)
        status, location, html = browser.request(edit + "submit/", {"csrfmiddlewaretoken": token})
        if status == 302 and location.endswith("/submitted/"):
            outcome["confirmed"].append(f"drill{index}@example.org")
        else:
            raise RuntimeError(f"submit: {status}")
    except Exception as error:  # a failed request: the drill counts it, and checks the page shown
        outcome["failed"].append(str(error))
        if "500" in str(error):
            outcome["errors_500"] += 1


def restart_postgres(base):
    award = Award.objects.get(slug=SLUG)
    connections.close_all()
    outcome = {"confirmed": [], "failed": [], "errors_500": 0}
    threads = [threading.Thread(target=nominate, args=(base, award, i, outcome)) for i in range(80)]
    cluster = next(iter(os.listdir("/etc/postgresql")))

    def restart_mid_burst():
        # Restart once the first nominations are through, while most are still on their way: a
        # fixed delay came too late on a quick machine (every nomination was done), proving nothing.
        deadline = time.monotonic() + 20
        while len(outcome["confirmed"]) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        print(f"Restarting PostgreSQL mid-burst ({len(outcome['confirmed'])} confirmed so far) …")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart", "-m", "fast"], check=True
        )

    restarter = threading.Thread(target=restart_mid_burst)
    restarter.start()
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    restarter.join(60)
    for thread in threads:
        thread.join(120)
    # A page the site served while the database was down: the friendly one, not a stack trace.
    status, _, html = Browser(base).request("/")
    print(f"After the restart the home page answers {status}.")
    connections.close_all()
    for _ in range(60):
        try:
            Nomination.objects.exists()
            break
        except Exception:
            time.sleep(0.5)
            connections.close_all()
    confirmed = set(outcome["confirmed"])
    stored = {
        n.nominator_email: n
        for n in Nomination.objects.filter(nominator_email__startswith="drill").prefetch_related("answers")
    }
    missing = [email for email in confirmed if email not in stored or stored[email].status != "submitted"]
    expected_answers = form_for(award, 0)[1]
    half = [
        n.reference
        for n in stored.values()
        if n.status == "submitted" and (not n.nominee_name or n.answers.exclude(value=None).count() < expected_answers)
    ]
    print(
        f"{len(confirmed)} confirmed, {len(outcome['failed'])} failed during the restart "
        f"({outcome['errors_500']} with the error page); {len(stored)} started in the database."
    )
    assert not missing, f"confirmed but not stored as submitted: {missing}"
    assert not half, f"half-written: {half}"
    assert outcome["failed"], "the restart came too late to interrupt anything: the drill proved nothing"
    print("No confirmed nomination lost, none half-written.")


def check_friendly_error(base):
    """With the database stopped, a page is the friendly error page, not a traceback."""
    status, _, html = Browser(base).request("/")
    assert status == 500 and FRIENDLY in html, (status, html[:200])
    print("With the database down, visitors see the friendly error page.")


def kill_worker(base, worker_pid):
    from django.contrib.auth import get_user_model

    from judging.models import ShortlistPack, Stage
    from results.tasks import build_shortlist_pack

    stage = Stage.objects.get(award__slug="synthetic-award")
    chair = get_user_model().objects.get(username="synthetic-chair")
    pack = ShortlistPack.objects.create(stage=stage, requested_by=chair)
    build_shortlist_pack.enqueue(pack.pk)
    for _ in range(120):
        pack.refresh_from_db()
        if pack.status == "running":
            break
        time.sleep(0.25)
    assert pack.status == "running", pack.status
    os.kill(worker_pid, 9)
    print(f"Killed the worker while pack {pack.pk} was being built.")
    browser = Browser(base)
    token = browser.csrf("/sign-in/")
    browser.request(
        "/sign-in/",
        {
            "csrfmiddlewaretoken": token,
            "method": "password",
            "username": "synthetic-chair",
            "password": "plaudit-synthetic",
        },
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, _, html = browser.request(f"/judging/stages/{stage.pk}/shortlist/{pack.pk}/")
        if "Try again" in html:
            pack.refresh_from_db()
            assert pack.status == "failed", pack.status
            print("The pack was marked failed, with Try again: not stuck.")
            return
        time.sleep(1)
    raise SystemExit("The pack stayed 'being built' after its worker was killed.")


if __name__ == "__main__":
    base, drill = sys.argv[1], sys.argv[2]
    if drill == "restart-postgres":
        restart_postgres(base)
    elif drill == "database-down":
        check_friendly_error(base)
    else:
        kill_worker(base, int(sys.argv[3]))
