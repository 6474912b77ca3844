"""Capacity: requests a second at saturation (no think time), one kind at a time, in the same run.

gunicorn serves as docs/deploy.md says to run it; locust (FastHttpUser, wait 0) drives each kind
of request alone with CAPACITY_USERS users: the bare view (/healthz, no database), the public
award page, a nomination autosave and a judge's autosave. Each is reported as a share of the bare
view's throughput, so the ratios hold on another machine even where the numbers do not. The load
generator shares the two cores with the server: the absolute figures are a floor.

Each run counts only after a warm-up (CAPACITY_WARMUP seconds) and then for CAPACITY_SECONDS,
read off locust's per-second history: a judge's user signs in with a password first (most of a
second of CPU each), which counted over the whole run had taken a fifth of the judge's autosave
figure while the bare view paid nothing. And the kinds go in CAPACITY_ROUNDS rounds, bare view
first in each, each share taken against the bare view of its own round and the median reported:
this machine's speed moves by half within minutes, which one run of each, minutes apart, read as
a change in the ratios. A round's shares are against the mean of the bare view before it and
after it (the next round's, or one more run after the last). Then the bare view again under the
worker recycling docs/deploy.md used to advise.
"""

import csv
import itertools
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.rush import BIN, ROOT, _prepare, wait_for_site

PORT = int(os.environ.get("BENCH_PORT", "8799"))
USERS = int(os.environ.get("CAPACITY_USERS", "12"))
SECONDS = int(os.environ.get("CAPACITY_SECONDS", "15"))
WARMUP = int(os.environ.get("CAPACITY_WARMUP", "5"))
ROUNDS = int(os.environ.get("CAPACITY_ROUNDS", "3"))
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


_runs = itertools.count(1)


def _drive(env, work: Path, user_class: str, name: str) -> dict:
    prefix = work / f"{user_class}-{next(_runs)}"
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
            f"{WARMUP + SECONDS}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(prefix),
            "--csv-full-history",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
    )
    return steady(Path(f"{prefix}_stats_history.csv"), name)


def _number(text) -> float:
    try:
        return float(text)
    except (TypeError, ValueError):  # locust writes N/A before a request has a time
        return 0.0


def steady(history: Path, name: str, warmup: float = WARMUP) -> dict:
    """One kind's rate after the warm-up, from locust's per-second history: its request count at
    the end less its count when the warm-up ended, over the seconds between. The percentiles are
    the last row's (locust's window of the last ten seconds, all after the warm-up)."""
    rows = list(csv.DictReader(history.open())) if history.exists() else []
    if not rows:
        return {"rps": 0.0, "p50": 0.0, "p95": 0.0, "count": 0, "errors": 0}
    began = int(rows[0]["Timestamp"])
    mine = [row for row in rows if row["Name"] == name]
    after = [row for row in mine if int(row["Timestamp"]) >= began + warmup]
    if len(after) < 2:
        return {"rps": 0.0, "p50": 0.0, "p95": 0.0, "count": 0, "errors": 0}
    first, last = after[0], after[-1]
    seconds = int(last["Timestamp"]) - int(first["Timestamp"])
    count = int(last["Total Request Count"]) - int(first["Total Request Count"])
    return {
        "rps": count / seconds,
        "p50": _number(last["50%"]),
        "p95": _number(last["95%"]),
        "count": count,
        "errors": int(last["Total Failure Count"]) - int(first["Total Failure Count"]),
    }


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
    runs: dict[str, list[dict]] = {label: [] for _, _, label in KINDS}
    web = _serve(env, work, RECYCLE)
    try:
        for number in range(1, ROUNDS + 1):
            for user_class, name, label in KINDS:
                print(f"capacity: round {number} of {ROUNDS}: {label} …", flush=True)
                runs[label].append(_drive(env, work, user_class, name))
        # The bare view once more, so that every round has a bare view after it as well as before.
        print("capacity: the bare view after the last round …", flush=True)
        closing = _drive(env, work, *KINDS[0][:2])
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
    # Each round's kinds against the mean of the bare view either side of them: the machine's
    # speed drifts within a round too.
    opening = [run["rps"] for run in runs[KINDS[0][2]]]
    after = [*opening[1:], closing["rps"]]
    bare = [(before + later) / 2 or 1.0 for before, later in zip(opening, after, strict=True)]
    rows = [summary(label, measured, bare) for label, measured in runs.items()]
    # The bare view's own row: every run of it, the one after the last round too; 100% by definition.
    every = [*runs[KINDS[0][2]], closing]
    rows[0] = {**summary(KINDS[0][2], every, [run["rps"] or 1.0 for run in every]), "shares": [1.0] * len(every)}
    return {
        "users": USERS,
        "seconds": SECONDS,
        "warmup": WARMUP,
        "rounds": ROUNDS,
        "workers": WORKERS,
        "recycle": " ".join(RECYCLE),
        "old_recycle": " ".join(OLD_RECYCLE),
        "rows": rows,
        "old": {**old, "share": old["rps"] / (closing["rps"] or 1.0)},
    }


def summary(label: str, measured: list[dict], bare: list[float]) -> dict:
    """A kind's row: the median of its rounds, and its share of the bare view as the median of
    each round's share against that round's bare view, `bare` (every round's share kept beside it)."""
    shares = [run["rps"] / base for run, base in zip(measured, bare, strict=True)]
    return {
        "label": label,
        "rps": statistics.median(run["rps"] for run in measured),
        "p50": statistics.median(run["p50"] for run in measured),
        "p95": statistics.median(run["p95"] for run in measured),
        "count": sum(run["count"] for run in measured),
        "errors": sum(run["errors"] for run in measured),
        "share": statistics.median(shares),
        "shares": shares,
    }
