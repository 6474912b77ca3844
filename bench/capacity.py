"""Capacity: requests a second at saturation (no think time), one kind at a time, in the same run.

gunicorn serves as docs/deploy.md says to run it; locust (FastHttpUser, wait 0) drives each kind
of request alone for CAPACITY_SECONDS with CAPACITY_USERS users: the bare view (/healthz, no
database), the public award page, a nomination autosave and a judge's autosave. Each is reported
as a share of the bare view's throughput, so the ratios hold on another machine even where the
numbers do not. The load generator shares the two cores with the server: the absolute figures
are a floor. Then the bare view again under the worker recycling docs/deploy.md used to advise.
"""

import csv
import json
import os
import subprocess
import tempfile
from pathlib import Path

from bench.rush import BIN, ROOT, _prepare, wait_for_site

PORT = int(os.environ.get("BENCH_PORT", "8799"))
USERS = int(os.environ.get("CAPACITY_USERS", "12"))
SECONDS = int(os.environ.get("CAPACITY_SECONDS", "20"))
WORKERS = 2 * (os.cpu_count() or 1) + 1
# As docs/deploy.md runs it: a worker is replaced after this many requests (give or take the
# jitter), so a leak cannot grow for ever; rare enough not to show at saturation.
RECYCLE = ["--max-requests", "20000", "--max-requests-jitter", "2000"]
OLD_RECYCLE = ["--max-requests", "2000", "--max-requests-jitter", "200"]

KINDS = [
    ("CapacityBare", "capacity: bare /healthz", "Bare view (`/healthz`, no database)"),
    ("CapacityAwardPage", "capacity: public award page", "Public award page"),
    ("CapacityNominationAutosave", "capacity: nomination autosave", "Nomination autosave"),
    ("CapacityJudgeAutosave", "capacity: judge autosave", "Judge's autosave"),
]


def _serve(env, work: Path, recycle: list[str]) -> subprocess.Popen:
    web = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            "config/gunicorn.py",
            "config.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
            *recycle,
        ],
        cwd=ROOT,
        env=env,
        stdout=open(work / "gunicorn.log", "a"),
        stderr=subprocess.STDOUT,
    )
    wait_for_site(PORT)
    return web


def _drive(env, work: Path, user_class: str, name: str) -> dict:
    prefix = work / user_class
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            user_class,
            "--headless",
            "-u",
            str(USERS),
            "-r",
            str(USERS),
            "-t",
            f"{SECONDS}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
    )
    with open(f"{prefix}_stats.csv") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == name:
                return {
                    "rps": float(row["Requests/s"]),
                    "p50": float(row["50%"] or 0),
                    "p95": float(row["95%"] or 0),
                    "count": int(row["Request Count"]),
                    "errors": int(row["Failure Count"]),
                }
    return {"rps": 0.0, "p50": 0.0, "p95": 0.0, "count": 0, "errors": 0}


def run(env) -> dict:
    env = {**env, "RATELIMIT_ENABLE": "0", "SITE_URL": f"http://127.0.0.1:{PORT}"}
    prepared = _prepare(env)
    award_page = prepared["start"].removesuffix("nominate/")
    env = {
        **env,
        "BENCH_FORM": json.dumps(prepared["form"]),
        "BENCH_START": prepared["start"],
        "BENCH_SCORES": json.dumps(prepared["scores"]),
        "BENCH_AWARD_PAGE": award_page,
    }
    work = Path(tempfile.mkdtemp())
    rows = []
    web = _serve(env, work, RECYCLE)
    try:
        for user_class, name, label in KINDS:
            print(f"capacity: {label} …", flush=True)
            rows.append({"label": label, **_drive(env, work, user_class, name)})
    finally:
        web.terminate()
        web.wait(30)
    print("capacity: bare view with the old worker recycling …", flush=True)
    web = _serve(env, work, OLD_RECYCLE)
    try:
        old = _drive(env, work, "CapacityBare", "capacity: bare /healthz")
    finally:
        web.terminate()
        web.wait(30)
    bare = rows[0]["rps"] or 1.0
    for row in rows:
        row["share"] = row["rps"] / bare
    return {
        "users": USERS,
        "seconds": SECONDS,
        "workers": WORKERS,
        "recycle": " ".join(RECYCLE),
        "old_recycle": " ".join(OLD_RECYCLE),
        "rows": rows,
        "old": {**old, "share": old["rps"] / bare},
    }
