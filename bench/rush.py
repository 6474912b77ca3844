"""The deadline rush with locust (headless) against gunicorn + PostgreSQL, then the ceiling."""

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PORT = int(os.environ.get("BENCH_PORT", "8799"))
USERS = int(os.environ.get("BENCH_USERS", "50"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "60"))


def _prepare(env) -> dict:
    """Open the synthetic stage's scorecards again (so judges have work) and describe a valid form."""
    script = r"""
import json, random, django
django.setup()
from awards.models import Award
from demo.programme import _shown, _value
from judging.models import Scorecard, Stage
stage = Stage.objects.get(award__slug="synthetic-award")
Scorecard.objects.filter(entry__stage=stage).update(status="draft", submitted_at=None)
award = Award.objects.get(slug="excellence-in-patient-experience")
rng = random.Random(1)
form = {"self_nomination": "no", "nominee_kind": "individual", "nominee_name": "Grace Hopper",
        "nominee_job_title": "Ward manager", "nominee_organisation": "Northfield Hospital",
        "nominee_email": "grace@example.org", "nominator_name": "Ada Lovelace",
        "nominator_organisation": "Northfield Hospital", "nominator_relationship": "Colleague"}
answers = {}
for q in award.questions.filter(active=True).order_by("section__position", "position"):
    if _shown(q, answers):
        v = _value(q, 0, rng, "Grace Hopper")
        if v is not None:
            answers[q.key] = v
            form["q-" + q.key] = v
values = {"score-" + c.key: str(c.scale_max) for c in stage.award.criteria.all()}
print(json.dumps({"form": form, "start": f"/programmes/{award.programme.slug}/{award.slug}/nominate/",
                  "scores": {"queue": f"/judging/stages/{stage.pk}/", "values": values}}))
"""
    out = subprocess.run(
        [str(BIN / "python"), "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def wait_for_site(port: int) -> None:
    """Until gunicorn answers on the port (twenty seconds at most)."""
    for _ in range(100):
        if subprocess.run(["curl", "-fs", "-o", "/dev/null", f"http://127.0.0.1:{port}/healthz"]).returncode == 0:
            return
        time.sleep(0.2)


def _locust(env, classes, prefix):
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            *classes,
            "--headless",
            "-u",
            str(USERS),
            "-r",
            "10",
            "-t",
            f"{SECONDS}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
    )
    rows = {}
    with open(f"{prefix}_stats.csv") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                continue
            rows[row["Name"]] = {
                "name": row["Name"],
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
                "errors": int(row["Failure Count"]),
                "count": int(row["Request Count"]),
            }
    return rows


def run(env) -> dict:
    env = {**env, "RATELIMIT_ENABLE": "0", "SITE_URL": f"http://127.0.0.1:{PORT}"}
    prepared = _prepare(env)
    work = Path(tempfile.mkdtemp())
    acknowledged = work / "acknowledged.txt"
    workers = 2 * (os.cpu_count() or 1) + 1
    web = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(work / "gunicorn.log", "w"),
        stderr=subprocess.STDOUT,
    )
    # The worker runs at a lower CPU priority than the web processes, as docs/deploy.md advises
    # where they share a host: a receipt's PDF can wait a second; a nominator's page should not.
    worker = subprocess.Popen(
        [
            "nice",
            "-n",
            "10",
            str(BIN / "python"),
            "manage.py",
            "task_worker",
            "--interval",
            "0.5",
            "--no-startup-delay",
        ],
        cwd=ROOT,
        env=env,
        stdout=open(work / "worker.log", "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_site(PORT)
        locust_env = {
            **env,
            "BENCH_FORM": json.dumps(prepared["form"]),
            "BENCH_START": prepared["start"],
            "BENCH_SCORES": json.dumps(prepared["scores"]),
            "BENCH_ACKNOWLEDGED": str(acknowledged),
        }
        print(f"rush: {USERS} users for {SECONDS} s …", flush=True)
        mixed = _locust(locust_env, ["Nominator", "Judge"], str(work / "rush"))
        print("ceiling …", flush=True)
        ceiling = _locust(locust_env, ["Ceiling"], str(work / "ceiling"))
    finally:
        web.terminate()
        worker.terminate()
        web.wait(30)
        worker.wait(30)
    emails = [line.strip() for line in acknowledged.read_text().splitlines()] if acknowledged.exists() else []
    count = (
        subprocess.run(
            [
                str(BIN / "python"),
                "-c",
                "import django,sys; django.setup(); from nominations.models import Nomination; "
                "emails=set(open(sys.argv[1]).read().split()) if sys.argv[1] else set(); "
                "print(Nomination.objects.filter(nominator_email__in=emails, status='submitted').count())",
                str(acknowledged) if emails else "",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    submit = mixed.get("form: submit", {"p95": float("inf")})
    order = [
        "form: start page",
        "form: start",
        "form: autosave",
        "form: continue",
        "form: submit",
        "judge: sign in",
        "judge: queue",
        "judge: scoring page",
        "judge: autosave",
        "judge: submit",
    ]
    return {
        "users": USERS,
        "seconds": SECONDS,
        "workers": workers,
        "rows": [mixed[name] for name in order if name in mixed],
        "ceiling": ceiling.get("ceiling: /healthz", {"rps": 0, "p50": 0, "p95": 0, "p99": 0, "errors": 0}),
        "submit_p95_ms": submit["p95"],
        "acknowledged": len(set(emails)),
        "rows_lost": len(set(emails)) - int(count),
    }


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
